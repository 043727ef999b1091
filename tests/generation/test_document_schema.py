"""The layered document's published schema is the code's own, and what the engine makes
conforms to it."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from brandkit.render.compose import compose
from brandkit.render.document import SCHEMA, Document, json_schema
from brandkit.render.fonts import FontBook
from tests.generation.corpus import ASSETS, corpus

PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "design-document.schema.json"


def test_the_published_schema_is_the_codes() -> None:
    assert json.loads(PUBLISHED.read_text()) == json.loads(json.dumps(json_schema()))


def test_documents_conform() -> None:
    adapter = TypeAdapter(Document)
    book = FontBook()
    for case in corpus()[:40:4]:
        for comp in compose(case.spec, 0, book, ASSETS, options=1):
            doc = json.loads(json.dumps(comp.document))
            adapter.validate_python(doc, strict=True)
            assert doc["schema"] == SCHEMA
