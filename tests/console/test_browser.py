"""The console in a real browser: Playwright driving Debian's Chromium, with every host but
loopback unresolvable (the console needs no internet). Sign in through the form, see the
gallery's images load, filter, page, reach everything by keyboard, sign out; screenshots of each
page at 1280 and 390 px wide go to tests/output/console/."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.browsers import serious_violations
from tests.console.conftest import OUTPUT, WIDTHS, signed_in_page
from tests.factories import Factory
from tests.storage.conftest import Live


def _png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (108, 108), color).save(out, "PNG")
    return out.getvalue()


def test_sign_in_gallery_filter_and_sign_out(
    live_worker: Live, factory: Factory, browser: Any
) -> None:
    t = factory.tenant(tier="general")
    design = factory.design(t.user)
    variants = [
        *factory.variants(design, 26),
        *factory.variants(design, 2, variant_type="EDITED"),
    ]
    for n, v in enumerate(variants):
        live_worker.storage.put_bytes(
            v.storage_key, _png(("#2f4fd8", "#e4572e")[n % 2]), "image/png"
        )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    failed: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.on("requestfailed", lambda request: failed.append(request.url))
    pg.goto(live_worker.url + "/console")
    assert pg.url.endswith("/console/sign-in")
    pg.screenshot(path=str(OUTPUT / "sign-in-wide.png"), full_page=True)
    assert serious_violations(pg) == []
    pg.get_by_label("API key or access token").fill(t.token.split(":")[0] + ":wrong")
    pg.get_by_role("button", name="Sign in").click()
    assert pg.get_by_role("alert").inner_text() == "That API key or access token is not valid."
    pg.get_by_label("API key or access token").fill(t.token)
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/console/designs")
    gallery = pg.get_by_role("list", name="Variants")
    assert gallery.get_by_role("img").count() == 24
    pg.wait_for_load_state("networkidle")
    loaded = pg.eval_on_selector_all(
        ".gallery img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
    )
    assert loaded == [True] * 24
    assert serious_violations(pg) == []
    for name, width in WIDTHS.items():
        pg.set_viewport_size({"width": width, "height": 900})
        pg.screenshot(path=str(OUTPUT / f"designs-{name}.png"), full_page=True)
        # Usable at this width: nothing scrolls sideways.
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
    pg.set_viewport_size({"width": 1280, "height": 900})

    pg.get_by_role("link", name="Next page").click()
    assert pg.get_by_role("list", name="Variants").get_by_role("img").count() == 4
    pg.get_by_label("Variant type").select_option("edited")
    pg.get_by_role("button", name="Show").click()
    edited = pg.get_by_role("list", name="Variants").get_by_role("img")
    assert edited.count() == 2
    assert "edited variant" in (edited.first.get_attribute("alt") or "")

    # Keyboard: the first Tab lands on the skip link, and focus is visible.
    pg.keyboard.press("Tab")
    focused = pg.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    outline = pg.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    pg.get_by_role("button", name="Sign out").click()
    pg.wait_for_url("**/console/sign-in")
    pg.goto(live_worker.url + "/console/designs")
    assert pg.url.endswith("/console/sign-in")
    pg.set_viewport_size({"width": 390, "height": 800})
    pg.screenshot(path=str(OUTPUT / "sign-in-narrow.png"), full_page=True)
    # Everything the pages asked for came from this server.
    assert failed == []
    context.close()


def test_generate_a_design_and_watch_it_complete(
    live_worker: Live, factory: Factory, browser: Any
) -> None:
    t = factory.tenant(tier="general")
    pg = signed_in_page(browser, live_worker.url, t.token)
    pg.get_by_text("New design").click()
    pg.get_by_label("Name", exact=True).fill("Bakery opening")
    pg.get_by_label("Format").select_option("instagram:instagram-post")
    pg.get_by_label("Title", exact=True).fill("Fresh bread every morning")
    pg.get_by_label("Subtitle", exact=True).fill("Baked at five")
    pg.get_by_label("Button", exact=True).fill("Order now")
    pg.get_by_label("Variants", exact=True).fill("2")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(OUTPUT / "new-design-wide.png"), full_page=True)
    pg.get_by_role("button", name="Generate").click()
    pg.wait_for_url("**/console/requests/*")
    status = pg.get_by_role("status")
    status.filter(has_text="Completed").wait_for(timeout=60_000)
    images = pg.get_by_role("list", name="Variants of this request").get_by_role("img")
    assert images.count() == 2
    pg.wait_for_load_state("networkidle")
    loaded = pg.eval_on_selector_all(
        "#request-variants img", "imgs => imgs.map(i => i.complete && i.naturalWidth === 1080)"
    )
    assert loaded == [True, True]
    assert pg.locator("#request-progress").get_attribute("value") == "100"
    assert serious_violations(pg) == []
    for name, width in WIDTHS.items():
        pg.set_viewport_size({"width": width, "height": 900})
        pg.screenshot(path=str(OUTPUT / f"request-{name}.png"), full_page=True)
    # The API answers the same request with the same variants.
    request_id = pg.url.rsplit("/", 1)[1]
    r = live_worker.http.post(
        "/get-request-status", json={"requestId": request_id}, headers=t.headers
    )
    ids = [v["variantId"] for v in r.json()["body"]["result"]["variations"]]
    alts = [images.nth(i).get_attribute("alt") or "" for i in range(2)]
    assert all(any(i in alt for alt in alts) for i in ids)
