"""Wakes this process's idle workers when a job is enqueued here, so a request made to the
embedded server starts at once instead of at the next poll. Workers in other processes still
find it by polling."""

from __future__ import annotations

import threading
import time

_SLICE = 0.05


class Doorbell:
    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        self._event.set()

    def wait(self, timeout: float, stopping: threading.Event) -> None:
        """Sleep until rung, stopped, or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        # In short slices, so a stop is seen as soon as a ring is.
        while not stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self._event.wait(min(remaining, _SLICE)):
                self._event.clear()
                return


DOORBELL = Doorbell()
