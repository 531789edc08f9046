"""Work done ahead in a forked helper process while the exporter writes the other files.

An export is CPU-bound and single-threaded; the Word files are most of it. On a machine with a
second core, `RenderAhead` forks a helper that computes the jobs (each returns a file's bytes)
from the last one backwards, while the exporter takes them from the first one forwards and does
everything else. Where they meet, whoever claimed a job first does it; a job the helper did is
handed over through a pipe, one the helper did not (or could not) do the exporter does itself,
with the same code, so the bytes are the same either way and an error is raised in the exporter
with the message it always had.

The helper writes no file: the exporter alone writes, stages and commits (`files.StagedOutput`),
so a killed export leaves what it always left. A helper outliving its exporter finds the pipe
closed and exits. No helper where `fork` is unsafe or absent (macOS, Windows, a process already
running other threads, one core): the exporter then does every job, as before.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType

Job = Callable[[], bytes]
WAIT_S = 30.0
"""How long the exporter waits for a job the helper claimed before doing it itself."""
_FRAME = struct.Struct("<iI")
"""A result on the pipe: job index, length; then the bytes."""
_INT = struct.Struct("<i")
_OURS, _HELPERS = 0, _INT.size
"""Where, in memory the two processes share, the last job the exporter claimed and the last (lowest)
one the helper claimed are kept."""


def can_fork() -> bool:
    """Whether a helper process may be forked here: Linux (macOS's system libraries are not
    fork-safe, Windows has no fork), no other thread running (a lock held by one at the fork
    would never be released in the helper), and a second core to run it on."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


@contextlib.contextmanager
def collector_spared() -> Iterator[None]:
    """The program's objects out of the garbage collector's reach while an export runs.

    Its full passes would otherwise walk every object the program has made (0.07 s each, two
    per export), and in a forked helper write to each of them, copying all the memory the two
    processes share. They are handed back at the end; only their cycles wait until then."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class RenderAhead:
    """`with RenderAhead(jobs) as ahead:` then `ahead.take(i)` for each job in order: its bytes
    when the helper did it, None when the caller is to do it itself."""

    def __init__(self, jobs: Sequence[Job], *, enabled: bool = True) -> None:
        self._jobs = list(jobs)
        self._enabled = enabled and len(self._jobs) >= 2 and can_fork()
        self._pid = 0
        self._fd = -1
        self._shared: mmap.mmap | None = None
        self._buffer = b""
        self._done: dict[int, bytes] = {}
        self._eof = False

    def __enter__(self) -> RenderAhead:
        if self._enabled:
            self._start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def forked(self) -> bool:
        """Whether a helper was started."""
        return self._pid > 0

    def _start(self) -> None:
        shared = mmap.mmap(-1, 2 * _INT.size)
        _INT.pack_into(shared, _OURS, -1)
        _INT.pack_into(shared, _HELPERS, len(self._jobs))
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            shared.close()
            return
        if pid == 0:  # pragma: no cover - the helper (coverage is not collected in it)
            gc.disable()  # it lives a second at most
            os.close(read_fd)
            self._helper(shared, write_fd)
        os.close(write_fd)
        self._pid, self._fd, self._shared = pid, read_fd, shared

    def _helper(self, shared: mmap.mmap, fd: int) -> None:  # pragma: no cover - runs in the helper
        code = 0
        try:
            for index in reversed(range(len(self._jobs))):
                if _INT.unpack_from(shared, _OURS)[0] >= index:
                    break  # the exporter has got here: the rest is its own
                _INT.pack_into(shared, _HELPERS, index)
                data = self._jobs[index]()
                view = memoryview(_FRAME.pack(index, len(data)) + data)
                while view:
                    view = view[os.write(fd, view) :]
        except BaseException:  # the exporter does the job itself and raises its error
            code = 1
        finally:
            os._exit(code)

    def _read(self, timeout: float) -> None:
        """Read what the helper sent within `timeout` seconds; results into `_done`."""
        if self._eof or self._fd < 0:
            return
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return
        chunk = os.read(self._fd, 1 << 20)
        if not chunk:
            self._eof = True
            return
        self._buffer += chunk
        while len(self._buffer) >= _FRAME.size:
            index, length = _FRAME.unpack_from(self._buffer, 0)
            end = _FRAME.size + length
            if len(self._buffer) < end:
                break
            self._done[index] = self._buffer[_FRAME.size : end]
            self._buffer = self._buffer[end:]

    def take(self, index: int) -> bytes | None:
        """Job `index`'s bytes when the helper did it; None when the caller does it itself."""
        if self._shared is None:
            return None
        self._read(0)
        if index in self._done:
            return self._done.pop(index)
        if _INT.unpack_from(self._shared, _HELPERS)[0] > index:  # not claimed by the helper: ours
            _INT.pack_into(self._shared, _OURS, index)
            return None
        deadline = time.monotonic() + WAIT_S  # a helper silent this long is stuck: do it here
        while index not in self._done and not self._eof and (left := deadline - time.monotonic()) > 0:
            self._read(left)
        return self._done.pop(index, None)

    def close(self) -> None:
        """Stop the helper (its remaining work is not needed) and release the pipe."""
        if self._pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._shared is not None:
            self._shared.close()
            self._shared = None
