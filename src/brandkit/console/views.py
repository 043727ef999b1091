"""What every console page shares: the cookie writer, the signed-out answer, the page frame."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from brandkit.accounts.auth import Principal
from brandkit.accounts.repository import AccountsRepository
from brandkit.config import Settings
from brandkit.console import session as cookies
from brandkit.console.auth import Caller
from brandkit.console.pages import page, redirect

REFUSED_CSRF = "The form was refused: its CSRF token is missing or does not match your session."


def set_cookie(response: Response, settings: Settings, name: str, value: str, ttl: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=ttl,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=settings.public_base_url.startswith("https://"),
    )


def signed_out(request: Request) -> Response:
    response = redirect("/console/sign-in")
    if request.cookies.get(cookies.COOKIE):
        # A session that no longer holds (expired, revoked key, deleted user) is cleared.
        response.delete_cookie(cookies.COOKIE, path="/console")
    return response


def who(session: Session, principal: Principal) -> str:
    if principal.via_access_token:
        user = AccountsRepository(session).live_user(principal.account_id, principal.user_id)
        return f"{user.abstract_user_id if user else principal.user_id} (login token)"
    return f"{principal.tier} key {principal.key_id}"


def context(session: Session, caller: Caller, page_name: str, title: str) -> dict[str, Any]:
    return {
        "who": who(session, caller.principal),
        "csrf": caller.csrf,
        "page": page_name,
        "title": title,
        "exports_nav": "export:read" in caller.principal.scopes,
        "admin_nav": caller.principal.at_least("super"),
        "analysis_nav": caller.principal.at_least("enterprise"),
    }


def form_refused(
    caller: Caller | None, request: Request, settings: Settings, fields: dict[str, str]
) -> Response | None:
    """The answer to a form post that may not go on: signed out (to the sign-in page), or
    without the session's CSRF token (a 403 page); None when it may."""
    if caller is None:
        return signed_out(request)
    if not cookies.csrf_holds(settings.signing_key, caller.claims.nonce, fields.get("csrf")):
        return page("refused.html", 403, title="Refused", message=REFUSED_CSRF)
    return None
