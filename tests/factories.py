"""Test data written straight through the ORM, each call in its own committed transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from brandkit.accounts import service as accounts
from brandkit.accounts.models import User, Workspace, WorkspaceMember
from brandkit.config import Settings
from brandkit.db import transaction, utcnow
from brandkit.designs.models import ContentSnippet, Design, Variant
from brandkit.kit.ids import media_id, new_uuid, short_id
from brandkit.media.models import Media


@dataclass
class Tenant:
    account_id: str
    token: str
    key_id: str
    user: User
    workspace: Workspace
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Factory:
    sessions: sessionmaker[Session]
    settings: Settings

    def tenant(
        self, tier: str = "enterprise", scopes: list[str] | None = None, user: str = "admin"
    ) -> Tenant:
        with transaction(self.sessions, write=True) as s:
            account = accounts.create_account(s, f"acct-{short_id()}")
            issued = accounts.create_key(s, account.id, tier, scopes, abstract_user_id=user)
            owner, workspace = accounts.ensure_user(s, account.id, user)
        return Tenant(
            account.id,
            issued.token,
            issued.key.id,
            owner,
            workspace,
            {"sivi-api-key": issued.token},
        )

    def key(
        self, account_id: str, tier: str, scopes: list[str] | None = None, user: str = "admin"
    ) -> dict[str, str]:
        with transaction(self.sessions, write=True) as s:
            issued = accounts.create_key(s, account_id, tier, scopes, abstract_user_id=user)
        return {"sivi-api-key": issued.token}

    def user(self, account_id: str, abstract_user_id: str) -> tuple[User, Workspace]:
        with transaction(self.sessions, write=True) as s:
            return accounts.ensure_user(s, account_id, abstract_user_id)

    def shared_workspace(self, account_id: str, members: list[User]) -> Workspace:
        with transaction(self.sessions, write=True) as s:
            ws = Workspace(id=new_uuid(), account_id=account_id, name="shared", personal=False)
            s.add(ws)
            s.flush()
            s.add_all(WorkspaceMember(workspace_id=ws.id, user_id=m.id) for m in members)
        return ws

    def design(
        self, user: User, workspace_id: str | None = None, created_at: datetime | None = None
    ) -> Design:
        with transaction(self.sessions, write=True) as s:
            ws = workspace_id or _personal_workspace(s, user)
            design = Design(
                id=new_uuid(),
                account_id=user.account_id,
                user_id=user.id,
                workspace_id=ws,
                created_at=created_at or utcnow(),
            )
            s.add(design)
        return design

    def variants(
        self,
        design: Design,
        count: int,
        *,
        start: datetime | None = None,
        step: timedelta = timedelta(seconds=1),
        variant_type: str = "GENERATED",
    ) -> list[Variant]:
        """``count`` variants, the first at ``start`` and each ``step`` after the previous."""
        t0 = start or utcnow() - step * count
        rows = [
            Variant(
                id=short_id(),
                account_id=design.account_id,
                design_id=design.id,
                user_id=design.user_id,
                workspace_id=design.workspace_id,
                variant_type=variant_type,
                storage_key=f"variants/{design.id}/{i}.png",
                width=1080,
                height=1080,
                created_at=t0 + step * i,
            )
            for i in range(count)
        ]
        with transaction(self.sessions, write=True) as s:
            s.add_all(rows)
        return rows

    def media(
        self,
        user: User | None,
        count: int = 1,
        *,
        media_type: str = "photo",
        sub_type: str = "photograph",
        start: datetime | None = None,
        step: timedelta = timedelta(seconds=1),
        system: str = "USER",
        brand_id: str | None = None,
        file_name: str = "f.jpeg",
        **extra: Any,
    ) -> list[Media]:
        t0 = start or utcnow() - step * count
        rows = [
            Media(
                id=media_id(),
                account_id=user.account_id if user else None,
                user_id=user.id if user else None,
                workspace_id=None,
                brand_id=brand_id,
                media_type=media_type,
                sub_type=sub_type,
                system=system,
                storage_key=f"media/{short_id()}.jpeg",
                file_name=file_name,
                content_type="image/jpeg",
                meta={},
                created_at=t0 + step * i,
                **extra,
            )
            for i in range(count)
        ]
        with transaction(self.sessions, write=True) as s:
            s.add_all(rows)
        return rows

    def content(
        self,
        user: User,
        count: int = 1,
        *,
        start: datetime | None = None,
        step: timedelta = timedelta(seconds=1),
    ) -> list[ContentSnippet]:
        t0 = start or utcnow() - step * count
        with transaction(self.sessions, write=True) as s:
            ws = _personal_workspace(s, user)
            rows = [
                ContentSnippet(
                    id=new_uuid(),
                    account_id=user.account_id,
                    user_id=user.id,
                    workspace_id=ws,
                    title=f"title {i}",
                    subtitle=f"subtitle {i}",
                    bulletlist=[str(i), "b"],
                    created_at=t0 + step * i,
                )
                for i in range(count)
            ]
            s.add_all(rows)
        return rows


def _personal_workspace(session: Session, user: User) -> str:
    from brandkit.accounts.repository import AccountsRepository

    ws = AccountsRepository(session).personal_workspace(user.id)
    assert ws is not None
    return ws.id
