"""The copywriter through an OpenAI-compatible chat-completions endpoint (Ollama, vLLM, a
llama.cpp server or a hosted one), when BRANDKIT_LLM_BASE_URL is set. Its answer is held to the
content-block rules like any request; a timeout, an error or an invalid answer falls back to the
built-in writer, and the request records which one wrote its content."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import orjson

from brandkit.config import Settings
from brandkit.generation import copywriter
from brandkit.generation.catalogue import catalogue
from brandkit.generation.schemas import check_content

log = logging.getLogger("brandkit.copywriter")

_SYSTEM = (
    "You write the text of marketing designs. Answer with one JSON object only: "
    '{{"contentSuggestions": [<content>, ...]}} with 1 to 3 content objects. A content object '
    "uses only these keys: {blocks}. Every value is a short non-empty string, except bulletlist "
    "and numberedlist, which are lists of 1 to 10 short strings. Include title. Use only facts "
    "the prompt gives (offers, dates, contacts); do not invent them. Write in {language}."
)


class LlmUnavailable(Exception):
    pass


def _request(prompt: str, design: str, language: str, settings: Settings) -> dict[str, Any]:
    blocks = ", ".join(catalogue().content_blocks)
    return {
        "model": settings.llm_model,
        "temperature": 0.7,
        "response_format": {"type": "json_object"},
        "messages": [
            {"role": "system", "content": _SYSTEM.format(blocks=blocks, language=language)},
            {"role": "user", "content": f"Design: {design}\nPrompt: {prompt}"},
        ],
    }


def _suggestions(answer: Any) -> list[dict[str, str | list[str]]]:
    text = answer["choices"][0]["message"]["content"]
    data = orjson.loads(text)
    if isinstance(data, dict) and "contentSuggestions" in data:
        items = data["contentSuggestions"]
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    if not isinstance(items, list) or not items:
        raise ValueError("no suggestions")
    return [check_content(item) for item in items[:3]]


def ask(
    prompt: str, design: str, language: str, settings: Settings
) -> list[dict[str, str | list[str]]]:
    """Suggestions from the configured model; raises LlmUnavailable with the cause."""
    assert settings.llm_base_url is not None
    headers = {"Content-Type": "application/json"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
    url = settings.llm_base_url.rstrip("/") + "/chat/completions"
    try:
        with httpx.Client(timeout=settings.llm_timeout_seconds, trust_env=False) as client:
            response = client.post(
                url,
                content=orjson.dumps(_request(prompt, design, language, settings)),
                headers=headers,
            )
        response.raise_for_status()
        return _suggestions(response.json())
    except httpx.TimeoutException:
        raise LlmUnavailable("timed out") from None
    except httpx.HTTPError as exc:
        raise LlmUnavailable(f"request failed: {type(exc).__name__}") from None
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LlmUnavailable(f"invalid answer: {exc}") from None


def write(
    prompt: str, design: str, language: str, settings: Settings
) -> tuple[list[dict[str, str | list[str]]], str]:
    """Content suggestions and the writer that made them (``llm:<model>`` or ``rules``)."""
    if settings.llm_base_url:
        try:
            return ask(prompt, design, language, settings), f"llm:{settings.llm_model}"
        except LlmUnavailable as exc:
            log.warning("copywriter model unavailable (%s); the built-in writer is used", exc)
    return copywriter.write(prompt, language), copywriter.WRITER
