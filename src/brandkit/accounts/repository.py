"""Every query of the accounts domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from brandkit.accounts.models import (
    Account,
    ApiKey,
    Brand,
    User,
    Workspace,
    WorkspaceMember,
)
from brandkit.db import AnyRow, utcnow
from brandkit.kit.pagination import Keyset, Position

# Prebuilt once, values bound at execution: building the statement per request costs more than
# running it.
_KEY_FOR_AUTH = select(
    ApiKey.id,
    ApiKey.account_id,
    ApiKey.user_id,
    ApiKey.tier,
    ApiKey.scopes,
    ApiKey.secret_hash,
    ApiKey.revoked_at,
).where(ApiKey.id == bindparam("key_id"))

# Most requests ask for their acting user once (accounts.service.acting_user).
_LIVE_USER = select(User).where(
    User.id == bindparam("user_id"),
    User.account_id == bindparam("account_id"),
    User.deleted_at.is_(None),
)
_LIVE_USER_BY_ABSTRACT_ID = select(User).where(
    User.account_id == bindparam("account_id"),
    User.abstract_user_id == bindparam("abstract_user_id"),
    User.deleted_at.is_(None),
)

# The console's list of an account's users, by abstract id.
USERS = Keyset(User.abstract_user_id, User.id, kind="text")


class AccountsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def account(self, account_id: str) -> Account | None:
        return self.session.get(Account, account_id)

    def accounts(self) -> list[Account]:
        return list(self.session.scalars(select(Account).order_by(Account.created_at)))

    def api_key(self, key_id: str) -> ApiKey | None:
        return self.session.get(ApiKey, key_id)

    def key_for_auth(self, key_id: str) -> AnyRow | None:
        """What authentication reads, as a plain row: every request pays for this lookup, and
        the ORM's identity-map load costs more than the query."""
        return self.session.connection().execute(_KEY_FOR_AUTH, {"key_id": key_id}).first()

    def api_keys(self, account_id: str | None) -> list[ApiKey]:
        query = select(ApiKey).order_by(ApiKey.created_at)
        if account_id is not None:
            query = query.where(ApiKey.account_id == account_id)
        return list(self.session.scalars(query))

    def revoke_key(self, key_id: str) -> bool:
        result = self.session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def users_page(self, account_id: str, after: Position | None, limit: int) -> list[User]:
        """The account's users, live and deleted (until purged), by abstract id."""
        query = select(User).where(User.account_id == account_id)
        return list(self.session.scalars(USERS.seek(query, after, descending=False).limit(limit)))

    def live_user(self, account_id: str, user_id: str) -> User | None:
        return self.session.scalar(_LIVE_USER, {"user_id": user_id, "account_id": account_id})

    def live_user_by_abstract_id(self, account_id: str, abstract_user_id: str) -> User | None:
        return self.session.scalar(
            _LIVE_USER_BY_ABSTRACT_ID,
            {"abstract_user_id": abstract_user_id, "account_id": account_id},
        )

    def personal_workspace(self, user_id: str) -> Workspace | None:
        return self.session.scalar(
            select(Workspace).where(Workspace.owner_user_id == user_id, Workspace.personal)
        )

    def workspace(self, account_id: str, workspace_id: str) -> Workspace | None:
        return self.session.scalar(
            select(Workspace).where(
                Workspace.id == workspace_id, Workspace.account_id == account_id
            )
        )

    def is_member(self, workspace_id: str, user_id: str) -> bool:
        return (
            self.session.scalar(
                select(WorkspaceMember.user_id).where(
                    WorkspaceMember.workspace_id == workspace_id,
                    WorkspaceMember.user_id == user_id,
                )
            )
            is not None
        )

    def user_brand(self, account_id: str, user_id: str, brand_id: str) -> Brand | None:
        """The brand, if it belongs to a workspace of the user (its own or one it is a member
        of)."""
        member = select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user_id)
        own = select(Workspace.id).where(Workspace.owner_user_id == user_id)
        return self.session.scalar(
            select(Brand).where(
                Brand.id == brand_id,
                Brand.account_id == account_id,
                Brand.workspace_id.in_(member.union(own)),
            )
        )

    def deleted_user(self, account_id: str, abstract_user_id: str, since: datetime) -> User | None:
        """The user of this abstract id deleted most recently, if after ``since``."""
        return self.session.scalar(
            select(User)
            .where(
                User.account_id == account_id,
                User.abstract_user_id == abstract_user_id,
                User.deleted_at.is_not(None),
                User.deleted_at > since,
            )
            .order_by(User.deleted_at.desc())
            .limit(1)
        )

    def restore_user(self, user_id: str) -> None:
        self.session.execute(update(User).where(User.id == user_id).values(deleted_at=None))

    def set_user(self, user_id: str, **values: object) -> None:
        self.session.execute(update(User).where(User.id == user_id).values(**values))

    def soft_delete_user(self, user_id: str) -> None:
        self.session.execute(update(User).where(User.id == user_id).values(deleted_at=utcnow()))
