"""The browser the console's tests drive: Playwright over Debian's Chromium, with every host
but loopback unresolvable, and the console's output folder for screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from brandkit.config import Settings
from tests.browsers import NO_NETWORK, chromium
from tests.storage.conftest import Live, live_app

OUTPUT = Path(__file__).resolve().parents[1] / "output" / "console"
WIDTHS = {"wide": 1280, "narrow": 390}


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", NO_NETWORK], headless=True
        )
        OUTPUT.mkdir(parents=True, exist_ok=True)
        yield launched
        launched.close()


def signed_in_page(browser: Any, base_url: str, token: str, width: int = 1280) -> Any:
    """A new page of a new browser context, signed in through the form with ``token``."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(base_url + "/console/sign-in")
    page.get_by_label("API key or access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/console/designs")
    return page


@pytest.fixture
def live_local(settings: Settings, engine: Engine) -> Iterator[Live]:
    """The API over real HTTP on loopback (local storage), for a browser to load."""
    yield from live_app(settings, engine, "local", None)


@pytest.fixture
def live_worker(settings: Settings, engine: Engine) -> Iterator[Live]:
    """The API over real HTTP with its embedded worker (designs render, exports run), allowed to
    fetch from loopback (the tests' asset and web servers)."""
    yield from live_app(
        settings,
        engine,
        "local",
        None,
        embedded_worker=True,
        worker_poll_seconds=0.1,
        fetch_allow_private=True,
    )
