"""Text no database column can hold, refused wherever it comes in (bodies, paths)."""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """A NUL (PostgreSQL stores none in text or JSON) or a lone surrogate (no encoding holds
    one, and JSON's ``"\\ud800"`` parses to one)."""
    return "\x00" in text or (not text.isascii() and _SURROGATE.search(text) is not None)
