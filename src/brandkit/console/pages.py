"""Rendering console pages: Jinja2 templates (autoescaped) from the package, and the headers
every console answer carries."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

_TEMPLATES = Environment(
    loader=PackageLoader("brandkit.console", "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)

# Everything the console loads comes from this server: no CDN, no inline script.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src * data: blob:; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _TEMPLATES.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def redirect(to: str) -> RedirectResponse:
    # 303: the browser follows with a GET, so a form is never posted twice.
    return RedirectResponse(to, status_code=303, headers=SECURITY_HEADERS)


def static_file(name: str) -> Response | None:
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or "\\" in name or suffix not in STATIC_TYPES:
        return None
    found = resources.files("brandkit.console").joinpath("static", name)
    if not found.is_file():
        return None
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
    return Response(found.read_bytes(), media_type=STATIC_TYPES[suffix], headers=headers)
