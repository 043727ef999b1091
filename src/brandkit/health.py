from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from brandkit.kit.deps import ReadSession, TransactionalRoute

router = APIRouter(route_class=TransactionalRoute, tags=["operations"])


@router.get("/healthz")
def healthz(session: ReadSession) -> dict[str, str]:
    """Liveness and database reachability, for load balancers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
