"""enterprise/account-analysis from real events: variants made and edited, variant images
served by Brandkit, media and bytes, credits, last activity."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from brandkit.credits import service as credits
from brandkit.db import transaction, utcnow
from brandkit.designs.downloads import count_download
from brandkit.designs.models import Variant, VariantDownload
from brandkit.media.models import Media
from tests.exports.helpers import run_jobs
from tests.factories import Factory

BODY = {
    "name": "n",
    "type": "email",
    "subtype": "small-square",
    "numOfVariants": 2,
    "content": {"title": "Hello"},
    "abstractUserId": "alice",
}


def test_analysis_counts_what_happened(client: TestClient, app: FastAPI, factory: Factory) -> None:
    t = factory.tenant()
    alice, _ = factory.user(t.account_id, "alice")
    with transaction(factory.sessions, write=True) as s:
        credits.set_cycle(s, t.account_id, 50, 30, utcnow())
    media = factory.media(alice, 3, brand_id=None)
    with transaction(factory.sessions, write=True) as s:
        s.execute(
            update(Media).where(Media.id.in_([m.id for m in media])).values(size_bytes=1_500_000)
        )
    r = client.post("/designs-from-content", json=BODY, headers=t.headers)
    assert r.status_code == 200, r.text
    run_jobs(app)
    done = client.post("/get-request-status", json=r.json()["body"], headers=t.headers).json()[
        "body"
    ]
    first = done["result"]["variations"][0]
    for _ in range(3):  # one download a day, however many times it is fetched
        assert (
            client.get(first["variantImageUrl"].removeprefix("http://testserver")).status_code
            == 200
        )
    r = client.post(
        "/enterprise/account-analysis", json={"abstractUserId": "alice"}, headers=t.headers
    )
    assert r.status_code == 200, r.text
    body = r.json()["body"]
    assert body["yearlyAnalysis"] == {
        "numberOfGeneratedDesignVariations": 2,
        "numberOfEditedDesigns": 0,
        "numberOfDownloadedDesigns": 1,
        "numberOfMedia": 3,
        "mediaSize": "4.5Mb",
    }
    assert len(body["monthlyAnalysis"]) == 12
    this_month = body["monthlyAnalysis"][0]
    assert this_month["month"] == utcnow().strftime("%Y-%m")
    assert this_month["numberOfGeneratedDesignVariations"] == 2
    assert body["creditBalance"] == {"availableCredits": 48, "usedCredits": 2}
    assert abs(body["lastAccessed"] - utcnow().timestamp()) < 120
    r = client.post(
        "/enterprise/account-analysis", json={"abstractUserId": "nobody"}, headers=t.headers
    )
    assert r.json() == {"status": 400, "body": {"message": "User does not exist"}}
    general = factory.key(t.account_id, "general", user="alice")
    r = client.post(
        "/enterprise/account-analysis", json={"abstractUserId": "alice"}, headers=general
    )
    assert r.status_code == 403


def test_downloads_are_counted_whatever_the_variant_id_holds(
    app: FastAPI, factory: Factory
) -> None:
    # Variant ids are url-safe base64 and may hold "_", as option files' names do after the id.
    t = factory.tenant()
    alice, _ = factory.user(t.account_id, "alice")
    design = factory.design(alice)
    [variant] = factory.variants(design, 1)
    with transaction(factory.sessions, write=True) as s:
        s.execute(update(Variant).where(Variant.id == variant.id).values(id="ab_cd-EF_gh"))
    for name in ("ab_cd-EF_gh.jpg", "ab_cd-EF_gh_1.png", "ab_cd-EF_gh.svg"):
        count_download(app.state, f"designs/{t.account_id}/{design.id}/{name}")
    with transaction(factory.sessions) as s:
        rows = [(r.variant_id, r.user_id) for r in s.scalars(select(VariantDownload))]
    assert rows == [("ab_cd-EF_gh", alice.id)]
