"""Accounts, keys and end users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from brandkit.accounts import files
from brandkit.accounts.auth import SCOPES, TIERS, Principal
from brandkit.accounts.models import Account, ApiKey, User, Workspace, WorkspaceMember
from brandkit.accounts.repository import AccountsRepository
from brandkit.accounts.tokens import hash_secret, new_key_id, new_secret
from brandkit.db import after_commit, utcnow
from brandkit.kit.errors import BadRequest, Forbidden, InvalidInput, NotFound
from brandkit.kit.ids import new_uuid
from brandkit.storage.base import Storage

USER_DOES_NOT_EXIST = "User does not exist"
# The user an API key acts as when it is created without naming one.
DEFAULT_KEY_USER = "admin"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str


def create_account(session: Session, name: str, timezone: str = "UTC") -> Account:
    account = Account(id=new_uuid(), name=name, timezone=timezone)
    AccountsRepository(session).add(account)
    return account


def create_key(
    session: Session,
    account_id: str,
    tier: str,
    scopes: list[str] | None = None,
    *,
    name: str = "",
    abstract_user_id: str = DEFAULT_KEY_USER,
) -> IssuedKey:
    """A new key; its token is returned here once and never stored."""
    if tier not in TIERS:
        raise InvalidInput(f"tier must be one of {', '.join(TIERS)}")
    unknown = sorted(set(scopes or []) - set(SCOPES))
    if unknown:
        raise InvalidInput(f"unknown scopes: {', '.join(unknown)}")
    repo = AccountsRepository(session)
    if repo.account(account_id) is None:
        raise NotFound(f"Account not found: {account_id}")
    user, _ = ensure_user(session, account_id, abstract_user_id)
    secret = new_secret()
    key = ApiKey(
        id=new_key_id(),
        account_id=account_id,
        user_id=user.id,
        name=name,
        secret_hash=hash_secret(secret),
        tier=tier,
        scopes=sorted(set(scopes or [])),
    )
    repo.add(key)
    return IssuedKey(key, f"{key.id}:{secret}")


def revoke_key(session: Session, key_id: str) -> None:
    if not AccountsRepository(session).revoke_key(key_id):
        raise NotFound(f"No active key {key_id}")


def rotate_key(session: Session, key_id: str) -> IssuedKey:
    """Revoke a key and issue its successor with the same account, user, tier and scopes."""
    repo = AccountsRepository(session)
    old = repo.api_key(key_id)
    if old is None or old.revoked_at is not None:
        raise NotFound(f"No active key {key_id}")
    repo.revoke_key(key_id)
    secret = new_secret()
    key = ApiKey(
        id=new_key_id(),
        account_id=old.account_id,
        user_id=old.user_id,
        name=old.name,
        secret_hash=hash_secret(secret),
        tier=old.tier,
        scopes=list(old.scopes),
    )
    repo.add(key)
    return IssuedKey(key, f"{key.id}:{secret}")


def ensure_user(session: Session, account_id: str, abstract_user_id: str) -> tuple[User, Workspace]:
    """The live user with this abstract id, made with its personal workspace when absent."""
    repo = AccountsRepository(session)
    user = repo.live_user_by_abstract_id(account_id, abstract_user_id)
    if user is not None:
        workspace = repo.personal_workspace(user.id)
        if workspace is not None:
            return user, workspace
    else:
        user = User(id=new_uuid(), account_id=account_id, abstract_user_id=abstract_user_id)
        repo.add(user)
    workspace = Workspace(
        id=new_uuid(),
        account_id=account_id,
        name=f"{abstract_user_id}'s workspace",
        owner_user_id=user.id,
        personal=True,
    )
    repo.add(workspace)
    repo.add(WorkspaceMember(workspace_id=workspace.id, user_id=user.id))
    return user, workspace


def find_user(session: Session, account_id: str, abstract_user_id: str) -> User:
    user = AccountsRepository(session).live_user_by_abstract_id(account_id, abstract_user_id)
    if user is None:
        raise BadRequest(USER_DOES_NOT_EXIST)
    return user


def acting_user(session: Session, principal: Principal, abstract_user_id: str | None) -> User:
    """The user a request acts for: the caller's own, or (super and up) the one it names."""
    repo = AccountsRepository(session)
    if abstract_user_id is None:
        user = repo.live_user(principal.account_id, principal.user_id)
        if user is None:
            raise BadRequest(USER_DOES_NOT_EXIST)
        return user
    user = repo.live_user_by_abstract_id(principal.account_id, abstract_user_id)
    if principal.at_least("super"):
        if user is None:
            raise BadRequest(USER_DOES_NOT_EXIST)
        return user
    # A general key may name only itself; naming anyone else is refused without saying whether
    # that user exists.
    if user is None or user.id != principal.user_id:
        raise Forbidden("A general API key can act only as its own user")
    return user


def delete_user(session: Session, account_id: str, abstract_user_id: str, storage: Storage) -> User:
    """Soft-delete the user: invisible at once, and its files no longer served once the
    deletion is committed (hidden, so that a reactivation within the purge window restores
    them)."""
    user = find_user(session, account_id, abstract_user_id)
    AccountsRepository(session).soft_delete_user(user.id)
    keys = files.user_file_keys(session, [user.id])
    after_commit(session, lambda: files.hide(storage, keys))
    return user


def reactivate_user(
    session: Session, account_id: str, abstract_user_id: str, purge_days: float, storage: Storage
) -> User:
    """Undo a delete inside the purge window: the user, its data and its files come back. A user
    never deleted, past the window, or whose abstract id a new user took meanwhile: 400."""
    repo = AccountsRepository(session)
    since = utcnow() - timedelta(days=purge_days)
    user = repo.deleted_user(account_id, abstract_user_id, since)
    if user is None or repo.live_user_by_abstract_id(account_id, abstract_user_id) is not None:
        raise BadRequest(USER_DOES_NOT_EXIST)
    repo.restore_user(user.id)
    keys = files.user_file_keys(session, [user.id])
    after_commit(session, lambda: files.unhide(storage, keys))
    return user


def set_credit_limit(session: Session, account_id: str, abstract_user_id: str, limit: int) -> User:
    user = find_user(session, account_id, abstract_user_id)
    AccountsRepository(session).set_user(user.id, credit_limit=limit)
    return user


def set_plan(session: Session, account_id: str, abstract_user_id: str, plan_id: str) -> User:
    user = find_user(session, account_id, abstract_user_id)
    AccountsRepository(session).set_user(user.id, plan_id=plan_id)
    return user


BRAND_DOES_NOT_EXIST = "Brand does not exist"


def check_brand(session: Session, account_id: str, user_id: str, brand_id: str | None) -> None:
    """A ``bId`` a create or update names must be a brand of the acting user; an unknown one and
    another user's or account's are the same 400."""
    if brand_id is None:
        return
    if AccountsRepository(session).user_brand(account_id, user_id, brand_id) is None:
        raise BadRequest(BRAND_DOES_NOT_EXIST)
