"""Date windows of ``enterprise/export-data``: both ends inclusive, exactly 90 days accepted and one
second more refused, and the same instants given in seconds or in milliseconds mean the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brandkit.kit.ids import short_id
from tests.factories import Factory, Tenant

DAY = 86400
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _export(
    client: TestClient, tenant: Tenant, user: str, start: int, end: int
) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = client.post(
        "/enterprise/export-data",
        json={"abstractUserId": user, "startDate": start, "endDate": end},
        headers=tenant.headers,
    )
    return r.status_code, r.json()


@PROPERTY
@given(
    end_ago=st.integers(min_value=60, max_value=200 * DAY),
    span=st.integers(min_value=0, max_value=90 * DAY),
    millis=st.booleans(),
)
def test_items_at_both_ends_are_in_and_just_outside_are_out(
    client: TestClient, factory: Factory, end_ago: int, span: int, millis: bool
) -> None:
    tenant = factory.tenant()
    name = f"u-{short_id()}"
    user, _ = factory.user(tenant.account_id, name)
    design = factory.design(user)
    now = int(datetime.now(UTC).timestamp())
    end = now - end_ago
    start = end - span
    at = [start - 1, start, end, end + 1]
    made = []
    for t in at:
        made += factory.variants(design, 1, start=datetime.fromtimestamp(t, UTC))
    scale = 1000 if millis else 1
    status, data = _export(client, tenant, name, start * scale, end * scale)
    assert status == 200, data
    got = {v["variantId"] for v in data["body"]["variants"]}
    inside = {v.id for v, t in zip(made, at, strict=True) if start <= t <= end}
    assert got == inside


@PROPERTY
@given(end_ago=st.integers(min_value=0, max_value=200 * DAY), millis=st.booleans())
def test_ninety_days_exactly_is_accepted_and_one_second_more_refused(
    client: TestClient, factory: Factory, end_ago: int, millis: bool
) -> None:
    tenant = factory.tenant()
    now = int(datetime.now(UTC).timestamp())
    end = now - end_ago
    scale = 1000 if millis else 1
    status, data = _export(client, tenant, "admin", (end - 90 * DAY) * scale, end * scale)
    assert status == 200, data
    status, data = _export(client, tenant, "admin", (end - 90 * DAY - 1) * scale, end * scale)
    assert status == 422, data
    assert data["body"]["message"] == "Invalid input"
    if millis:
        # One millisecond over is over too.
        status, _ = _export(client, tenant, "admin", (end - 90 * DAY) * 1000 - 1, end * 1000)
        assert status == 422


@PROPERTY
@given(
    start_ago=st.integers(min_value=1, max_value=300 * DAY),
    back=st.integers(min_value=1, max_value=30 * DAY),
)
def test_start_after_end_is_refused(
    client: TestClient, factory: Factory, start_ago: int, back: int
) -> None:
    tenant = factory.tenant()
    now = int(datetime.now(UTC).timestamp())
    start = now - start_ago
    for scale in (1, 1000):
        status, _ = _export(client, tenant, "admin", start * scale, (start - back) * scale)
        assert status == 422


def test_seconds_and_milliseconds_select_the_same_items(
    client: TestClient, factory: Factory
) -> None:
    tenant = factory.tenant()
    design = factory.design(tenant.user)
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    factory.variants(design, 5, start=three_days_ago, step=timedelta(hours=1))
    now = int(datetime.now(UTC).timestamp())
    start, end = now - 4 * DAY, now
    _, by_seconds = _export(client, tenant, "admin", start, end)
    _, by_millis = _export(client, tenant, "admin", start * 1000, end * 1000)
    _, mixed = _export(client, tenant, "admin", start, end * 1000)
    assert len(by_seconds["body"]["variants"]) == 5
    assert by_seconds == by_millis == mixed
    # Just below 10^12 is still seconds: a date in the year 33658, so a range far over 90 days.
    status, _ = _export(client, tenant, "admin", start, 10**12 - 1)
    assert status == 422


def test_older_than_a_year_is_refused(client: TestClient, factory: Factory) -> None:
    tenant = factory.tenant()
    now = int(datetime.now(UTC).timestamp())
    status, _ = _export(client, tenant, "admin", now - 366 * DAY, now - 300 * DAY)
    assert status == 422
    status, _ = _export(client, tenant, "admin", now - 364 * DAY, now - 300 * DAY)
    assert status == 200
