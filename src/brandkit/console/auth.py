"""Who is using the console: the session cookie, checked against the database on every request
(inside the request's transaction), and the CSRF rule for every form post."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from brandkit.accounts.auth import Principal, reauthenticate
from brandkit.config import Settings
from brandkit.console import session as cookies
from brandkit.kit.deps import Deferred
from brandkit.kit.errors import UnsupportedMediaType

FORM_PAIRS = "brandkit.form_pairs"


@dataclass(frozen=True)
class Caller:
    principal: Principal
    claims: cookies.Claims
    csrf: str


class ConsoleCaller(Deferred):
    """Resolves to the signed-in ``Caller``, or None when there is no valid session."""

    def resolve(self, session: Session) -> Caller | None:
        settings: Settings = self.request.app.state.settings
        key = settings.signing_key
        claims = cookies.read_session(key, self.request.cookies.get(cookies.COOKIE))
        if claims is None:
            return None
        principal = reauthenticate(session, claims.key_id, claims.user_id, claims.via_token)
        if principal is None:
            return None
        return Caller(principal, claims, cookies.csrf_token(key, claims.nonce))


async def _caller(request: Request) -> ConsoleCaller:
    return ConsoleCaller(request)


SignedIn = Annotated[Caller | None, Depends(_caller)]


async def form_fields(request: Request) -> dict[str, str]:
    """An urlencoded form body (what the console's forms post), first value of each field."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("Content-Type must be application/x-www-form-urlencoded")
    pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    # Fields that repeat (checkboxes) are read from here whole.
    request.scope[FORM_PAIRS] = pairs
    first: dict[str, str] = {}
    for name, value in pairs:
        first.setdefault(name, value)
    return first


def repeated(request: Request, name: str) -> list[str]:
    """Every value of a repeated form field (after ``form_fields`` read the body)."""
    return [v for k, v in request.scope.get(FORM_PAIRS, []) if k == name]


Form = Annotated[dict[str, str], Depends(form_fields)]


def csrf_holds(settings: Settings, nonce: str, fields: dict[str, str]) -> bool:
    return cookies.csrf_holds(settings.signing_key, nonce, fields.get("csrf"))
