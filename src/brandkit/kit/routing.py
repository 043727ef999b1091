"""Path aliases of the design-asset family.

Clients call the same route as ``/media/get``, ``/api/prod/v2/media/get`` and
``/api/prod/v2/general/media/get``, and the user routes as either ``super/login-user`` or
``enterprise/login-user``. What a caller may do is decided by its key's tier, never by the path, so
rewriting the path before routing keeps one route per endpoint (and one entry in the OpenAPI
document) instead of several copies of every router.
"""

from __future__ import annotations

import re
from collections.abc import Container

_STAGE_PREFIX = re.compile(r"^/api/(?:prod|staging)/v2(?=/)")
_TIER_SEGMENT = re.compile(r"^/(?:general|super|enterprise)(?=/)")


def canonical_path(path: str, known: Container[str]) -> str:
    stripped = _STAGE_PREFIX.sub("", path, count=1)
    if stripped in known:
        return stripped
    rest = _TIER_SEGMENT.sub("", stripped, count=1)
    if rest != stripped:
        for candidate in (rest, "/super" + rest, "/enterprise" + rest):
            if candidate in known:
                return candidate
    return stripped
