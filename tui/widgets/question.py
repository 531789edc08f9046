"""The question panel: the current question, its options (digits, arrows, click) and free text.

The input keeps the focus: ↑/↓ move the highlighted option, a digit typed alone highlights that
option, Enter sends it. Anything else typed is sent as free text; `/…` are commands. When the
coach offers a value inferred from earlier answers, Enter on the empty box (nothing highlighted or
ticked) confirms it; on a question asked again (/back, /revise) it keeps the current answer.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from agent.snapshot import QuestionView
from agent.types import STAGE_TITLES, STAGES
from tui.i18n import list_sep, shorten, shorten_words, t
from tui.messages import AnswerSubmitted
from tui.widgets.answer_area import AnswerArea
from tui.widgets.ticks import INDENT, MarkedOptionList, TickList


def _shorten_value(value: str) -> str:
    return shorten(value, 30)


class AnswerInput(Input):
    """The answer box. With nothing typed, Space ticks the highlighted option of a multi-choice."""

    async def _on_key(self, event: Key) -> None:
        panel = self.parent
        if event.key == "space" and not self.value and isinstance(panel, QuestionPanel):
            multi = panel.query_one("#q-multi", SelectionList)
            if multi.display and multi.option_count:
                event.stop()
                event.prevent_default()
                if multi.highlighted is None:
                    multi.highlighted = 0
                multi.toggle(multi.get_option_at_index(multi.highlighted))
                return
        await super()._on_key(event)


class QuestionPanel(Vertical):
    """Shows one `QuestionView` and turns what the user does into an `AnswerSubmitted`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "↑", show=False, id="option_up", tooltip="Previous option"),
        Binding("down", "move(1)", "↓", show=False, id="option_down", tooltip="Next option"),
        Binding("ctrl+j", "newline", "New line", show=False, id="newline", tooltip="New line"),
    ]

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.question: QuestionView | None = None
        self.busy = False
        """Set by the screen while a turn runs: Enter then keeps the text and says so."""
        self.history: list[str] = []
        """What the user typed, oldest first (↑ recalls it when no options are shown)."""
        self._recalled: int | None = None
        self._draft = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="q-head")
        yield Static("", id="q-text")
        yield Static("", id="q-help")
        yield MarkedOptionList(id="q-options")
        yield TickList(id="q-multi")
        yield AnswerInput(id="q-input", placeholder=t("question.ph.text", self.lang), compact=True)
        area = AnswerArea(id="q-area", compact=True, soft_wrap=True)
        area.display = False
        yield area

    @property
    def input(self) -> Input:
        return self.query_one("#q-input", Input)

    def _options(self, q: QuestionView) -> list[tuple[str, str]]:
        if q.options:
            return list(q.options)
        if q.type == "yesno":
            return [("yes", t("question.yes", self.lang)), ("no", t("question.no", self.lang))]
        return []

    def show(self, question: QuestionView | None) -> None:
        """Display `question` (None: the interview is complete)."""
        self.question = question
        head = self.query_one("#q-head", Static)
        text = self.query_one("#q-text", Static)
        helptext = self.query_one("#q-help", Static)
        options = self.query_one("#q-options", OptionList)
        multi = self.query_one("#q-multi", SelectionList)
        options.clear_options()
        multi.clear_options()
        head.display = question is not None  # no empty first line once the interview is done
        if question is None:
            head.update("")
            text.update(t("question.none", self.lang))
            helptext.update("")
            options.display = multi.display = helptext.display = False
            self.input.placeholder = t("question.ph.done", self.lang)
            return
        self._render_head()
        text.update(question.text)
        helptext.update(question.help)
        helptext.display = bool(question.help)
        choices = self._options(question)
        is_multi = question.type == "multi"
        options.display = bool(choices) and not is_multi
        multi.display = bool(choices) and is_multi
        if is_multi:
            multi.add_options(
                [(f"{INDENT}{i}. {label}", value) for i, (value, label) in enumerate(choices, 1)]
            )
        elif choices:
            options.add_options(
                [Option(f"{INDENT}{i}. {label}", id=value) for i, (value, label) in enumerate(choices, 1)]
            )
            options.highlighted = None
        self.input.placeholder = t(f"question.ph.{question.type}", self.lang)
        if question.suggested:
            self.input.placeholder = t("question.ph.suggested", self.lang, value=question.suggested)
        elif question.current:
            self.input.placeholder = t(
                "question.ph.current", self.lang, value=_shorten_value(question.current)
            )

    def _render_head(self) -> None:
        """Stage and progress on one line: a stage title too long for the panel (English, or beside
        the side panels) loses whole words from its end, or goes, never cut inside a word."""
        question = self.question
        if question is None:
            return
        n = STAGES.index(question.stage) + 1
        title = STAGE_TITLES[question.stage][self.lang]
        progress = t("question.progress", self.lang, index=question.index, total=question.total)
        if question.planned:  # the whole interview at its depth: "12 / ~40", a total that does not grow
            progress = t("question.planned", self.lang, number=question.number, planned=question.planned)
        show_ids = bool(getattr(getattr(self.app, "settings", None), "show_ids", False))
        tail = f" · {progress}" + (f" · {question.id}" if show_ids else "")
        width = self.query_one("#q-head", Static).content_size.width
        stage = t("question.stage", self.lang, n=n, stage=title)
        if width and cell_len(stage + tail) > width:
            room = width - cell_len(t("question.stage", self.lang, n=n, stage="") + tail)
            short = shorten_words(title, room)
            stage = t("question.stage", self.lang, n=n, stage=short).rstrip()
        self.query_one("#q-head", Static).update(stage + tail)

    def on_resize(self) -> None:
        self._render_head()

    # --- keys -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        """↑/↓ from the input move the highlight in the visible option list; with no options on
        screen they walk through what was typed before (prompt history)."""
        target: OptionList | None = None
        for widget in (self.query_one("#q-options", OptionList), self.query_one("#q-multi", SelectionList)):
            if widget.display and widget.option_count:
                target = widget
        if target is None:
            self._recall(step)
            return
        current = target.highlighted
        if current is None:
            target.highlighted = 0 if step > 0 else target.option_count - 1
        else:
            target.highlighted = max(0, min(target.option_count - 1, current + step))

    def action_newline(self) -> None:
        """A multi-line answer: the box becomes a text area holding what was typed and a new line."""
        area = self.query_one(AnswerArea)
        area.text = self.input.value + "\n"
        area.move_cursor(area.document.end)
        self.input.display = False
        area.display = True
        area.focus()

    @on(AnswerArea.Done)
    def _area_done(self, event: AnswerArea.Done) -> None:
        event.stop()
        text = event.text.strip()
        if event.send and self.busy:
            self.notify(t("interview.busy", self.lang), severity="warning")
            return
        area = self.query_one(AnswerArea)
        area.display = False
        self.input.display = True
        self.input.focus()
        if not event.send:  # back to one line, the lines joined
            self.input.value = " ".join(line.strip() for line in text.splitlines() if line.strip())
            return
        area.text = ""
        if text:
            self._remember(text)
            self.post_message(AnswerSubmitted(text))

    def _recall(self, step: int) -> None:
        """Put the previous (-1) or next (+1) typed line in the box; past the newest, the draft."""
        if not self.history:
            return
        if self._recalled is None:
            if step > 0:
                return
            self._draft = self.input.value
            self._recalled = len(self.history)
        self._recalled = max(0, self._recalled + step)
        if self._recalled >= len(self.history):
            self._recalled = None
            self.input.value = self._draft
        else:
            self.input.value = self.history[self._recalled]
        self.input.cursor_position = len(self.input.value)

    def _remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._recalled = None

    @on(Input.Changed, "#q-input")
    def _digit_highlights(self, event: Input.Changed) -> None:
        options = self.query_one("#q-options", OptionList)
        value = event.value.strip()
        if options.display and value.isdigit() and 1 <= int(value) <= options.option_count:
            options.highlighted = int(value) - 1

    # --- answers ----------------------------------------------------------------------------

    def _value_label(self, index: int) -> tuple[str, str] | None:
        q = self.question
        choices = self._options(q) if q else []
        return choices[index] if 0 <= index < len(choices) else None

    @on(Input.Submitted, "#q-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            self.notify(t("interview.busy", self.lang), severity="warning")
            return
        text = event.value.strip()
        q = self.question
        if q is not None:
            resolved = self._resolve(q, text)
            if resolved is None:
                self.app.bell()
                self.notify(t("question.nothing_selected", self.lang), severity="warning")
                return
            value, display = resolved
            self._remember(text)
            self.input.value = ""
            self.post_message(AnswerSubmitted(value, display))
            return
        if not text:
            return
        self._remember(text)
        self.input.value = ""
        self.post_message(AnswerSubmitted(text))

    def _resolve(self, q: QuestionView, text: str) -> tuple[str, str] | None:
        """What to send for `text` typed while `q` is asked: (the input, the text to echo).

        Typed text goes as typed (the engine reads "2", "B" or "银行"); with nothing typed, the
        option picked in the list goes as its number, else an empty answer confirms the suggestion
        or keeps the answer of a question asked again. None: nothing to send."""
        if text:
            return text, text
        picked = self._picked(q)
        if picked is not None:
            return picked
        if q.suggested:
            return "", q.suggested
        if q.current:
            return "", q.current
        return None

    def _picked(self, q: QuestionView) -> tuple[str, str] | None:
        """The options picked in the visible list, as their numbers and labels."""
        choices = self._options(q)
        if q.type == "multi":
            multi = self.query_one("#q-multi", SelectionList)
            numbers = [i for i, (value, _) in enumerate(choices, 1) if value in multi.selected]
        else:
            highlighted = self.query_one("#q-options", OptionList).highlighted
            numbers = [highlighted + 1] if highlighted is not None and q.type in ("choice", "yesno") else []
        if not numbers:
            return None
        labels = [choices[n - 1][1] for n in numbers]
        return ",".join(str(n) for n in numbers), list_sep(self.lang).join(labels)

    def _number(self, index: int) -> tuple[str, str] | None:
        """The option at `index` (0-based), as its number and label."""
        pair = self._value_label(index)
        return (str(index + 1), pair[1]) if pair else None

    @on(OptionList.OptionSelected, "#q-options")
    def _option_clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        pair = self._number(event.option_index)
        if pair:
            self.post_message(AnswerSubmitted(*pair))
            self.input.focus()

    def on_key(self, event: Key) -> None:
        """Digits on a focused option list choose at once; Enter on the multi list submits it."""
        if self.question is None:
            return
        focused = self.app.focused
        if isinstance(focused, OptionList) and not isinstance(focused, SelectionList):
            if event.character and event.character.isdigit():
                pair = self._number(int(event.character) - 1)
                if pair:
                    event.stop()
                    self.post_message(AnswerSubmitted(*pair))
                    self.input.focus()
        elif isinstance(focused, SelectionList) and event.key == "enter":
            resolved = self._resolve(self.question, "")
            if resolved:
                event.stop()
                self.post_message(AnswerSubmitted(*resolved))
                self.input.focus()
