"""The embedded mode: the job loop on a thread of the API process, stopped with the app."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from brandkit.config import Settings
from brandkit.jobs.doorbell import DOORBELL
from brandkit.jobs.runner import Worker


@asynccontextmanager
async def embedded_worker(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    if not settings.embedded_worker:
        yield
        return
    worker = Worker(app.state.engine, settings, app.state.storage)
    # A thread, not a task: job handlers block (database reads, compression) and must never
    # hold the event loop.
    thread = threading.Thread(target=worker.run_forever, name="brandkit-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        # A running job is handed back to the queue at its next check, so this returns soon.
        worker.stopping.set()
        DOORBELL.ring()
        await anyio.to_thread.run_sync(thread.join)
