"""/docs and /redoc render in headless Chromium with every host but loopback unresolvable: the
API documentation needs no internet. Debian's chromium is installed by .ci/run."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.browsers import NO_NETWORK, chromium
from tests.faults.live import live_server


def _rendered(browser: str, url: str) -> str:
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            NO_NETWORK,
            "--virtual-time-budget=10000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_docs_render_with_no_network(tmp_path: Path) -> None:
    browser = chromium()
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    with live_server(url, tmp_path / "data") as server:
        swagger = _rendered(browser, server.base_url + "/docs")
        redoc = _rendered(browser, server.base_url + "/redoc")
    # Drawn by Swagger UI's script from /openapi.json, so the bundle and the document loaded.
    for path in ("/enterprise/get-design-variants", "/media/get", "/exports/"):
        assert f'data-path="{path}"' in swagger, path
    assert "get-design-variants" in redoc
    assert "Brandkit" in redoc
