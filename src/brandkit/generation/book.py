"""The fonts the engine sets type with in this process: the shipped faces, and the accounts'
own faces added as designs and edits name them (read once from storage, then kept)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from brandkit.fonts.repository import FontsRepository
from brandkit.render.document import Document
from brandkit.render.fonts import FontBook, face_from_file
from brandkit.storage.base import Storage

BOOK = FontBook()


def ensure_faces(session: Session, storage: Storage, doc: Document) -> FontBook:
    """BOOK, holding every face ``doc`` names."""
    return load_faces(session, storage, list(doc["fonts"]))


def load_faces(session: Session, storage: Storage, face_ids: list[str]) -> FontBook:
    """BOOK, holding these faces (the accounts' own read from storage the first time)."""
    missing = [face_id for face_id in face_ids if not BOOK.has(face_id)]
    if missing:
        for font in FontsRepository(session).by_ids(missing):
            data = storage.read_bytes(font.storage_key)
            BOOK.add(face_from_file(font.id, data, font.classification))
    return BOOK
