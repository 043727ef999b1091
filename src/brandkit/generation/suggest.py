"""content-from-prompt: content suggestions from the copywriter, and the caller's own images
that best match the prompt's words."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from brandkit.accounts import service as accounts
from brandkit.accounts.auth import Principal
from brandkit.config import Settings
from brandkit.generation import llm
from brandkit.generation.schemas import ContentFromPromptRequest, ContentSuggestions, SuggestedImage
from brandkit.generation.service import canvas_size, language_of
from brandkit.media.repository import MediaRepository
from brandkit.storage.base import Storage

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_CANDIDATES = 200
_SUGGESTED = 4


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def suggest_content(
    session: Session,
    principal: Principal,
    body: ContentFromPromptRequest,
    settings: Settings,
    storage: Storage,
) -> ContentSuggestions:
    width, height = canvas_size(body.type, body.subtype, body.dimension)
    language = language_of(body.language)
    user = accounts.acting_user(session, principal, body.abstractUserId)
    suggestions, _writer = llm.write(body.prompt, f"{width}x{height}", language, settings)
    wanted = _words(body.prompt)
    scored = []
    for media in MediaRepository(session).recent(
        principal.account_id, user.id, ("photo", "backdrop"), _CANDIDATES
    ):
        described = " ".join([media.file_name, media.sub_type, str(media.meta.get("tags", ""))])
        score = len(wanted & _words(described.replace("-", " ").replace("_", " ")))
        scored.append((score, media))
    # Best matches first; media that match no word still follow, newest first.
    scored.sort(key=lambda pair: -pair[0])
    images: list[SuggestedImage] = [
        {"url": storage.public_url(m.storage_key), "mId": m.id} for _, m in scored[:_SUGGESTED]
    ]
    return {"contentSuggestions": suggestions, "assetSuggestions": {"images": images}}
