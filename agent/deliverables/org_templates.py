"""Organisation templates under `COACH_HOME/templates/`: overrides by file name, a reference Word file.

    $COACH_HOME/templates/requirement_spec.md.j2   replaces the built-in template of that name
    $COACH_HOME/templates/_our_macros.md.j2        a partial (name starts with `_`) overrides may use
    $COACH_HOME/templates/reference.docx           fonts, heading styles, margins, header and footer
                                                   of every Word deliverable (pandoc's --reference-doc)

An override finds the built-in partials (`_macros.md.j2`…) by their usual names, and the built-in
version of any template as `builtin/<name>` (`{% include "builtin/requirement_spec.md.j2" %}` after
an organisation's cover note). Everything is checked before anything is rendered or written
(`check_overrides`, `check_reference_docx`): a syntax error with its line, a name no template can
use, an include that does not exist, a file name no built-in template has, a reference file that is
not a .docx or lacks the heading styles — each a `TemplateError` saying what, where and how to fix.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

from agent.config import coach_home
from agent.errors import ConfigError

TEMPLATES_SUBDIR = "templates"
REFERENCE_DOCX = "reference.docx"
BUILTIN_PREFIX = "builtin"
NEEDED_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3")
"""Styles a reference file must define: every deliverable has a title and three heading levels.
The others (lists, quotes, the table grid) are taken from the built-in set when it lacks them."""
_REMOVE_HINT = "或删除该文件以使用内置模板 / or delete the file to use the built-in one"


class TemplateError(ConfigError):
    """An organisation template (or reference Word file) that cannot be used. Exit code 2."""

    title = "Template error / 模板错误"


@dataclass(frozen=True)
class Overrides:
    """What the organisation's folder holds, checked."""

    folder: Path
    templates: tuple[str, ...]
    """Names of the built-in templates it replaces."""
    partials: tuple[str, ...]
    reference_docx: Path | None


def org_templates_dir() -> Path:
    """`COACH_HOME/templates`: where an organisation puts its templates and reference.docx."""
    return coach_home() / TEMPLATES_SUBDIR


def reference_docx_path() -> Path | None:
    """`COACH_HOME/templates/reference.docx` when it exists."""
    path = org_templates_dir() / REFERENCE_DOCX
    return path if path.is_file() else None


def builtin_names(builtin_dir: Path) -> frozenset[str]:
    """File names of the built-in templates (`*.md.j2`)."""
    return frozenset(p.name for p in builtin_dir.glob("*.j2"))


def _bytecode_cache() -> Any:
    """Compiled templates cached per user in the temp dir (compiling them dominates start-up)."""
    import os
    import tempfile

    import jinja2

    try:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        path = Path(tempfile.gettempdir()) / f"coach-jinja-{uid}"
        path.mkdir(mode=0o700, exist_ok=True)
        return jinja2.FileSystemBytecodeCache(str(path))
    except OSError:
        return None


@cache
def environment(builtin_dir: Path, org_dir: Path | None) -> Any:
    """A Jinja environment reading `org_dir` first, then the built-ins (also as `builtin/<name>`)."""
    import jinja2

    builtin = jinja2.FileSystemLoader(str(builtin_dir))
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(org_dir))] if org_dir else []
    loaders += [builtin, jinja2.PrefixLoader({BUILTIN_PREFIX: builtin})]
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def active_environment(builtin_dir: Path) -> Any:
    """The environment for the current COACH_HOME (its folder only when it exists)."""
    folder = org_templates_dir()
    return environment(builtin_dir, folder if folder.is_dir() else None)


def _first_line_naming(ast: Any, name: str) -> int | None:
    from jinja2 import nodes

    lines = [n.lineno for n in ast.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else None


def _check_one(env: Any, path: Path, known_names: Iterable[str]) -> None:
    import jinja2
    from jinja2 import meta

    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(
            f"{path}: not UTF-8 text / 模板文件不是 UTF-8 编码", hint=f"save it as UTF-8, {_REMOVE_HINT}"
        ) from exc
    except OSError as exc:
        raise TemplateError(
            f"{path}: cannot be read ({exc.strerror}) / 模板文件无法读取", hint=_REMOVE_HINT
        ) from exc
    try:
        ast = env.parse(source, path.name, str(path))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{path}, line {exc.lineno}: {exc.message} / 模板语法错误（第 {exc.lineno} 行）",
            hint=f"fix that line (Jinja syntax: {{{{ … }}}}, {{% … %}}) / 请修改该行，{_REMOVE_HINT}",
        ) from exc
    unknown = sorted(meta.find_undeclared_variables(ast) - set(known_names) - set(env.globals))
    if unknown:
        line = _first_line_naming(ast, unknown[0])
        where = f"{path}, line {line}" if line else str(path)
        raise TemplateError(
            f"{where}: unknown name '{unknown[0]}' / 模板使用了未知的名称「{unknown[0]}」",
            hint="names a template can use / 可用的名称: " + ", ".join(sorted(known_names)),
        )
    for ref in meta.find_referenced_templates(ast):
        if ref is None:
            continue
        try:
            env.loader.get_source(env, ref)
        except jinja2.TemplateNotFound:
            raise TemplateError(
                f"{path}: includes '{ref}', which does not exist / 模板引用的「{ref}」不存在",
                hint="a built-in partial (e.g. _macros.md.j2), one of yours in the same folder, or "
                "builtin/<name> / 请引用内置或同一目录下的模板",
            ) from None


def check_overrides(builtin_dir: Path, known_names: Iterable[str]) -> Overrides:
    """Check every template and the reference file in the organisation's folder; TemplateError on
    the first that cannot be used. Returns what is in effect."""
    folder = org_templates_dir()
    if not folder.is_dir():
        return Overrides(folder, (), (), None)
    env = active_environment(builtin_dir)
    builtins = builtin_names(builtin_dir)
    names = list(known_names)
    templates: list[str] = []
    partials: list[str] = []
    for path in sorted(folder.glob("*.j2")):
        if path.name not in builtins and not path.name.startswith("_"):
            raise TemplateError(
                f"{path}: no built-in template has this name / 没有同名的内置模板",
                hint="name it after the template it replaces / 请以要替换的模板命名: "
                + ", ".join(sorted(n for n in builtins if not n.startswith("_")))
                + " (a partial's name starts with _ / 片段模板以 _ 开头)",
            )
        _check_one(env, path, names)
        (partials if path.name.startswith("_") and path.name not in builtins else templates).append(path.name)
    reference = reference_docx_path()
    if reference is not None:
        check_reference_docx(reference)
    return Overrides(folder, tuple(templates), tuple(partials), reference)


def template_error_at(exc: BaseException, template: str) -> TemplateError | None:
    """A render-time failure inside an organisation's template as a TemplateError naming its file
    and line (jinja puts the template's lines into the traceback); None when the failure is not in
    one of the organisation's files."""
    folder = str(org_templates_dir())
    tb: TracebackType | None = exc.__traceback__
    where: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(folder):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if where is None:
        return None
    message = getattr(exc, "message", None) or str(exc)
    return TemplateError(
        f"{where[0]}, line {where[1]}: {message} / 模板渲染失败（第 {where[1]} 行，模板 {template}）",
        hint=f"fix that line / 请修改该行，{_REMOVE_HINT}",
    )


def check_reference_docx(path: Path) -> None:
    """A Word file that opens and defines `NEEDED_STYLES`; TemplateError otherwise."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    hint = (
        "save it from Word or LibreOffice as .docx (not .doc, .dotx or .odt), or remove it to use the "
        "built-in styles / 请用 Word 或 LibreOffice 另存为 .docx，或删除它以使用内置样式"
    )
    if not zipfile.is_zipfile(path):
        raise TemplateError(
            f"{path}: not a Word document (.docx) / 参考文档不是 Word（.docx）文件", hint=hint
        )
    try:
        document = docx.Document(str(path))
        names = {s.name for s in document.styles}
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise TemplateError(
            f"{path}: not a Word document (.docx): {exc} / 参考文档不是 Word（.docx）文件", hint=hint
        ) from exc
    except Exception as exc:  # lxml's XMLSyntaxError and kin: a damaged part
        raise TemplateError(f"{path}: damaged Word document ({exc}) / 参考文档已损坏", hint=hint) from exc
    missing = [n for n in NEEDED_STYLES if n not in names]
    if missing:
        raise TemplateError(
            f"{path}: lacks the style(s) {', '.join(missing)} / 参考文档缺少样式：{'、'.join(missing)}",
            hint="in Word, give one line each of these styles and save (Word keeps only styles in use); "
            "lists, quotes and tables fall back to the built-in styles / 在 Word 中各用一次这些样式后保存",
        )
