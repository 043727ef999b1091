"""The outer ASGI layer: path aliases, request ids, rate-limit headers, the guards every request
passes (paths no route can hold, bodies over the size cap) and the last-resort 500."""

from __future__ import annotations

import itertools
import logging
import secrets
import time
from collections.abc import Container

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brandkit.kit.errors import BrandkitError, NotFound, PayloadTooLarge
from brandkit.kit.logs import request_id_var
from brandkit.kit.metrics import REQUEST_SECONDS, REQUESTS
from brandkit.kit.render import render_error
from brandkit.kit.routing import canonical_path
from brandkit.kit.text import unstorable

log = logging.getLogger("brandkit.request")
access = logging.getLogger("brandkit.access")
# Set by the key check once the caller is known, for the access line.
ACCOUNT_KEY = "brandkit.account_id"

RATE_HEADERS_KEY = "brandkit.rate_headers"

# Request ids: a random prefix per process and a counter, unique without a system call for
# randomness on every request.
_ID_PREFIX = secrets.token_hex(8)
_id_counter = itertools.count(1)


# No id, key or file name Brandkit makes is near this long; a longer path segment is a client's
# mistake (or a probe), answered as the unknown path it is before it reaches a query or a file
# system call that would refuse it.
MAX_SEGMENT = 255


def unservable(path: str) -> bool:
    """A path that names nothing Brandkit can hold: a NUL, a lone surrogate (PostgreSQL stores
    neither), or an over-long segment."""
    return unstorable(path) or any(len(segment) > MAX_SEGMENT for segment in path.split("/"))


class RequestMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        known_paths: Container[str],
        max_body_bytes: int,
        unbounded_prefix: str,
    ) -> None:
        self.app = app
        self.known_paths = known_paths
        self.max_body_bytes = max_body_bytes
        # Where bodies carry their own, larger limit (the upload PUT target).
        self.unbounded_prefix = unbounded_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = canonical_path(scope["path"], self.known_paths)
        if path != scope["path"]:
            scope = {**scope, "path": path, "raw_path": path.encode()}
        bounded = scope["method"] != "PUT" or not path.startswith(self.unbounded_prefix)
        if bounded:
            receive = _capped(receive, self.max_body_bytes)
        request_id = f"{_ID_PREFIX}{next(_id_counter):016x}"
        token = request_id_var.set(request_id)
        state = scope.setdefault("state", {})
        started = False
        status = 0  # none sent: the client went away first
        began = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
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
            refused = self._refusal(scope, bounded)
            if refused is not None:
                await render_error(path, refused)(scope, receive, send_with_headers)
                return
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # The detail stays in the log under the request id; the client sees the bare 500.
            log.exception("unhandled error on %s %s", scope.get("method"), scope["path"])
            if started:
                raise
            response = render_error(path, BrandkitError())
            await response(scope, receive, send_with_headers)
        finally:
            self._record(scope, status, time.perf_counter() - began, state)
            request_id_var.reset(token)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float, state: dict[str, object]) -> None:
        route = scope.get("route")
        # The route's template, not the path: ids would make every path a label of its own.
        template = getattr(route, "path", None) or "unmatched"
        REQUESTS.labels(template, scope["method"], str(status) if status else "none").inc()
        REQUEST_SECONDS.labels(template).observe(seconds)
        if access.isEnabledFor(logging.INFO):
            access.info(
                "%s %s %d %.1fms",
                scope["method"],
                template,
                status,
                seconds * 1000,
                extra={
                    "route": template,
                    "method": scope["method"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "account_id": state.get(ACCOUNT_KEY),
                    "request_id": request_id_var.get(),
                },
            )

    def _refusal(self, scope: Scope, bounded: bool) -> BrandkitError | None:
        if unservable(scope["path"]):
            return NotFound("Not found")
        if bounded:
            for name, value in scope.get("headers", ()):
                if name == b"content-length" and value.isdigit():
                    if int(value) > self.max_body_bytes:
                        return PayloadTooLarge(
                            f"The request body is larger than {self.max_body_bytes} bytes"
                        )
                    break
        return None


def _capped(receive: Receive, limit: int) -> Receive:
    """``receive`` refusing a body (one sent without a Content-Length, chunked) that runs past
    the cap while it is read: an HTTPException, which the framework lets through its body
    parsing to the one error handler, and so to the route's envelope."""
    seen = 0

    async def receive_capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"The request body is larger than {limit} bytes")
        return message

    return receive_capped
