"""CSV quoting of hostile values in export files, on both databases (PostgreSQL writes the file
with COPY, SQLite through Python): delimiters, quotes, CR/LF, unicode and formula prefixes in
contact names, emails, origins, custom field names and values, and activity payloads. Read back
with Python's csv module and the chosen delimiter, every cell is exactly the stored value, a
formula-leading one prefixed with a single quote when ``csv_neutralise_formulas`` is on (the
default) and verbatim when it is off; and the file is byte for byte the quote-all, CRLF form.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from brandkit.contacts.models import Activity, Contact
from brandkit.db import transaction
from tests.exports.helpers import csv_of, download, parse, tenant, worker
from tests.factories import Factory, Tenant

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILE_PIECES = ["=", "+", "-", "@", '"', ",", ";", "\r\n", "\n", "\r", "'", "\t", "|", "é", "🎉"]
# Any text PostgreSQL can hold (no NUL) and JSON can carry (no lone surrogates).
_ANY_CHAR = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")
hostile = st.one_of(
    st.text(_ANY_CHAR, max_size=12),
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(_ANY_CHAR, max_size=3), max_size=6).map(
        "".join
    ),
    st.sampled_from(
        [
            '=HYPERLINK("http://x","y")',
            "+1;2",
            "-2+3",
            "@SUM(A1)",
            'a,b;c"d\r\ne',
            '""',
            "\ufeffbom",
        ]
    ),
)
# The email check wants one @, a dot in the domain and no whitespace.
email_local = st.text(
    st.characters(blacklist_categories=["Cs", "Zs", "Zl", "Zp", "Cc"], blacklist_characters="@"),
    min_size=1,
    max_size=10,
)
# "@" cannot lead an email (it would be a second @); it leads names and fields instead.
email_prefix = st.sampled_from(["", "=", "+", "-"])


def _expected(value: str, neutralise: bool) -> str:
    """The oracle, written apart from the code under test."""
    return "'" + value if neutralise and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _export(
    client: TestClient, app: FastAPI, t: Tenant, body: dict[str, Any], neutralise: bool
) -> tuple[bytes, list[list[str]]]:
    r = client.post("/exports/", json=body, headers=t.headers)
    assert r.status_code == 201, r.text
    w = worker(app, csv_neutralise_formulas=neutralise)
    while w.run_once():
        pass
    got = client.get(f"/exports/{r.json()['id']}", headers=t.headers).json()
    assert got["status"] == "finished", got
    _, data = csv_of(download(client, got["fileUrl"]))
    rows = parse(data, body["delimiter"])
    # Exactly the canonical form: every cell double-quoted, quotes doubled, CRLF line ends.
    canonical = io.StringIO(newline="")
    csv.writer(
        canonical, delimiter=body["delimiter"], quoting=csv.QUOTE_ALL, lineterminator="\r\n"
    ).writerows(rows)
    assert data == canonical.getvalue().encode(), data
    return data, rows


@PROPERTY
@given(
    people=st.lists(
        st.tuples(email_prefix, email_local, hostile, hostile, hostile, hostile),
        min_size=1,
        max_size=3,
    ),
    field_name=hostile.filter(lambda s: 1 <= len(s) <= 100),
    delimiter=st.sampled_from([",", ";"]),
    neutralise=st.booleans(),
)
def test_contact_values_read_back_exactly(
    client: TestClient,
    app: FastAPI,
    factory: Factory,
    people: list[tuple[str, str, str, str, str, str]],
    field_name: str,
    delimiter: str,
    neutralise: bool,
) -> None:
    t = tenant(factory)
    sent: list[dict[str, Any]] = [
        {
            "email": f"{prefix}{local}{i}@ex.com",
            "firstName": first,
            "lastName": last,
            "origin": origin[:64],
            "fields": {field_name: value},
        }
        for i, (prefix, local, first, last, origin, value) in enumerate(people)
    ]
    r = client.post("/contacts/", json={"contacts": sent}, headers=t.headers)
    assert r.status_code == 200, r.text
    with transaction(factory.sessions) as s:
        stored = {
            c.email: c for c in s.scalars(select(Contact).where(Contact.account_id == t.account_id))
        }
    # The hostile values were stored as sent (else the export would be checked on tamer ones).
    for row in sent:
        c = stored[row["email"]]
        assert (c.first_name, c.last_name, c.origin) == (
            row["firstName"],
            row["lastName"],
            row["origin"],
        )
        assert orjson.loads(c.fields) == row["fields"]

    body = {"exportType": "contacts", "delimiter": delimiter, "dateFormat": "ISO", "version": "v2"}
    _, rows = _export(client, app, t, body, neutralise)
    header, *cells = rows
    assert header[7:-3] == [_expected(field_name, neutralise)]
    assert len(cells) == len(sent)
    for line in cells:
        c = stored[_unneutralised(line[1], neutralise)]
        want = [
            c.id,
            _expected(c.email, neutralise),
            _expected(c.first_name or "", neutralise),
            _expected(c.last_name or "", neutralise),
            c.newsletter_status,
        ]
        assert line[:5] == want
        assert line[7] == _expected(orjson.loads(c.fields)[field_name], neutralise)
        assert line[-1] == _expected(c.origin or "", neutralise)


def _unneutralised(cell: str, neutralise: bool) -> str:
    return cell[1:] if neutralise and cell[:2] in ("'=", "'+", "'-", "'@", "'\t", "'\r") else cell


payload_value: st.SearchStrategy[Any] = st.recursive(
    hostile | st.integers(-(2**63), 2**63 - 1) | st.booleans() | st.none(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile, inner, max_size=3),
    max_leaves=6,
)


@PROPERTY
@given(
    payload=st.dictionaries(hostile, payload_value, max_size=4),
    purchase_id=st.one_of(hostile, hostile.map(lambda s: s + "P" * 3000)),
    currency=hostile,
    product=hostile.filter(lambda s: "|" not in s),
    email_prefix=email_prefix,
    delimiter=st.sampled_from([",", ";"]),
    neutralise=st.booleans(),
)
def test_activity_payloads_read_back_exactly(
    client: TestClient,
    app: FastAPI,
    factory: Factory,
    payload: dict[str, Any],
    purchase_id: str,
    currency: str,
    product: str,
    email_prefix: str,
    delimiter: str,
    neutralise: bool,
) -> None:
    t = tenant(factory)
    email = f'{email_prefix}a"b,c;d@ex.com'
    r = client.post("/contacts/", json={"contacts": [{"email": email}]}, headers=t.headers)
    assert r.status_code == 200, r.text
    purchase = {"purchaseId": purchase_id, "amount": 12.5, "currency": currency}
    purchase["products"] = [{"id": product}, {"id": "sku-2"}]
    at = "2026-01-10T10:00:00Z"
    batch = [
        {"email": email, "type": "custom-thing", "occurredAt": at, "payload": payload},
        {"email": email, "type": "purchase", "occurredAt": at, "payload": purchase},
    ]
    r = client.post("/activities/", json={"activities": batch}, headers=t.headers)
    assert r.status_code == 201, r.text
    with transaction(factory.sessions) as s:
        stored = {
            a.type: a
            for a in s.scalars(select(Activity).where(Activity.account_id == t.account_id))
        }

    body = {
        "exportType": "activities",
        "delimiter": delimiter,
        "dateFormat": "ISO",
        "version": "v2",
        "filters": {"fromDate": "2026-01-01T00:00:00Z", "toDate": "2026-01-20T00:00:00Z"},
    }
    _, (header, *cells) = _export(client, app, t, body, neutralise)
    assert len(header) == 10
    by_type = {line[3]: line for line in cells}
    assert set(by_type) == {"custom-thing", "purchase"}
    for kind, sent in (("custom-thing", payload), ("purchase", purchase)):
        line, a = by_type[kind], stored[kind]
        assert line[:3] == [a.id, a.contact_id, _expected(email, neutralise)]
        # Details: the payload as compact JSON, which parses back to what was sent.
        assert orjson.loads(line[5]) == sent
        assert line[5] == a.payload
    line = by_type["purchase"]
    assert line[6:] == [
        _expected(purchase_id, neutralise),
        "12.5",
        _expected(currency, neutralise),
        _expected(f"{product}|sku-2", neutralise),
    ]


def test_integers_json_carries_but_storage_cannot_are_422_naming_the_row(
    client: TestClient, factory: Factory
) -> None:
    t = tenant(factory)
    huge = 2**64
    r = client.post(
        "/contacts/",
        json={"contacts": [{"email": "a@ex.com"}, {"email": "b@ex.com", "fields": {"n": huge}}]},
        headers=t.headers,
    )
    assert r.status_code == 422, r.text
    assert [e["path"] for e in r.json()["validationErrors"]] == ["/contacts/1/fields"]
    r = client.post("/contacts/", json={"contacts": [{"email": "a@ex.com"}]}, headers=t.headers)
    assert r.status_code == 200, r.text
    act = {"email": "a@ex.com", "type": "login", "occurredAt": "2026-01-10T10:00:00Z"}
    r = client.post(
        "/activities/",
        json={"activities": [act, {**act, "payload": {"deep": [{"n": -huge}]}}]},
        headers=t.headers,
    )
    assert r.status_code == 422, r.text
    assert [e["path"] for e in r.json()["validationErrors"]] == ["/activities/1/payload"]
