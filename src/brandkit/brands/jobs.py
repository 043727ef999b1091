"""The brands domain's job: brand/extract, reading a website on a worker. The page and up to
three same-site stylesheets are fetched through the guarded fetcher (size and time bounded);
the request ends completed with the documented ``brandDetails``, or failed with a reason."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from brandkit.brands import extract
from brandkit.brands.service import EXTRACT_JOB
from brandkit.db import transaction, utcnow
from brandkit.fonts.repository import FontsRepository
from brandkit.jobs.context import JobContext
from brandkit.jobs.registry import Finish, handler
from brandkit.kit.errors import BrandkitError
from brandkit.kit.fetch import UrlFetcher
from brandkit.requests import service as requests

_PAGE = "text/html,application/xhtml+xml"
_CSS = "text/css"


def _failed(session: Session, ctx: JobContext, error: str) -> None:
    request_id = ctx.job.payload["requestId"]
    editor = ctx.settings.editor_base_url
    requests.fail(session, request_id, "Server internal error", utcnow(), editor)


def _reason(exc: BrandkitError) -> str:
    return exc.errors[0].reason if exc.errors else exc.message


@handler(EXTRACT_JOB, on_failure=_failed, max_attempts=3)
def extract_brand(ctx: JobContext) -> Finish | None:
    request_id: str = ctx.job.payload["requestId"]
    now = utcnow()
    with transaction(ctx.sessions, write=True) as session:
        editor = ctx.settings.editor_base_url
        request = requests.begin(session, request_id, now, editor)
        if request is None:
            return None
        url, account_id, user_id = str(request.params["url"]), request.account_id, request.user_id
    fetcher = UrlFetcher.for_pages(ctx.settings)
    try:
        fetched = fetcher.fetch(url, accept=_PAGE)
    except BrandkitError as exc:
        reason = f"The page could not be read: {_reason(exc)}"

        def fail(session: Session) -> None:
            requests.fail(session, request_id, reason, utcnow(), editor)

        return fail
    page = extract.parse(fetched.data.decode("utf-8", errors="replace"))
    css: list[str] = []
    for href in page.stylesheets[: extract._MAX_STYLESHEETS]:
        sheet = extract.same_site(fetched.url, href)
        if sheet is None:
            continue
        ctx.check()
        try:
            css.append(fetcher.fetch(sheet, accept=_CSS).data.decode("utf-8", errors="replace"))
        except BrandkitError:
            continue  # a stylesheet that cannot be read costs colours, not the request
    names = extract.families(page, css)
    with transaction(ctx.sessions) as session:
        fonts = FontsRepository(session)
        known: list[str] = []
        for name in names:
            font = fonts.named(account_id, user_id, name)
            if font is not None and font.name not in known:
                known.append(font.name)
    details: dict[str, Any] = {
        "brandName": extract.name_of(page, fetched.url),
        "brandDescription": page.description,
        "brandUrl": url,
        "brandLogo": extract.logo(page, fetched.url),
        "brandColors": extract.colors(page, css),
        "brandFonts": known,
        "brandPersona": {"emotions": [], "industry": None, "audience": [], "designTags": []},
    }

    def finish(session: Session) -> None:
        requests.complete(session, request_id, {"brandDetails": details}, utcnow(), editor)

    return finish
