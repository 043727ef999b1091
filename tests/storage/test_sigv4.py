"""Our S3 presigner against botocore's general SigV4 query signer, byte for byte."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from brandkit.storage.sigv4 import Presigner

MOMENT = datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC)


def _botocore(
    monkeypatch: pytest.MonkeyPatch,
    credentials: Credentials,
    region: str,
    url: str,
    content_type: str | None,
    expires: int,
    moment: datetime = MOMENT,
) -> str:
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: moment)
    method, headers = (
        ("GET", {}) if content_type is None else ("PUT", {"Content-Type": content_type})
    )
    request = AWSRequest(method=method, url=url, headers=headers)
    S3SigV4QueryAuth(credentials, "s3", region, expires=expires).add_auth(request)
    assert request.url is not None
    return request.url


def _parts(url: str) -> tuple[str, str, str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, sorted(parse_qsl(parts.query))


@pytest.mark.parametrize(
    ("base", "region", "key", "content_type", "token"),
    [
        ("http://127.0.0.1:9000/media", "us-east-1", "uploads/a-B_c.png", "image/png", None),
        (
            "https://media.s3.eu-west-3.amazonaws.com",
            "eu-west-3",
            "uploads/x.ttf",
            "font/ttf",
            None,
        ),
        ("https://s3.example.com:443/b", "auto", "uploads/s p~ä.svg", "image/svg+xml", "tok/+="),
        (
            "http://[::1]:9000/b",
            "us-east-1",
            "uploads/x.jpeg",
            " text/plain;  charset=utf-8 ",
            None,
        ),
    ],
)
def test_same_url_as_botocore(
    monkeypatch: pytest.MonkeyPatch,
    base: str,
    region: str,
    key: str,
    content_type: str,
    token: str | None,
) -> None:
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    presigner = Presigner(credentials, region, base)
    now = calendar.timegm(MOMENT.timetuple())
    url = f"{base}/{quote(key, safe='/~')}"
    put = presigner.put(key, content_type, 300, now=now)
    assert _parts(put) == _parts(
        _botocore(monkeypatch, credentials, region, url, content_type, 300)
    )
    get = presigner.get(key, 604800, now=now)
    assert _parts(get) == _parts(_botocore(monkeypatch, credentials, region, url, None, 604800))


def test_signing_key_follows_the_day_and_rotated_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    credentials = Credentials("AKID1", "secret-1")
    presigner = Presigner(credentials, "us-east-1", "http://127.0.0.1:9000/b")
    signature = {}
    for label, moment, secret in (
        ("day 1", MOMENT, "secret-1"),
        ("day 2", MOMENT.replace(day=1, month=12), "secret-1"),
        ("rotated", MOMENT.replace(day=1, month=12), "secret-2"),
    ):
        credentials.secret_key = secret
        url = presigner.put("uploads/k.png", "image/png", 60, now=moment.timestamp())
        expected = _botocore(
            monkeypatch, credentials, "us-east-1", url.split("?", 1)[0], "image/png", 60, moment
        )
        assert _parts(url) == _parts(expected)
        signature[label] = dict(_parts(url)[3])["X-Amz-Signature"]
    assert len(set(signature.values())) == 3


def test_signed_get_params_same_as_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = Credentials("AKIDEXAMPLE", "secret")
    base = "http://127.0.0.1:9000/exports"
    disposition = 'attachment; filename="contacts-20261130-20261130-e_1.zip"'
    ours = Presigner(credentials, "us-east-1", base).get(
        "exports/e_1.zip",
        6000,
        now=calendar.timegm(MOMENT.timetuple()),
        params=[("response-content-disposition", disposition)],
    )
    url = f"{base}/exports/e_1.zip?response-content-disposition={quote(disposition, safe='')}"
    expected = _botocore(monkeypatch, credentials, "us-east-1", url, None, 6000)
    assert _parts(ours) == _parts(expected)
    assert dict(_parts(ours)[3])["response-content-disposition"] == disposition
