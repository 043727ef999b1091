"""What a worker can run: job handlers by kind, and the periodic maintenance tasks.

A handler does its long work outside any transaction and may return a ``Finish``: the writes that
make its result visible. The runner applies them in the same transaction that marks the job
completed, after checking that this worker still holds the lease, so a job whose lease was taken
over never publishes twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from brandkit.jobs.context import JobContext

Finish = Callable[[Session], None]
Handler = Callable[["JobContext"], Finish | None]
# Called, in the transaction that marks the job failed for good, with the job's context (its
# payload, the settings, the storage) and the error.
OnFailure = Callable[[Session, "JobContext", str], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Handler
    on_failure: OnFailure | None = None
    max_attempts: int = 5


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every_seconds: float
    run: Callable[[JobContext], None] = field(compare=False)

    @property
    def kind(self) -> str:
        return f"periodic:{self.name}"


HOURLY = 3600.0

_kinds: dict[str, JobKind] = {}
_periodic: dict[str, PeriodicTask] = {}


def handler(
    kind: str, *, on_failure: OnFailure | None = None, max_attempts: int = 5
) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _kinds[kind] = JobKind(kind, fn, on_failure, max_attempts)
        return fn

    return register


def periodic(
    name: str, every_seconds: float
) -> Callable[[Callable[[JobContext], None]], Callable[[JobContext], None]]:
    """Run ``fn`` about every ``every_seconds`` on one of the workers (not on each of them)."""

    def register(fn: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
        task = PeriodicTask(name, every_seconds, fn)
        _periodic[name] = task

        def run(ctx: JobContext) -> Finish | None:
            fn(ctx)
            return None

        _kinds[task.kind] = JobKind(task.kind, run, max_attempts=1)
        return fn

    return register


def kind(name: str) -> JobKind | None:
    return _kinds.get(name)


def periodic_tasks() -> list[PeriodicTask]:
    return list(_periodic.values())
