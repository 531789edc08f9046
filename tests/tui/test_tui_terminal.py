"""The real `coach` in a pseudo-terminal: what Pilot cannot reach (the driver's input thread)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """`coach` running in an 80x24 pseudo-terminal; `screen` is everything it wrote, decoded."""

    def __init__(self, home: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "COACH_HOME": str(home), "TERM": "xterm-256color", "COACH_LANG": "zh"}
        env.pop("TEXTUAL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from cli.main import main; raise SystemExit(main([]))"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:  # the child closed the terminal
                    return

    def wait_for(self, text: str, seconds: float = 30) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if text.encode() in self.output:
                return True
            if self.proc.poll() is not None:
                self.read(0.2)
                return text.encode() in self.output
            self.read(0.2)
        return False

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self.master)


def test_bytes_that_are_not_utf8_are_shown_as_replacement_characters_not_a_crash(tmp_path: Path) -> None:
    term = Terminal(tmp_path)
    try:
        assert term.wait_for("新建项目"), term.output.decode("utf-8", "replace")[-2000:]
        term.send(b"n")
        assert term.wait_for("项目名称")
        term.output = b""
        term.send(b"abc\xff\xfedef")  # e.g. a GBK terminal, or a paste from a mis-encoded file
        term.read(2)
        assert term.proc.poll() is None, term.output.decode("utf-8", "replace")[-2000:]
        assert "UnicodeDecodeError" not in term.output.decode("utf-8", "replace")
        assert "\ufffd" in term.output.decode("utf-8", "replace")  # the user sees where they were
        term.send(b"\x11")  # Ctrl+Q quits as usual
        assert term.proc.wait(20) == 0
    finally:
        term.close()
