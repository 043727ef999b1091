"""enterprise/account-analysis: a user's last twelve months from what was recorded (variants
generated and edited, variant images Brandkit served, media uploaded and their bytes), its credits
in the current cycle, and when it last made something."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.analysis.repository import AnalysisRepository
from brandkit.credits import service as credits
from brandkit.db import utcnow

MONTHS = 12


def _months(now: datetime) -> list[str]:
    year, month = now.year, now.month
    out = []
    for _ in range(MONTHS):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _size(total: int) -> str:
    return f"{round(total / 1_000_000, 1):g}Mb"


def _figures(generated: int, edited: int, downloaded: int, media: int, size: int) -> dict[str, Any]:
    return {
        "numberOfGeneratedDesignVariations": generated,
        "numberOfEditedDesigns": edited,
        "numberOfDownloadedDesigns": downloaded,
        "numberOfMedia": media,
        "mediaSize": _size(size),
    }


def analyse(session: Session, principal: Principal, abstract_user_id: str) -> dict[str, Any]:
    user = accounts.find_user(session, principal.account_id, abstract_user_id)
    now = utcnow()
    months = _months(now)
    since = datetime(int(months[-1][:4]), int(months[-1][5:]), 1, tzinfo=UTC)
    repo = AnalysisRepository(session)
    variants = repo.variants_by_month(user.id, since)
    downloads = repo.downloads_by_month(user.id, since.date().isoformat())
    media = repo.media_by_month(user.id, since)
    monthly = []
    for month in months:
        count, size = media.get(month, (0, 0))
        monthly.append(
            {
                "month": month,
                **_figures(
                    variants.get((month, "GENERATED"), 0),
                    variants.get((month, "EDITED"), 0),
                    downloads.get(month, 0),
                    count,
                    size,
                ),
            }
        )
    yearly = _figures(
        sum(m["numberOfGeneratedDesignVariations"] for m in monthly),
        sum(m["numberOfEditedDesigns"] for m in monthly),
        sum(m["numberOfDownloadedDesigns"] for m in monthly),
        sum(m["numberOfMedia"] for m in monthly),
        sum(media.get(m, (0, 0))[1] for m in months),
    )
    cycle = credits.balance(session, principal.account_id, now)
    cycle_start = (
        cycle.starts_at if cycle is not None else datetime(now.year, now.month, 1, tzinfo=UTC)
    )
    used = credits.used_by(session, user.id, cycle_start)
    available = cycle.granted - cycle.used if cycle is not None else -1
    if user.credit_limit != credits.NO_LIMIT:
        own = max(0, user.credit_limit - used)
        available = own if available == -1 else min(available, own)
    last = repo.last_activity(user.id)
    return {
        "yearlyAnalysis": yearly,
        "monthlyAnalysis": monthly,
        "creditBalance": {"availableCredits": available, "usedCredits": used},
        "lastAccessed": int(last.timestamp()) if last is not None else None,
    }
