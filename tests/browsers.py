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
