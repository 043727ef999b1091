"""Every validation rule of SPEC 6.1, over real HTTP: a 422 in the documented envelope naming
the field, and nothing stored for a refused request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from brandkit.accounts.models import Brand
from brandkit.db import transaction
from brandkit.designs.models import Design
from brandkit.jobs.models import Job
from brandkit.kit.ids import brand_id
from brandkit.requests.models import Request
from tests.factories import Factory
from tests.storage.conftest import Live

BASE: dict[str, Any] = {
    "name": "n",
    "type": "instagram",
    "subtype": "instagram-post",
    "numOfVariants": 1,
    "content": {"title": "Hello"},
}
FONTS = [
    {"id": "MKyWTNGl3hw", "type": "heading"},
    {"id": "zObKjN-Lw5Q", "type": "subHeading"},
    {"id": "gtnT7o1Zong", "type": "body"},
]

# (what is changed, the field the error names)
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"name": None}, "name"),
    ({"name": ""}, "name"),
    ({"type": "instagram", "subtype": "facebook-ad"}, "subtype"),
    ({"type": "nope", "subtype": "nope"}, "subtype"),
    ({"type": "custom", "subtype": "custom"}, "dimension"),
    ({"type": "custom", "subtype": "custom", "dimension": {"width": 199, "height": 500}}, "dimension.width"),
    ({"type": "custom", "subtype": "custom", "dimension": {"width": 500, "height": 2001}}, "dimension.height"),
    ({"type": "custom", "subtype": "custom", "dimension": {"width": "500", "height": 500}}, "dimension.width"),
    ({"numOfVariants": 0}, "numOfVariants"),
    ({"numOfVariants": 5}, "numOfVariants"),
    ({"numOfVariants": "2"}, "numOfVariants"),
    ({"numOfVariants": None}, "numOfVariants"),
    ({"content": {}}, "content"),
    ({"content": {"bulletlist": ["only a list"]}}, "content"),
    ({"content": {"title": ""}}, "content"),
    ({"content": {"title": "   "}}, "content"),
    ({"content": {"title": 5}}, "content"),
    ({"content": {"title": "x", "headline": "unknown block"}}, "content"),
    ({"content": {"title": "x", "bulletlist": []}}, "content"),
    ({"content": {"title": "x", "bulletlist": [f"i{n}" for n in range(11)]}}, "content"),
    ({"content": {"title": "x", "bulletlist": ["ok", ""]}}, "content"),
    ({"content": {"title": "x", "bulletlist": "not a list"}}, "content"),
    ({"content": ["title"]}, "content"),
    ({"assets": {"images": [{"url": "ftp://example.com/a.jpg"}]}}, "assets.images.0.url"),
    ({"assets": {"images": [{"url": "https://e.com/a.jpg", "imagePreference": {"crop": "yes"}}]}}, "assets.images.0.imagePreference.crop"),
    ({"assets": {"images": [{"url": "https://e.com/a.jpg", "touchPosition": {"left": 1}}]}}, "assets.images.0.touchPosition.left"),
    ({"assets": {"logos": [{"url": "https://e.com/l.png", "logoStyles": ["shiny"]}]}}, "assets.logos.0.logoStyles.0"),
    ({"assets": {"images": [{"url": "https://e.com/a.jpg"}] * 5}}, "assets.images"),
    ({"assets": {"siviAssets": [{"mId": "m_nope"}]}}, "assets.siviAssets.0.mId"),
    ({"settings": {"mode": "fancy"}}, "settings.mode"),
    ({"settings": {"mode": "brand"}}, "settings.currentbId"),
    ({"settings": {"mode": "brand", "currentbId": "b_nope"}}, "settings.currentbId"),
    ({"settings": {"colors": ["#12345"]}}, "settings.colors.0"),
    ({"settings": {"colors": ["rgba(300, 0, 0, 1)"]}}, "settings.colors.0"),
    ({"colors": ["blue"]}, "colors.0"),
    ({"settings": {"fontGroups": FONTS[:2]}}, "settings.fontGroups"),
    ({"settings": {"fontGroups": [FONTS[0], FONTS[0], FONTS[2]]}}, "settings.fontGroups"),
    ({"settings": {"fontGroups": [{**FONTS[0], "id": "nope"}, *FONTS[1:]]}}, "settings.fontGroups.0.id"),
    ({"settings": {"fontGroups": [{**FONTS[0], "type": "title"}, *FONTS[1:]]}}, "settings.fontGroups.0.type"),
    ({"settings": {"fontGroups": [{**FONTS[0], "status": "on"}, *FONTS[1:]]}}, "settings.fontGroups.0.status"),
    ({"settings": {"theme": ["neon"]}}, "settings.theme.0"),
    ({"settings": {"frameStyle": ["round"]}}, "settings.frameStyle.0"),
    ({"settings": {"backdropStyle": ["x"]}}, "settings.backdropStyle.0"),
    ({"settings": {"focus": ["x"]}}, "settings.focus.0"),
    ({"settings": {"imageStyle": ["x"]}}, "settings.imageStyle.0"),
    ({"settings": {"designModel": "gpt-99"}}, "settings.designModel"),
    ({"outputFormat": ["gif"]}, "outputFormat.0"),
    ({"outputFormat": []}, "outputFormat"),
    ({"language": "klingon"}, "language"),
    ({"designInstructions": "not a list"}, "designInstructions"),
    ({"seed": -1}, "seed"),
]  # fmt: skip


def _counts(factory: Factory) -> tuple[int, int, int]:
    with transaction(factory.sessions) as s:
        return (
            s.scalar(select(func.count()).select_from(Design)) or 0,
            s.scalar(select(func.count()).select_from(Request)) or 0,
            # Not the periodic maintenance the embedded worker schedules meanwhile.
            s.scalar(select(func.count()).select_from(Job).where(Job.kind.not_like("periodic:%")))
            or 0,
        )


def test_every_rule_is_a_422_naming_the_field(gen: Live, factory: Factory) -> None:
    t = factory.tenant()
    before = _counts(factory)
    for change, field in REFUSED:
        body = {k: v for k, v in {**BASE, **change}.items() if v is not None}
        r = gen.http.post("/designs-from-content", json=body, headers=t.headers)
        assert r.status_code == 422, (change, r.text)
        got = r.json()
        assert got["status"] == 422
        expected = "Invalid type and subType combination" if field == "subtype" else "Invalid input"
        assert got["body"]["message"] == expected, (change, got)
        fields = [e["field"] for e in got["body"].get("errors", [])]
        assert any(f == field or f.startswith(field + ".") for f in fields), (change, fields)
    assert _counts(factory) == before


def test_the_same_rules_hold_for_prompts_and_get_forms(gen: Live, factory: Factory) -> None:
    t = factory.tenant()
    prompt = {k: v for k, v in BASE.items() if k not in ("content", "name")}
    prompt["prompt"] = "summer sale"
    for body in ({**prompt, "prompt": ""}, {**prompt, "numOfVariants": 9}, {**prompt, "type": "x"}):
        r = gen.http.post("/designs-from-prompt", json=body, headers=t.headers)
        assert r.status_code == 422, body
    r = gen.http.get(
        "/designs-from-content", params={"queryParams": "{not json"}, headers=t.headers
    )
    assert r.status_code == 422
    r = gen.http.get(
        "/api/prod/v2/super/content-from-prompt",
        params={"queryParams": '{"prompt": "x", "type": "email", "subtype": "nope"}'},
        headers=t.headers,
    )
    assert r.status_code == 422
    assert r.json()["body"]["message"] == "Invalid type and subType combination"


def test_accepted_forms(gen: Live, factory: Factory) -> None:
    """What the documents allow is accepted: bulletList casing, fontGroups at the top level,
    brand mode with a brand of the user, rgba colours, both output formats."""
    t = factory.tenant()
    brand = Brand(id=brand_id(), account_id=t.account_id, workspace_id=t.workspace.id,
                  name="Acme", colors=["#5662EC", "#EF9AB2"], fonts=[], logos=[])  # fmt: skip
    with transaction(factory.sessions, write=True) as s:
        s.add(brand)
    body = {
        **BASE,
        "content": {"title": "Hello", "bulletList": ["One", "Two"]},
        "fontGroups": FONTS,
        "colors": ["rgba(86, 98, 236, 0.5)"],
        "outputFormat": ["jpg", "png"],
        "settings": {"mode": "brand", "currentbId": brand.id, "theme": ["dark"]},
        "language": "English",
        "unknownField": "ignored",
    }
    r = gen.http.post(
        "/api/staging/v2/enterprise/designs-from-content", json=body, headers=t.headers
    )
    assert r.status_code == 200, r.text
