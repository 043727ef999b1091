"""SigV4 query signing of S3 object URLs (a PUT bound to its Content-Type, or a GET), as S3
documents it for presigned URLs.

botocore's ``S3SigV4QueryAuth`` signs any request: it re-parses the URL, host and query, and
derives the signing key, on every call, which held presigning to ~5,000 URLs/s on a slow core.
Here the parts that are fixed per store (host, path prefix) are computed once and the signing
key once per day and credential; tests check the result against botocore's signer and against
an independent verifier over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

from botocore.credentials import Credentials

_ALGORITHM = "AWS4-HMAC-SHA256"
_UNSIGNED = "UNSIGNED-PAYLOAD"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _uri(value: str) -> str:
    return quote(value, safe="-_.~")


class Presigner:
    def __init__(self, credentials: Credentials, region: str, object_base: str) -> None:
        """``object_base``: the URL that keys are appended to (``<endpoint>/<bucket>`` in path
        style, ``https://<bucket>.<endpoint>`` in virtual-host style)."""
        parts = urlsplit(object_base)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
            host = f"{host}:{parts.port}"
        self._base = object_base.rstrip("/")
        self._path = parts.path.rstrip("/")
        self._host = host
        self._credentials = credentials
        self._scope_tail = f"/{region}/s3/aws4_request"
        self._region = region
        # (day, access key, secret) -> signing key: credentials may rotate under us.
        self._signing_key: tuple[tuple[str, str, str], bytes] | None = None

    def put(
        self,
        key: str,
        content_type: str,
        expires_in: int,
        now: float | None = None,
        content_length: int | None = None,
    ) -> str:
        """A PUT of ``key`` whose Content-Type must be ``content_type`` (and whose
        Content-Length must be ``content_length``, when given)."""
        header = f"content-type:{' '.join(content_type.split())}\n"
        signed = "content-type;host"
        if content_length is not None:
            # Canonical headers are sorted by name: content-length, content-type, host.
            header = f"content-length:{content_length}\n{header}"
            signed = "content-length;" + signed
        return self._presign("PUT", key, header, signed, expires_in, now)

    def get(
        self,
        key: str,
        expires_in: int,
        now: float | None = None,
        params: Sequence[tuple[str, str]] = (),
    ) -> str:
        """A GET of ``key``; ``params`` such as ``response-content-disposition`` are signed too."""
        return self._presign("GET", key, "", "host", expires_in, now, params)

    def _presign(
        self,
        method: str,
        key: str,
        headers: str,
        signed_headers: str,
        expires_in: int,
        now: float | None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> str:
        # Refreshable credentials refresh here when they are about to expire.
        credentials = self._credentials.get_frozen_credentials()
        access_key, secret_key = credentials.access_key, credentials.secret_key
        if access_key is None or secret_key is None:
            raise RuntimeError("s3 credentials have no access key or secret")
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() if now is None else now))
        day = stamp[:8]
        path = f"{self._path}/{quote(key, safe='/~')}"
        params = [
            *extra,
            ("X-Amz-Algorithm", _ALGORITHM),
            ("X-Amz-Credential", f"{access_key}/{day}{self._scope_tail}"),
            ("X-Amz-Date", stamp),
            ("X-Amz-Expires", str(expires_in)),
            ("X-Amz-SignedHeaders", signed_headers),
        ]
        if credentials.token is not None:
            params.append(("X-Amz-Security-Token", credentials.token))
        encoded = [(_uri(k), _uri(v)) for k, v in params]
        query = "&".join(f"{k}={v}" for k, v in encoded)
        canonical_query = "&".join(f"{k}={v}" for k, v in sorted(encoded))
        canonical_request = (
            f"{method}\n{path}\n{canonical_query}\n{headers}host:{self._host}\n\n"
            f"{signed_headers}\n{_UNSIGNED}"
        )
        digest = hashlib.sha256(canonical_request.encode()).hexdigest()
        to_sign = f"{_ALGORITHM}\n{stamp}\n{day}{self._scope_tail}\n{digest}"
        signing_key = self._key_for(day, access_key, secret_key)
        signature = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
        return f"{self._base}/{quote(key, safe='/~')}?{query}&X-Amz-Signature={signature}"

    def _key_for(self, day: str, access_key: str, secret_key: str) -> bytes:
        cache_key = (day, access_key, secret_key)
        cached = self._signing_key
        if cached is not None and cached[0] == cache_key:
            return cached[1]
        key = _hmac(("AWS4" + secret_key).encode(), day)
        for part in (self._region, "s3", "aws4_request"):
            key = _hmac(key, part)
        self._signing_key = (cache_key, key)
        return key
