"""A time budget for reading one file, so that no file holds a build hostage.

A pathological file (a PDF of 400 pages of individually placed characters, a
page that sends an extractor into a quadratic corner) must fail with a reason
instead of stalling `index build`. Two mechanisms enforce the budget:

- on the main thread of a process (the CLI, every build worker), a SIGALRM
  timer interrupts whatever Python code is running when the time is up, and
  fires again every second in case a library's ``except Exception`` swallowed
  the first interruption;
- everywhere, extractors call `Deadline.check()` at natural breaks (between
  PDF pages), which is all there is on other threads or where the process's
  real-time timer is already in use.

The interruption is `BudgetExpired`, a BaseException like KeyboardInterrupt,
so library code that catches Exception does not swallow it. The caller
(`search_service.ingest.parse_file`) turns it into UnreadableFile.

One library does rewrap it: an alarm that lands while ctypes converts the
arguments of a foreign call (PDFium's, thousands per page) comes out as
`ctypes.ArgumentError("argument 2: BudgetExpired: ...")`, with no cause
attached. The block turns that back into BudgetExpired.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# After the first interruption, how often the timer fires again until the
# budget's block is left.
_REPEAT_SECONDS = 1.0


class BudgetExpired(BaseException):  # noqa: N818 - it is a signal, like KeyboardInterrupt
    """Reading a file took longer than its time budget; `reason` says so."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Deadline:
    """The end of one file's time budget. `seconds` of 0 or less: no limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds if seconds > 0 else None
        self.active = True

    @property
    def reason(self) -> str:
        return f"took longer than {self.seconds:g} s to read (time budget)"

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() > self.end

    def check(self) -> None:
        """Raise BudgetExpired when the budget is spent (cooperative check)."""
        if self.active and self.expired():
            raise BudgetExpired(self.reason)


@contextmanager
def time_budget(seconds: float) -> Iterator[Deadline]:
    """Run the block within `seconds` (0 or less: unlimited), interrupting it
    with BudgetExpired when it runs over. Callers should also call the
    yielded Deadline's check() at natural breaks of long loops: that is the
    only enforcement off the main thread."""
    deadline = Deadline(seconds)
    use_timer = (
        deadline.end is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not use_timer:
        try:
            yield deadline
        finally:
            deadline.active = False
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        if deadline.active:
            raise BudgetExpired(deadline.reason)

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_SECONDS)
        yield deadline
    except ctypes.ArgumentError as exc:
        if f"{BudgetExpired.__name__}: " not in str(exc):
            raise
        raise BudgetExpired(deadline.reason) from exc
    finally:
        # Inactive first: an alarm arriving while the timer is being
        # cancelled must not interrupt the caller after the block. An alarm
        # arriving before that still leaves the timer cancelled.
        try:
            deadline.active = False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
