"""Storage faults under COACH_HOME and in the output directory: a damaged or foreign session
database, a read-only COACH_HOME, a full disk. Each is one clear message (what, where, how to fix)
with the StorageError exit code and no traceback, and nothing already saved or exported is lost.

Read-only cases run `coach` in a subprocess. As root, chmod alone restricts nothing, so there the
subprocess drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its capability bounding set before
exec: root then obeys file modes like any user. A full disk is RLIMIT_FSIZE on a subprocess (the
kernel refuses the write, as it does for ENOSPC; works as root) or ENOSPC raised in-process.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.deliverables.files import STAGING_PREFIX
from agent.deliverables.registry import load_registry
from agent.errors import StorageError
from cli.main import main
from graphs.session import CoachSession, list_projects

REPO = Path(__file__).resolve().parents[2]
FIRST, SECOND = "甲项目", "乙项目"
ANSWERS = {FIRST: ("星河银行", "金融", "客服高峰期排队超过15分钟"), SECOND: ("某医院", "医疗")}
MIN_ANSWERS = "project:\n  name: 存储测试\n  sector: finance\nrequirements:\n  budget_wan: 100\n"


# ---- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def saved_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A sessions database holding two projects with a few answers each (bytes of the file)."""
    home = tmp_path_factory.mktemp("saved") / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COACH_HOME", str(home))
        for name, answers in ANSWERS.items():
            session = CoachSession.open(name)
            for answer in answers:
                session.send(answer)
            session.close()
    files = sorted(p.name for p in home.iterdir() if p.name != "locks")  # project leases: agent.locks
    assert files == ["sessions.sqlite"], "the WAL was checkpointed"
    return (home / "sessions.sqlite").read_bytes()


@pytest.fixture
def db(coach_home: Path, saved_db: bytes) -> Path:
    """This test's COACH_HOME holding the saved database."""
    coach_home.mkdir(parents=True)
    path = coach_home / "sessions.sqlite"
    path.write_bytes(saved_db)
    return path


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete earlier `coach run` output (md and docx) plus its answers file."""
    base = tmp_path_factory.mktemp("previous")
    (base / "answers.yaml").write_text(MIN_ANSWERS, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COACH_HOME", str(base / "home"))
        argv = [
            "run",
            "--answers",
            str(base / "answers.yaml"),
            "--out",
            str(base / "out"),
            "--format",
            "md,docx",
        ]
        assert main(argv) == 0
    return base


@pytest.fixture
def out(tmp_path: Path, previous_output: Path) -> Path:
    return Path(shutil.copytree(previous_output / "out", tmp_path / "out"))


# ---- helpers -------------------------------------------------------------------------------------
def listing(directory: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every path under `directory` with size, mtime and head bytes: equal before and after = untouched."""
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes()[:64])
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    } | {str(p.relative_to(directory)) + "/": (0, 0, b"") for p in directory.rglob("*") if p.is_dir()}


def clear_message(err: str, *fragments: str) -> None:
    """One `coach: <title>: <what>` line and at most a `→ <fix>` line; no traceback."""
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("coach: "), err
    if len(lines) == 2:
        assert lines[1].strip().startswith("→ "), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def answers_of(name: str) -> dict[str, str]:
    session = CoachSession.open(name, create=False)
    try:
        return {qid: r.raw for qid, r in session.snapshot().answers.items()}
    finally:
        session.close()


def thread_of(path: Path, name: str) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT thread_id FROM coach_projects WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


def _start(
    *argv: str, home: Path, preexec: Callable[[], None] | None = None, code: str | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "cli", *argv]
    return subprocess.Popen(
        cmd, cwd=REPO, env=env, preexec_fn=preexec, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def coach(
    *argv: str, home: Path, preexec: Callable[[], None] | None = None, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`coach ARGV…` (or `python -c CODE`) in a subprocess with COACH_HOME=home."""
    return _finish(_start(*argv, home=home, preexec=preexec, code=code))


OPEN_SESSION = """
from agent.errors import StorageError
from graphs.session import CoachSession
try:
    CoachSession.open({name!r}).close()
    print("OPENED")
except StorageError as exc:
    print("STORAGE-ERROR", exc.message)
"""

PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _drop_file_capabilities() -> None:
    """preexec_fn: root without the capabilities that bypass file modes (from the next exec on)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture
def obeys_file_modes(tmp_path: Path) -> Iterator[Callable[[], None] | None]:
    """A preexec_fn under which a subprocess obeys chmod (None when not root); skip if impossible."""
    preexec = _drop_file_capabilities if os.geteuid() == 0 else None
    probe = tmp_path / "probe"
    probe.mkdir(mode=0o500)
    try:
        done = subprocess.run(
            [sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"],
            preexec_fn=preexec,
            capture_output=True,
        )
    except subprocess.SubprocessError as exc:
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE ({exc}): chmod restricts nothing")
    finally:
        probe.chmod(0o700)
    if done.returncode == 0:
        pytest.skip("a chmod 0o500 directory is still writable here (privileged user): cannot test read-only")
    yield preexec


def _file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


# ---- a damaged or foreign session database -------------------------------------------------------
def _garbage(data: bytes) -> bytes:
    return b"\xde\xad\xbe\xef not a database " * (len(data) // 24)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage": _garbage,
    "truncated": lambda data: data[: len(data) // 3],
    "schema_page": lambda data: data[:100] + b"\xff" * 3900 + data[4000:],
}


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_damaged_database_file_is_one_clear_error_and_left_as_it_was(
    how: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.write_bytes(DAMAGE[how](db.read_bytes()))
    before = db.read_bytes()
    target = tmp_path / "export"
    for argv in (["projects"], ["projects", "--json"], ["export", FIRST, "--out", str(target)]):
        assert main(argv) == StorageError.exit_code, argv
        clear_message(capsys.readouterr().err, str(db), "COACH_HOME")
    with pytest.raises(StorageError, match=r"sessions\.sqlite"):
        CoachSession.open(FIRST)
    assert db.read_bytes() == before, "the damaged file is kept for the user to recover"
    assert not target.exists(), "nothing exported from a database that cannot be read"


CHECKPOINT_DAMAGE = {
    "undecodable": ("checkpoints", "checkpoint", b"\xc1" * 64),  # 0xc1 is never valid msgpack
    "wrong_shape": ("checkpoints", "checkpoint", b"\x2a"),  # valid msgpack: the number 42
    "pending_writes": ("writes", "value", b"\xc1" * 16),
}


@pytest.mark.parametrize("how", sorted(CHECKPOINT_DAMAGE))
def test_damaged_project_history_is_one_clear_error_and_spares_the_other_projects(
    how: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second_answers = answers_of(SECOND)
    table, column, blob = CHECKPOINT_DAMAGE[how]
    conn = sqlite3.connect(db)
    damaged = conn.execute(
        f"UPDATE {table} SET {column} = ?, type = 'msgpack' WHERE thread_id = ?", (blob, thread_of(db, FIRST))
    ).rowcount
    conn.commit()
    conn.close()
    assert damaged > 0

    assert main(["projects"]) == 0, "the list still shows every project"
    assert FIRST in capsys.readouterr().out
    target = tmp_path / "export"
    assert main(["export", FIRST, "--out", str(target)]) == StorageError.exit_code
    clear_message(capsys.readouterr().err, str(db), "damaged", "coach projects --delete")
    assert not target.exists()
    with pytest.raises(StorageError, match="damaged"):
        CoachSession.open(FIRST)
    assert answers_of(SECOND) == second_answers, "the other project is intact"
    # the fix the message names works: delete the damaged project, start it again
    assert main(["projects", "--delete", FIRST]) == 0
    assert answers_of(SECOND) == second_answers
    fresh = CoachSession.open(FIRST)
    assert fresh.snapshot().answers == {}
    fresh.close()


def test_damaged_project_summary_row_still_lists_and_opens(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stage/readiness/date columns are a cache: damage there must not hide any project."""
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE coach_projects SET stage = 'bogus', lang = 'xx', readiness = 'lots', done = 'maybe', "
        "created_at = 'long ago', updated_at = X'c1c1' WHERE name = ?",
        (FIRST,),
    )
    conn.commit()
    conn.close()
    assert main(["projects", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert set(listed) == {FIRST, SECOND}
    assert listed[FIRST]["stage"] == "requirements" and listed[FIRST]["updated_at"] is None
    assert main(["projects"]) == 0 and FIRST in capsys.readouterr().out
    assert len(answers_of(FIRST)) == len(ANSWERS[FIRST]), "the answers live in the checkpoints: intact"
    repaired = {p.name: p for p in list_projects()}[FIRST]
    assert repaired.updated_at is not None, "opening the project rewrote its summary"
    assert main(["export", FIRST, "--out", str(tmp_path / "export"), "--format", "md"]) == 0


def test_foreign_sqlite_database_is_refused_by_every_command(
    coach_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_home.mkdir(parents=True)
    path = coach_home / "sessions.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('张三')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    target = tmp_path / "export"
    for argv in (["projects"], ["export", FIRST, "--out", str(target)], ["projects", "--delete", FIRST]):
        assert main(argv) == StorageError.exit_code, argv
        clear_message(capsys.readouterr().err, str(path), "another program")
    with pytest.raises(StorageError, match="another program"):
        CoachSession.open(FIRST)
    assert path.read_bytes() == before
    assert sorted(p.name for p in coach_home.iterdir() if p.name != "locks") == ["sessions.sqlite"]
    assert not target.exists()


def test_first_start_killed_before_the_file_was_named_is_finished_not_refused(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a kill between creating `coach_meta` and filling it left (before the creation became
    one transaction): our own empty table, which must not brick the store as 'not ours'."""
    coach_home.mkdir(parents=True)
    conn = sqlite3.connect(coach_home / "sessions.sqlite")
    conn.execute("CREATE TABLE coach_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.commit()
    conn.close()
    assert main(["projects"]) == 0, capsys.readouterr().err
    session = CoachSession.open(FIRST)
    session.send("星河银行")
    session.close()
    assert len(answers_of(FIRST)) == 1


# ---- a read-only COACH_HOME ----------------------------------------------------------------------
def test_read_only_coach_home(db: Path, tmp_path: Path, obeys_file_modes: Callable[[], None] | None) -> None:
    home = db.parent
    before = listing(home)
    home.chmod(0o500)
    commands = (
        ["projects"],
        ["export", FIRST, "--out", str(tmp_path / "export")],
        ["kb", "add", "README.md"],
    )
    try:  # side by side: each stops at the COACH_HOME check, nothing to contend for
        started = [_start(*argv, home=home, preexec=obeys_file_modes) for argv in commands]
        started.append(_start(home=home, preexec=obeys_file_modes, code=OPEN_SESSION.format(name=FIRST)))
        *done, opened = [_finish(p) for p in started]
    finally:
        home.chmod(0o700)
    for argv, result in zip(commands, done, strict=True):
        assert result.returncode == StorageError.exit_code, (argv, result.stderr)
        clear_message(result.stderr, str(home), "read-only", "COACH_HOME")
    assert opened.stdout.startswith("STORAGE-ERROR") and "read-only" in opened.stdout, opened
    assert listing(home) == before, "nothing under COACH_HOME changed"
    assert not (tmp_path / "export").exists()
    assert len(answers_of(FIRST)) == len(ANSWERS[FIRST])


def test_coach_run_works_with_a_read_only_coach_home_and_refuses_a_read_only_out(
    db: Path, out: Path, previous_output: Path, tmp_path: Path, obeys_file_modes: Callable[[], None] | None
) -> None:
    """`coach run` keeps nothing under COACH_HOME; an output directory it cannot write is refused
    in one message with the previous files as they were."""
    home = db.parent
    argv = ["run", "--answers", str(previous_output / "answers.yaml"), "--format", "md,docx", "--out"]
    before = listing(out)
    home.chmod(0o500)
    out.chmod(0o500)
    try:
        # two independent runs side by side (started one after the other: preexec_fn is not thread-safe)
        started = [
            _start(*argv, str(t), home=home, preexec=obeys_file_modes) for t in (tmp_path / "fresh", out)
        ]
        fresh, refused = (_finish(p) for p in started)
    finally:
        home.chmod(0o700)
        out.chmod(0o700)
    assert fresh.returncode == 0, fresh.stderr
    assert len(list((tmp_path / "fresh").iterdir())) == len(load_registry()) * 2 + 1
    assert refused.returncode == StorageError.exit_code
    clear_message(refused.stderr, str(out), os.strerror(errno.EACCES), "permissions")
    assert listing(out) == before


def test_read_only_session_file_is_called_read_only_not_corrupt(
    db: Path, tmp_path: Path, obeys_file_modes: Callable[[], None] | None
) -> None:
    db.chmod(0o400)
    before = db.read_bytes()
    listed = coach("projects", home=db.parent, preexec=obeys_file_modes)
    assert listed.returncode == 0 and FIRST in listed.stdout, "reading still works"
    done = coach("export", FIRST, "--out", str(tmp_path / "export"), home=db.parent, preexec=obeys_file_modes)
    assert done.returncode == StorageError.exit_code
    clear_message(done.stderr, str(db), "read-only")
    assert "not a readable" not in done.stderr, "a read-only file is not reported as corrupt"
    opened = coach(home=db.parent, preexec=obeys_file_modes, code=OPEN_SESSION.format(name=FIRST))
    assert opened.stdout.startswith("STORAGE-ERROR") and "read-only" in opened.stdout, opened
    db.chmod(0o600)
    assert db.read_bytes() == before
    assert len(answers_of(FIRST)) == len(ANSWERS[FIRST])


def test_coach_home_below_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A COACH_HOME that cannot be a directory (works as root, where chmod does not)."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me", encoding="utf-8")
    home = blocker / "coach"
    monkeypatch.setenv("COACH_HOME", str(home))
    assert main(["kb", "add", str(REPO / "README.md")]) == StorageError.exit_code
    clear_message(capsys.readouterr().err, str(home), "COACH_HOME")
    assert main(["export", FIRST, "--out", str(tmp_path / "export")]) == StorageError.exit_code
    clear_message(capsys.readouterr().err, str(home), "COACH_HOME")
    with pytest.raises(StorageError, match="COACH_HOME"):
        CoachSession.open(FIRST)
    assert main(["projects"]) == 0, "nothing saved there: an empty list, not an error"
    answers = tmp_path / "answers.yaml"
    answers.write_text(MIN_ANSWERS, encoding="utf-8")
    assert main(["run", "--answers", str(answers), "--out", str(tmp_path / "run"), "--format", "md"]) == 0
    assert blocker.read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "export").exists()


# ---- a full disk ---------------------------------------------------------------------------------
def _fail_on_write(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """The nth deliverable write runs out of space half-way through its bytes."""
    import agent.deliverables.export as export

    real = export._write
    calls = 0

    def write(doc: object, fmt: str, path: Path, snapshot: object) -> None:
        nonlocal calls
        calls += 1
        real(doc, fmt, path, snapshot)  # type: ignore[arg-type]
        if calls == nth:
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(export, "_write", write)


def test_disk_full_during_coach_run_keeps_the_previous_output(
    out: Path,
    previous_output: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = listing(out)
    _fail_on_write(monkeypatch, 7)
    argv = ["run", "--answers", str(previous_output / "answers.yaml"), "--format", "md,docx", "--out"]
    assert main([*argv, str(out)]) == StorageError.exit_code
    clear_message(capsys.readouterr().err, str(out), os.strerror(errno.ENOSPC), "free space")
    assert listing(out) == before, "the previous output is intact, no partial or staging files"
    fresh = tmp_path / "fresh"
    _fail_on_write(monkeypatch, 7)
    assert main([*argv, str(fresh)]) == StorageError.exit_code
    capsys.readouterr()
    assert not fresh.exists(), "a directory this run created is removed again"


def test_disk_full_during_coach_export_keeps_output_and_session(
    db: Path, out: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before, answers = listing(out), answers_of(FIRST)
    _fail_on_write(monkeypatch, 3)
    assert main(["export", FIRST, "--out", str(out), "--format", "md,docx"]) == StorageError.exit_code
    clear_message(capsys.readouterr().err, str(out), os.strerror(errno.ENOSPC))
    assert listing(out) == before
    assert answers_of(FIRST) == answers


def test_file_size_limit_on_coach_run_is_refused_by_the_kernel_cleanly(
    out: Path, previous_output: Path, tmp_path: Path
) -> None:
    """A real refusal from the kernel (RLIMIT_FSIZE: EFBIG, as ENOSPC would be) in whichever writer
    hits it first (the DOCX writer here: every DOCX is over the limit)."""
    before = listing(out)
    argv = ["run", "--answers", str(previous_output / "answers.yaml"), "--format", "md,docx", "--out"]
    done = coach(*argv, str(out), home=tmp_path / "home", preexec=_file_size_limit(20_000))
    assert done.returncode == StorageError.exit_code, done.stderr
    clear_message(done.stderr, str(out), os.strerror(errno.EFBIG))
    assert listing(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_disk_full_in_the_session_store_is_not_called_corruption(db: Path) -> None:
    """The session database cannot grow (RLIMIT_FSIZE): a clear 'disk full' error, answers kept."""
    before = answers_of(FIRST)
    done = coach(home=db.parent, preexec=_file_size_limit(4096), code=OPEN_SESSION.format(name=FIRST))
    assert done.stdout.startswith("STORAGE-ERROR"), (done.stdout, done.stderr)
    assert "disk is full" in done.stdout and "not a readable" not in done.stdout
    assert answers_of(FIRST) == before, "everything saved before is kept"
