"""The console's pages for super and enterprise keys: the account's users (delete, reactivate,
credit limit), its API keys (create, revoke, rotate; a new key shown once), and, for enterprise
keys, account analysis with its chart. A general key or login token gets a 403 page and never
sees the links."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import SCOPES, TIERS
from brandkit.accounts.repository import USERS, AccountsRepository
from brandkit.analysis import service as analysis
from brandkit.config import Settings
from brandkit.console.auth import Caller, Form, SignedIn, csrf_holds, repeated
from brandkit.console.pages import page, redirect
from brandkit.console.views import REFUSED_CSRF, context, form_refused, signed_out
from brandkit.kit.deps import ReadSession, SettingsDep, TransactionalRoute, WriteSession
from brandkit.kit.errors import BrandkitError
from brandkit.kit.pagination import Pager

router = APIRouter(route_class=TransactionalRoute, include_in_schema=False)

PAGE_SIZE = 50
LABELS = {
    "numberOfGeneratedDesignVariations": "Variants generated",
    "numberOfEditedDesigns": "Designs edited",
    "numberOfDownloadedDesigns": "Designs downloaded",
    "numberOfMedia": "Media",
    "mediaSize": "Media size",
}


def _refused(tier: str) -> Response:
    message = f"This page needs a key of the {tier} tier."
    return page("refused.html", 403, title="Not allowed", message=message)


# -- users -------------------------------------------------------------------------------------


def _users(
    session: Session,
    caller: Caller,
    settings: Settings,
    cursor: str | None,
    *,
    status: int = 200,
    notice: str = "",
    failure: str = "",
) -> Response:
    account = caller.principal.account_id
    pager = Pager.bound(USERS, settings.signing_key, "console-users", account)
    rows, token = pager.page(
        AccountsRepository(session).users_page(account, pager.after(cursor), PAGE_SIZE + 1),
        PAGE_SIZE,
    )
    return page(
        "users.html",
        status,
        **context(session, caller, "users", "Users"),
        users=rows,
        next_cursor=token,
        notice=notice,
        failure=failure,
    )


@router.get("/console/users")
def users_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    if caller is None:
        return signed_out(request)
    if not caller.principal.at_least("super"):
        return _refused("super")
    try:
        return _users(session, caller, settings, cursor or None)
    except BrandkitError:
        if cursor:
            return redirect("/console/users")
        raise


@router.post("/console/users/action")
def user_action(
    caller: SignedIn, fields: Form, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    refused = form_refused(caller, request, settings, fields)
    if refused is not None or caller is None:
        return refused or signed_out(request)
    if not caller.principal.at_least("super"):
        return _refused("super")
    account, who = caller.principal.account_id, fields.get("abstractUserId", "")
    action = fields.get("action")
    storage = request.app.state.storage
    try:
        with session.begin_nested():
            if action == "delete":
                accounts.delete_user(session, account, who, storage)
                notice = f"{who} was deleted (reactivate within {settings.user_purge_days:g} days)."
            elif action == "reactivate":
                accounts.reactivate_user(session, account, who, settings.user_purge_days, storage)
                notice = f"{who} was reactivated."
            elif action == "limit":
                limit = int(fields.get("creditLimit", ""))
                if limit < -1:
                    raise ValueError
                accounts.set_credit_limit(session, account, who, limit)
                notice = f"The credit limit of {who} is now {'none' if limit == -1 else limit}."
            else:
                return _users(session, caller, settings, None, status=422, failure="Unknown action")
    except ValueError:
        failure = "The credit limit must be a whole number from -1 (no limit)."
        return _users(session, caller, settings, None, status=422, failure=failure)
    except BrandkitError as exc:
        return _users(session, caller, settings, None, status=exc.status, failure=exc.message)
    return _users(session, caller, settings, None, notice=notice)


# -- keys --------------------------------------------------------------------------------------


def _keys(
    session: Session,
    caller: Caller,
    *,
    status: int = 200,
    token: str = "",
    failure: str = "",
) -> Response:
    principal = caller.principal
    return page(
        "keys.html",
        status,
        **context(session, caller, "keys", "API keys"),
        keys=AccountsRepository(session).api_keys(principal.account_id),
        own=principal.key_id,
        # A key hands out no more than it has: tiers up to its own, and its own scopes.
        tiers=TIERS[: TIERS.index(principal.tier) + 1],
        scopes=[s for s in SCOPES if s in principal.scopes],
        token=token,
        failure=failure,
    )


@router.get("/console/keys")
def keys_page(caller: SignedIn, request: Request, session: ReadSession) -> Response:
    if caller is None:
        return signed_out(request)
    if not caller.principal.at_least("super") or caller.principal.via_access_token:
        return _refused("super")
    return _keys(session, caller)


def _own_key(session: Session, caller: Caller, key_id: str) -> bool:
    key = AccountsRepository(session).api_key(key_id)
    return key is not None and key.account_id == caller.principal.account_id


@router.post("/console/keys/action")
def key_action(
    caller: SignedIn, fields: Form, request: Request, session: WriteSession, settings: SettingsDep
) -> Response:
    if caller is None:
        return signed_out(request)
    principal = caller.principal
    if not principal.at_least("super") or principal.via_access_token:
        return _refused("super")
    if not csrf_holds(settings, caller.claims.nonce, fields):
        return page("refused.html", 403, title="Refused", message=REFUSED_CSRF)
    action, key_id = fields.get("action"), fields.get("keyId", "")
    try:
        with session.begin_nested():
            if action == "create":
                tier = fields.get("tier", "")
                wanted = repeated(request, "scope")
                if tier not in TIERS[: TIERS.index(principal.tier) + 1] or not set(wanted) <= set(
                    principal.scopes
                ):
                    return _keys(session, caller, status=403, failure="Beyond this key's rights")
                issued = accounts.create_key(
                    session,
                    principal.account_id,
                    tier,
                    wanted,
                    name=fields.get("name", "")[:200],
                    abstract_user_id=fields.get("abstractUserId", "").strip() or "admin",
                )
                return _keys(session, caller, token=issued.token)
            if not _own_key(session, caller, key_id):
                # Another account's key id is answered as an unknown one.
                return _keys(session, caller, status=404, failure=f"No active key {key_id}")
            if action == "revoke":
                accounts.revoke_key(session, key_id)
                return _keys(session, caller)
            if action == "rotate":
                return _keys(session, caller, token=accounts.rotate_key(session, key_id).token)
    except BrandkitError as exc:
        return _keys(session, caller, status=exc.status, failure=exc.message)
    return _keys(session, caller, status=422, failure="Unknown action")


# -- account analysis --------------------------------------------------------------------------


def _chart(monthly: list[dict[str, Any]]) -> dict[str, Any]:
    """Grouped bars, one group a month, drawn server-side as SVG (no script)."""
    kinds = (
        ("generated", "numberOfGeneratedDesignVariations"),
        ("edited", "numberOfEditedDesigns"),
        ("downloaded", "numberOfDownloadedDesigns"),
    )
    width, height, top, bottom = 720, 240, 10, 20
    peak = max([1] + [int(m[f]) for m in monthly for _, f in kinds])
    slot = width / max(1, len(monthly))
    bar = slot / (len(kinds) + 1)
    bars, ticks = [], []
    for i, month in enumerate(reversed(monthly)):
        for j, (kind, figure) in enumerate(kinds):
            value = int(month[figure])
            h = (height - top - bottom) * value / peak
            bars.append(
                {
                    "x": round(i * slot + (j + 0.5) * bar, 1),
                    "y": round(height - bottom - h, 1),
                    "w": round(bar, 1),
                    "h": round(h, 1),
                    "kind": kind,
                    "label": f"{month['month']}: {value} {kind}",
                }
            )
        ticks.append({"x": round(i * slot + slot / 2, 1), "label": str(month["month"])[2:]})
    return {"width": width, "height": height, "bars": bars, "ticks": ticks}


@router.get("/console/analysis")
def analysis_page(
    caller: SignedIn,
    request: Request,
    session: ReadSession,
    abstract_user_id: Annotated[str, Query(alias="abstractUserId", max_length=200)] = "",
) -> Response:
    if caller is None:
        return signed_out(request)
    if not caller.principal.at_least("enterprise"):
        return _refused("enterprise")
    report: dict[str, Any] | None = None
    failure, status = "", 200
    if abstract_user_id:
        try:
            report = analysis.analyse(session, caller.principal, abstract_user_id)
        except BrandkitError as exc:
            failure, status = exc.message, exc.status
    monthly = list(report["monthlyAnalysis"]) if report else []
    yearly = [(LABELS.get(k, k), v) for k, v in report["yearlyAnalysis"].items()] if report else []
    return page(
        "analysis.html",
        status,
        **context(session, caller, "analysis", "Account analysis"),
        who_id=abstract_user_id,
        report=report,
        failure=failure,
        monthly=monthly,
        yearly=yearly,
        chart=_chart(monthly),
    )
