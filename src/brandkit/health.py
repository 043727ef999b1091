"""What operators and orchestrators read: liveness, readiness (each dependency named), metrics."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from starlette.responses import Response

from brandkit.db import utcnow
from brandkit.jobs.repository import JobsRepository
from brandkit.kit.deps import ReadSession, TransactionalRoute
from brandkit.kit.errors import BrandkitError
from brandkit.kit.metrics import JOB_OLDEST_SECONDS, JOBS_QUEUED, REGISTRY
from brandkit.kit.responses import JSONBytes

router = APIRouter(route_class=TransactionalRoute, tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers (it checks nothing else, so a database outage does not
    get healthy processes restarted)."""
    return {"status": "ok"}


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, str]


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is not usable"}},
)
def readyz(request: Request, session: ReadSession) -> Response:
    """Readiness, for load balancers: the database, the file store and, when configured, the
    rate-limit store (Redis), each named with ``ok`` or what is wrong; 503 unless all are ok."""
    state = request.app.state
    checks: dict[str, str] = {}

    def database() -> None:
        session.execute(text("SELECT 1"))

    probes = [("database", database), ("storage", state.storage.check)]
    if state.settings.redis_url:
        probes.append(("redis", state.rate_limiter.check))
    for name, probe in probes:
        try:
            probe()
            checks[name] = "ok"
        except BrandkitError as exc:
            checks[name] = exc.message
        except Exception as exc:  # a probe's failure is its answer, whatever it is
            checks[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    ready = all(v == "ok" for v in checks.values())
    status = 200 if ready else 503
    return JSONBytes({"status": "ready" if ready else "unavailable", "checks": checks}, status)


@router.get("/metrics", include_in_schema=False)
def metrics(session: ReadSession) -> Response:
    """Prometheus metrics; the job queue gauges are read from the database at each scrape."""
    JOBS_QUEUED.clear()
    JOB_OLDEST_SECONDS.clear()
    now = utcnow()
    for kind, count, oldest in JobsRepository(session).queue_by_kind(now):
        JOBS_QUEUED.labels(kind).set(count)
        JOB_OLDEST_SECONDS.labels(kind).set(max(0.0, (now - oldest).total_seconds()))
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
