"""A circuit breaker over the model calls of one session or scripted run (`CircuitBreaker`).

`ModelHelper` is made afresh for every step; the breaker lives in the session's `Context` (memory
only), so what it learns outlives one step: after `threshold` failed attempts in a row the model is
not called for `cooldown_s` seconds (every call falls back to guided behaviour at once), and once
`deadline_s` of model work has passed (scripted runs) it is not called again. The user is told once
when it opens; the calls it refuses afterwards say nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.types import Lang


@dataclass
class CircuitBreaker:
    """Counts consecutive failed model attempts; refuses calls while open or past the deadline."""

    threshold: int = 2
    """Failed attempts in a row (a retry is an attempt) that open the breaker."""
    cooldown_s: float = 120.0
    """Seconds the breaker stays open before one call may try again."""
    deadline_s: float | None = None
    """Seconds of wall-clock model work allowed from the first call (None: no deadline)."""
    clock: Callable[[], float] = time.monotonic
    consecutive: int = 0
    """Failed attempts since the last success."""
    open_until: float = 0.0
    started: float | None = None
    """When the first call of this session or run began."""
    announced: bool = False
    """The user was told the breaker is open (told once per opening)."""
    opened: int = field(default=0)
    """How many times it opened (for the run's summary and tests)."""

    def blocked(self) -> str | None:
        """Why the model must not be called now ("open" or "deadline"), or None."""
        now = self.clock()
        if self.deadline_s is not None and self.started is not None and now - self.started >= self.deadline_s:
            return "deadline"
        if now < self.open_until:
            return "open"
        return None

    def begin(self) -> None:
        """A call is about to be made (starts the deadline's clock)."""
        if self.started is None:
            self.started = self.clock()

    def success(self) -> None:
        """An attempt got a reply: the breaker closes."""
        self.consecutive = 0
        self.open_until = 0.0
        self.announced = False

    def failure(self) -> None:
        """An attempt failed; the breaker opens after `threshold` in a row."""
        self.consecutive += 1
        if self.consecutive >= max(1, self.threshold) and self.clock() >= self.open_until:
            self.open_until = self.clock() + self.cooldown_s
            self.opened += 1
            self.announced = False

    def announce(self, lang: Lang) -> str | None:
        """The one line saying the model is paused (None when already said for this opening)."""
        reason = self.blocked()
        if reason is None or self.announced:
            return None
        self.announced = True
        if reason == "deadline":
            minutes = (self.deadline_s or 0) / 60
            if lang == "zh":
                return f"模型调用已达本次运行的时限（{minutes:g} 分钟），其余部分使用引导模式"
            return f"The model time for this run ({minutes:g} min) is used up: guided mode for the rest"
        if lang == "zh":
            return (
                f"模型连续 {self.consecutive} 次没有回应，{self.cooldown_s:g} 秒内不再调用，期间使用引导模式"
            )
        return (
            f"The model failed {self.consecutive} times in a row: not called for {self.cooldown_s:g} s, "
            "guided mode meanwhile"
        )
