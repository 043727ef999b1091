"""Requests that cannot be made fail with a reason, never a 500: an unreachable or bad asset,
characters no font draws, content that cannot fit. The copywriter's model, when configured, is
a small OpenAI-compatible server on loopback; a timeout or an invalid answer falls back to the
built-in writer, and the request records which one wrote."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from brandkit.config import Settings
from brandkit.db import transaction
from brandkit.requests.models import Request
from tests.factories import Factory, Tenant
from tests.generation.conftest import AssetServer, fetch_image, wait_done
from tests.storage.conftest import Live, live_app

BASE: dict[str, Any] = {
    "name": "n",
    "type": "instagram",
    "subtype": "instagram-post-small",
    "numOfVariants": 1,
}


def _submit(live: Live, t: Tenant, path: str, **body: Any) -> dict[str, Any]:
    r = live.http.post(path, json={**BASE, **body}, headers=t.headers)
    assert r.status_code == 200, r.text
    return wait_done(live, t, r.json()["body"]["requestId"])


def test_an_unreachable_asset_fails_the_request(
    gen: Live, factory: Factory, assets: AssetServer
) -> None:
    t = factory.tenant()
    done = _submit(
        gen,
        t,
        "/designs-from-content",
        content={"title": "Hi"},
        assets={"images": [{"url": f"{assets.url}/missing.jpg"}]},
    )
    assert done["status"] == "failed"
    assert done["result"] is None
    assert done["reason"].startswith("Image url invalid: ")
    assert "404" in done["reason"]
    done = _submit(
        gen,
        t,
        "/designs-from-content",
        content={"title": "Hi"},
        assets={"images": [{"url": "http://127.0.0.1:9/nothing-listens.jpg"}]},
    )
    assert done["status"] == "failed"
    assert "could not be fetched" in done["reason"]


def test_a_file_that_is_not_an_image_fails_the_request(
    gen: Live, factory: Factory, assets: AssetServer
) -> None:
    assets.files["/notes.jpg"] = (b"just some text, not a picture", "image/jpeg")
    done = _submit(
        gen,
        factory.tenant(),
        "/designs-from-content",
        content={"title": "Hi"},
        assets={"logos": [{"url": f"{assets.url}/notes.jpg"}]},
    )
    assert done["status"] == "failed"
    assert "not an image" in done["reason"]


def test_characters_no_font_draws_fail_naming_the_block(gen: Live, factory: Factory) -> None:
    done = _submit(
        gen,
        factory.tenant(),
        "/designs-from-content",
        content={"title": "Summer sale", "subtext": "夏のセール"},
    )
    assert done["status"] == "failed"
    assert "'subtext'" in done["reason"]
    assert "夏" in done["reason"]


def test_content_that_cannot_fit_fails_naming_the_block(gen: Live, factory: Factory) -> None:
    long = " ".join(["Unbelievable"] * 35)
    done = _submit(
        gen,
        factory.tenant(),
        "/designs-from-content",
        type="displayAds",
        subtype="displayAds-mobile-leaderboard",
        content={"title": "Sale", "text": long},
    )
    assert done["status"] == "failed"
    assert "'text'" in done["reason"]
    assert "320x50" in done["reason"]


class FakeModel:
    """An OpenAI-compatible chat-completions endpoint: answers ``mode`` (good, invalid, slow)."""

    def __init__(self) -> None:
        self.mode = "good"
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                fake.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), **body}
                )
                if fake.mode == "slow":
                    time.sleep(2.5)
                if fake.mode == "invalid":
                    content = '{"contentSuggestions": [{"title": ""}]}'
                else:
                    content = json.dumps(
                        {
                            "contentSuggestions": [
                                {
                                    "title": "Model-written headline",
                                    "offer": "20% off",
                                    "button": "Shop now",
                                },
                                {"title": "Second idea", "subtext": "From the model"},
                            ]
                        }
                    )
                answer = {
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]
                }
                data = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def model() -> Iterator[FakeModel]:
    fake = FakeModel()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def gen_llm(settings: Settings, engine: Engine, model: FakeModel) -> Iterator[Live]:
    yield from live_app(
        settings,
        engine,
        "local",
        None,
        embedded_worker=True,
        worker_poll_seconds=0.2,
        llm_base_url=model.url,
        llm_model="tiny",
        llm_api_key=SecretStr("sk-test"),
        llm_timeout_seconds=1.0,
    )


def _writer(factory: Factory, request_id: str) -> str | None:
    with transaction(factory.sessions) as s:
        row = s.get(Request, request_id)
        assert row is not None
        return row.writer


def test_prompt_with_the_model_and_its_fallbacks(
    gen_llm: Live, factory: Factory, model: FakeModel
) -> None:
    t = factory.tenant()
    prompt = "a design for my t-shirt shop with 20% off"
    done = _submit(gen_llm, t, "/designs-from-prompt", prompt=prompt)
    assert done["status"] == "completed", done
    assert _writer(factory, done["requestId"]) == "llm:tiny"
    sent = model.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["model"] == "tiny"
    assert sent["auth"] == "Bearer sk-test"
    assert prompt in sent["messages"][-1]["content"]
    fetch_image(gen_llm.http, done["result"]["variations"][0]["variantImageUrl"])
    r = gen_llm.http.post(
        "/content-from-prompt",
        json={"prompt": prompt, "type": "email", "subtype": "square"},
        headers=t.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["body"]["contentSuggestions"][0]["title"] == "Model-written headline"
    for mode in ("invalid", "slow"):
        model.mode = mode
        done = _submit(gen_llm, t, "/designs-from-prompt", prompt=prompt)
        assert done["status"] == "completed", (mode, done)
        assert _writer(factory, done["requestId"]) == "rules", mode


def test_content_from_prompt_with_the_built_in_writer(gen: Live, factory: Factory) -> None:
    t = factory.tenant()
    other = factory.media(t.user, 2, brand_id=None, file_name="team-offsite.jpeg")
    [match] = factory.media(t.user, 1, brand_id=None, file_name="cloud-security-webinar.jpeg")
    factory.media(t.user, 1, media_type="logo", sub_type="logo")
    r = gen.http.post(
        "/content-from-prompt",
        headers=t.headers,
        json={
            "prompt": "Webinar on cloud security, June 12th 2025, register now at www.acme.io "
            "with demos, Q&A and swag",
            "type": "linkedin",
            "subtype": "linkedIn-post",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()["body"]
    suggestions = body["contentSuggestions"]
    assert 1 <= len(suggestions) <= 3
    first = suggestions[0]
    assert first["title"] == "Webinar on Cloud Security"
    assert first["date_time"] == "June 12th 2025"
    assert first["website"] == "www.acme.io"
    assert first["button"] == "Register Now"
    assert ["Demos", "Q&A", "Swag"] in [s.get("bulletlist") for s in suggestions]
    images = body["assetSuggestions"]["images"]
    # The caller's photos only, the one whose name matches the prompt first.
    assert images[0]["mId"] == match.id
    assert {i["mId"] for i in images} == {match.id, *(m.id for m in other)}


def test_the_built_in_writer_leaves_no_dangling_words() -> None:
    from brandkit.generation.copywriter import write

    first = write("Bakery opening with 20% off: fresh bread, croissants and coffee", "english")[0]
    assert first["title"] == "Bakery Opening"
    assert first["offer"] == "20% off"
    assert first["subtext"] == "Fresh bread, croissants and coffee"
