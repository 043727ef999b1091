"""Debian's Chromium for the browser tests (.ci/run installs it): in CI its absence is a
failure, elsewhere a skip. NO_NETWORK leaves the browser only loopback to reach."""

from __future__ import annotations

import os
import shutil

import pytest

NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium (.ci/run installs it)")
        pytest.skip("needs chromium")
    return found


def serious_violations(page: object) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (rule: nodes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
