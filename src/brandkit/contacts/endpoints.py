"""Ingestion routes of the marketing data (our extension; scopes contacts:write and
activities:write). Errors wear the bulk-export family's problem envelope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from brandkit.accounts.auth import Principal, require
from brandkit.contacts import service
from brandkit.contacts.models import Segment
from brandkit.contacts.schemas import (
    ActivityBatch,
    ActivityBatchOut,
    ContactBatch,
    ContactBatchOut,
    MembersChange,
    SegmentCreate,
    SegmentOut,
)
from brandkit.kit.deps import ReadSession, TransactionalRoute, WriteSession, json_content_type
from brandkit.kit.responses import JSONBytes
from brandkit.kit.schemas import PROBLEM_ERRORS
from brandkit.kit.timeparse import iso

router = APIRouter(
    route_class=TransactionalRoute,
    tags=["marketing data"],
    responses=PROBLEM_ERRORS,
)

ContactsWriter = Annotated[Principal, Depends(require(scope="contacts:write"))]
ActivitiesWriter = Annotated[Principal, Depends(require(scope="activities:write"))]
# After the key in each signature: a bad key is a 401 before a wrong Content-Type is a 415.
JsonBody = Annotated[None, Depends(json_content_type)]


@router.post("/contacts/", response_model=ContactBatchOut)
def upsert_contacts(
    body: ContactBatch, principal: ContactsWriter, _json: JsonBody, session: WriteSession
) -> JSONBytes:
    """Create or update up to 1,000 contacts by email (case-insensitive). One invalid row
    rejects the whole batch with a 422 naming it (e.g. `/contacts/17/email`)."""
    rows = service.upsert_contacts(session, principal.account_id, body.contacts)
    created = sum(1 for _, new in rows if new)
    return JSONBytes(
        {
            "created": created,
            "updated": len(rows) - created,
            "contacts": [{"id": c.id, "email": c.email, "created": new} for c, new in rows],
        }
    )


@router.post("/activities/", status_code=201, response_model=ActivityBatchOut)
def append_activities(
    body: ActivityBatch, principal: ActivitiesWriter, _json: JsonBody, session: WriteSession
) -> JSONBytes:
    """Append up to 5,000 activities, each naming its contact by `contactId` or `email`."""
    ids = service.append_activities(session, principal.account_id, body.activities)
    return JSONBytes({"inserted": len(ids), "ids": ids}, status_code=201)


def _segment(session: Session, segment: Segment) -> dict[str, object]:
    return {
        "id": segment.id,
        "name": segment.name,
        "createdAt": iso(segment.created_at),
        "size": service.segment_size(session, segment.id),
    }


@router.post("/segments/", status_code=201, response_model=SegmentOut)
def create_segment(
    body: SegmentCreate, principal: ContactsWriter, _json: JsonBody, session: WriteSession
) -> JSONBytes:
    segment = service.create_segment(session, principal.account_id, body.name)
    return JSONBytes(
        _segment(session, segment), status_code=201, headers={"Location": f"/segments/{segment.id}"}
    )


@router.get("/segments/{segment_id}", response_model=SegmentOut)
def get_segment(segment_id: str, principal: ContactsWriter, session: ReadSession) -> JSONBytes:
    return JSONBytes(
        _segment(session, service.get_segment(session, principal.account_id, segment_id))
    )


@router.post("/segments/{segment_id}/members", response_model=SegmentOut)
def change_members(
    segment_id: str,
    body: MembersChange,
    principal: ContactsWriter,
    _json: JsonBody,
    session: WriteSession,
) -> JSONBytes:
    """Add and remove contacts (ids of this account); adding a member twice is a no-op."""
    segment = service.change_members(session, principal.account_id, segment_id, body)
    return JSONBytes(_segment(session, segment))
