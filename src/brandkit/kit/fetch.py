"""Fetching a client-supplied URL without becoming a proxy into the private network.

Every hop (the first URL and each redirect, followed by hand) is resolved and refused unless all
its addresses are public; the connection then goes to the address that was checked, with the name
kept for the Host header and TLS, so a second DNS answer (rebinding) cannot send it elsewhere.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from brandkit.config import Settings
from brandkit.kit.errors import InvalidInput, PayloadTooLarge, invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

NOT_PUBLIC = "The url must be an http or https URL of a public address"
_MAX_REDIRECTS = 5
_ANSWER_BYTES = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def public_address(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _any_address(_ip: IPAddress) -> bool:
    return True


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class Fetched:
    data: bytes
    url: str


@dataclass(frozen=True)
class _Hop:
    connect_url: str
    host_header: str
    server_name: str


class UrlFetcher:
    def __init__(
        self,
        max_bytes: int,
        timeout: float,
        *,
        allow: Callable[[IPAddress], bool] = public_address,
        resolver: Resolver = resolve,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.allow = allow
        self.resolver = resolver

    @classmethod
    def for_pages(cls, settings: Settings) -> UrlFetcher:
        """The fetcher brand/extract reads web pages and stylesheets with."""
        allow = _any_address if settings.fetch_allow_private else public_address
        return cls(settings.extract_max_bytes, settings.extract_timeout_seconds, allow=allow)

    @classmethod
    def for_webhooks(cls, settings: Settings) -> UrlFetcher:
        """The sender of webhook deliveries: a receiver inside the operator's network only with
        ``BRANDKIT_WEBHOOK_ALLOW_PRIVATE``; a receiver's answer is read up to 64 KiB."""
        allow = _any_address if settings.webhook_allow_private else public_address
        return cls(_ANSWER_BYTES, settings.webhook_timeout_seconds, allow=allow)

    @classmethod
    def from_settings(cls, settings: Settings) -> UrlFetcher:
        allow = _any_address if settings.fetch_allow_private else public_address
        return cls(settings.fetch_max_bytes, settings.fetch_timeout_seconds, allow=allow)

    def fetch(self, url: str, accept: str = "image/*") -> Fetched:
        deadline = time.monotonic() + self.timeout
        # trust_env off: a proxy from the environment would make the address checks meaningless.
        with httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False) as client:
            for _ in range(_MAX_REDIRECTS + 1):
                hop = self._hop(url)
                try:
                    with client.stream(
                        "GET",
                        hop.connect_url,
                        # identity: sizes are counted on the wire, so no decompression bomb.
                        headers={
                            "Host": hop.host_header,
                            "Accept": accept,
                            "Accept-Encoding": "identity",
                        },
                        extensions={"sni_hostname": hop.server_name},
                    ) as response:
                        location = response.headers.get("location")
                        if response.status_code in _REDIRECTS and location:
                            url = urljoin(url, location)
                            continue
                        if response.status_code != 200:
                            raise _unfetchable(f"the url answered HTTP {response.status_code}")
                        return Fetched(self._read(response, deadline), url)
                except httpx.HTTPError:
                    raise _unfetchable("the url could not be fetched") from None
        raise _unfetchable("the url redirects too many times")

    def check(self, url: str) -> None:
        """Refuse, as ``fetch`` would, a URL this fetcher may not connect to."""
        self._hop(url)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST ``body`` and return the answer's status. No redirect is followed (a receiver that
        moved answers 3xx, which the caller counts as a failure), and the answer's body is read
        within the size and time bounds, then dropped."""
        deadline = time.monotonic() + self.timeout
        hop = self._hop(url)
        with httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False) as client:
            try:
                with client.stream(
                    "POST",
                    hop.connect_url,
                    content=body,
                    headers={**headers, "Host": hop.host_header, "Accept-Encoding": "identity"},
                    extensions={"sni_hostname": hop.server_name},
                ) as response:
                    # An over-long answer still carries its status.
                    with contextlib.suppress(PayloadTooLarge):
                        self._read(response, deadline)
                    return response.status_code
            except httpx.TimeoutException:
                raise _unreachable("the receiver did not answer in time") from None
            except httpx.HTTPError as exc:
                reason = f"the receiver could not be reached ({type(exc).__name__})"
                raise _unreachable(reason) from None

    def _hop(self, url: str) -> _Hop:
        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise invalid("url", "the port is not valid", NOT_PUBLIC) from None
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host:
            raise invalid("url", "only http and https URLs are fetched", NOT_PUBLIC)
        try:
            addresses = [
                ipaddress.ip_address(a.split("%", 1)[0]) for a in self.resolver(host, port)
            ]
        except (OSError, UnicodeError, ValueError):
            raise invalid("url", "the host name does not resolve", NOT_PUBLIC) from None
        # Every address must pass: a name that also resolves inward is refused outright.
        if not addresses or not all(self.allow(a) for a in addresses):
            raise invalid("url", "the address is private, loopback or reserved", NOT_PUBLIC)
        ip = addresses[0]
        literal = f"[{ip}]" if ip.version == 6 else str(ip)
        netloc = f"{literal}:{port}"
        default_port = port == (443 if parts.scheme == "https" else 80)
        host_header = host if default_port else f"{host}:{port}"
        if ":" in host:
            host_header = f"[{host}]" if default_port else f"[{host}]:{port}"
        connect = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        return _Hop(connect, host_header, host)

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise PayloadTooLarge(f"The file at the url is larger than {self.max_bytes} bytes")
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_raw():
            total += len(chunk)
            if total > self.max_bytes:
                raise PayloadTooLarge(f"The file at the url is larger than {self.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise _unfetchable("the url took too long to answer")
            chunks.append(chunk)
        return b"".join(chunks)


def _unreachable(reason: str) -> InvalidInput:
    return InvalidInput(f"The url could not be reached: {reason}")


def _unfetchable(reason: str) -> InvalidInput:
    return InvalidInput(f"The url could not be fetched: {reason}")
