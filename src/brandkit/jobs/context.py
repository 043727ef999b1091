"""What a running handler sees: its job, the shared resources, and the lease it must keep."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from brandkit.config import Settings
from brandkit.storage.base import Storage


class LeaseLost(Exception):
    """Another worker took the job over (this one stalled past its lease): stop, publish nothing."""


class Interrupted(Exception):
    """The worker is shutting down; the job goes back to the queue untouched."""


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    kind: str
    account_id: str | None
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    token: str
    created_at: datetime


@dataclass
class JobContext:
    job: ClaimedJob
    engine: Engine
    sessions: sessionmaker[Session]
    settings: Settings
    storage: Storage
    stopping: threading.Event
    # Set by the heartbeat thread when a renewal finds the lease gone.
    lost: threading.Event = field(default_factory=threading.Event)
    progress: int = 0
    # Run in every heartbeat transaction (under the lease check), e.g. to publish progress.
    heartbeat_hooks: list[Callable[[Session], None]] = field(default_factory=list)
    # Run when the attempt ends without publishing (failure, lease lost, shutdown).
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def check(self) -> None:
        """Call between units of work: raises when the job must stop."""
        if self.lost.is_set():
            raise LeaseLost(self.job.id)
        if self.stopping.is_set():
            raise Interrupted(self.job.id)
