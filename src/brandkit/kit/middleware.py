"""The outer ASGI layer: path aliases, request ids, rate-limit headers and the last-resort 500."""

from __future__ import annotations

import itertools
import logging
import secrets
from collections.abc import Container

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brandkit.kit.errors import BrandkitError
from brandkit.kit.logs import request_id_var
from brandkit.kit.render import render_error
from brandkit.kit.routing import canonical_path

log = logging.getLogger("brandkit.request")

RATE_HEADERS_KEY = "brandkit.rate_headers"

# Request ids: a random prefix per process and a counter, unique without a system call for
# randomness on every request.
_ID_PREFIX = secrets.token_hex(8)
_id_counter = itertools.count(1)


class RequestMiddleware:
    def __init__(self, app: ASGIApp, known_paths: Container[str]) -> None:
        self.app = app
        self.known_paths = known_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = canonical_path(scope["path"], self.known_paths)
        if path != scope["path"]:
            scope = {**scope, "path": path, "raw_path": path.encode()}
        request_id = f"{_ID_PREFIX}{next(_id_counter):016x}"
        token = request_id_var.set(request_id)
        state = scope.setdefault("state", {})
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                # Browsers must never guess a type: an uploaded file sniffed as HTML would run.
                if not any(name.lower() == b"x-content-type-options" for name, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                for name, value in state.get(RATE_HEADERS_KEY, {}).items():
                    headers.append((name.lower().encode(), str(value).encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # The detail stays in the log under the request id; the client sees the bare 500.
            log.exception("unhandled error on %s %s", scope.get("method"), scope["path"])
            if started:
                raise
            response = render_error(path, BrandkitError())
            await response(scope, receive, send_with_headers)
        finally:
            request_id_var.reset(token)
