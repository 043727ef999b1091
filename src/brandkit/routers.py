"""Which routers the application serves, and what runs beside it (the embedded job worker)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from brandkit.accounts.endpoints import router as accounts_router
from brandkit.designs.endpoints import router as designs_router
from brandkit.health import router as health_router
from brandkit.media.endpoints import router as media_router
from brandkit.storage.endpoints import router as files_router


def all_routers() -> list[APIRouter]:
    return [health_router, accounts_router, designs_router, media_router, files_router]


@asynccontextmanager
async def background(app: FastAPI) -> AsyncIterator[None]:
    # The job runner (bulk-export issue) starts its embedded worker here.
    yield
