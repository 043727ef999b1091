"""The two error envelopes.

The design-asset family answers ``{"status", "body": {"message", "errors"?}}``; the bulk-export
family (and our ingestion routes beside it) answers ``{"title", "status", "detail",
"validationErrors"?}``. Which one is decided by the path, so that errors raised before routing
(unknown route, authentication) wear the same envelope as the route would.
"""

from __future__ import annotations

from typing import Any

from brandkit.kit.errors import BrandkitError
from brandkit.kit.responses import JSONBytes, envelope

PROBLEM_PREFIXES = ("/exports", "/contacts", "/activities", "/segments", "/webhooks")


def uses_problem_style(path: str) -> bool:
    return path.startswith(PROBLEM_PREFIXES)


def render_error(path: str, error: BrandkitError) -> JSONBytes:
    if uses_problem_style(path):
        problem: dict[str, Any] = {
            "title": error.title,
            "status": error.status,
            "detail": error.message,
        }
        if error.errors:
            problem["validationErrors"] = [
                {
                    "name": e.field.rsplit(".", 1)[-1],
                    "path": "/" + e.field.replace(".", "/"),
                    "reason": e.reason,
                }
                for e in error.errors
            ]
        return JSONBytes(problem, status_code=error.status, headers=error.headers)
    body: dict[str, Any] = {"message": error.message}
    if error.errors:
        body["errors"] = [{"field": e.field, "reason": e.reason} for e in error.errors]
    return envelope(body, error.status, headers=error.headers)
