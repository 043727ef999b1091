"""moto's S3 over real HTTP, with the presigned-URL checks real S3 makes and moto skips.

moto accepts any presigned request (it does not verify SigV4 query signatures, expiry or signed
headers), so on its own it could not show that an altered, expired or re-targeted upload URL is
refused. This WSGI layer verifies SigV4 query authentication the way S3 documents it and answers
403 as S3 does; everything else goes to moto untouched.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

SECRETS = {"testing": "testing"}
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _uri(value: str) -> str:
    return quote(value, safe="-_.~")


def presigned_error(environ: dict[str, Any], now: datetime) -> str | None:
    """Why S3 would refuse this presigned request, or None when it is valid."""
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    params = dict(query)
    credential = params["X-Amz-Credential"].split("/")
    secret = SECRETS.get(credential[0])
    if secret is None:
        return "InvalidAccessKeyId"
    signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if now > signed_at + timedelta(seconds=int(params["X-Amz-Expires"])):
        return "AccessDenied: Request has expired"
    signed_headers = params["X-Amz-SignedHeaders"].split(";")
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k[:5] == "HTTP_"}
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    if "CONTENT_LENGTH" in environ:
        headers["content-length"] = environ["CONTENT_LENGTH"]
    canonical_query = "&".join(
        f"{_uri(k)}={_uri(v)}" for k, v in sorted(query) if k != "X-Amz-Signature"
    )
    canonical_headers = "".join(f"{h}:{headers.get(h, '').strip()}\n" for h in signed_headers)
    raw_path = environ.get("RAW_URI", environ["PATH_INFO"]).split("?", 1)[0]
    canonical = "\n".join(
        (
            environ["REQUEST_METHOD"],
            raw_path,
            canonical_query,
            canonical_headers,
            ";".join(signed_headers),
            "UNSIGNED-PAYLOAD",
        )
    )
    scope = "/".join(credential[1:])
    to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        )
    )
    key = ("AWS4" + secret).encode()
    for part in credential[1:]:
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, params.get("X-Amz-Signature", "")):
        return "SignatureDoesNotMatch"
    return None


class PresignGuard:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if "X-Amz-Signature=" in environ.get("QUERY_STRING", ""):
            error = presigned_error(environ, datetime.now(UTC))
            if error is not None:
                body = f"<Error><Code>{error}</Code></Error>".encode()
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [body]
        return self.app(environ, start_response)


class GuardedMotoServer:
    def __init__(self) -> None:
        app = PresignGuard(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
