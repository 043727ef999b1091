"""The vocabularies of the generation endpoints, read from catalogue.json, which was taken from
the published pages (seeds/sivi-docs/common): design types and their sizes, content blocks,
asset and settings options, languages and design models."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Catalogue:
    design_types: dict[str, dict[str, tuple[int, int] | None]]
    custom_min: int
    custom_max: int
    content_blocks: dict[str, str]
    text_blocks: frozenset[str]
    list_blocks: frozenset[str]
    list_min: int
    list_max: int
    logo_styles: tuple[str, ...]
    default_logo_styles: tuple[str, ...]
    settings: dict[str, tuple[str, ...]]
    design_models: tuple[str, ...]
    languages: tuple[str, ...]
    right_to_left: frozenset[str]
    output_formats: tuple[str, ...]

    def size_of(self, design_type: str, subtype: str) -> tuple[int, int] | None:
        """The canvas of a catalogue type; None for custom (the request gives it)."""
        return self.design_types[design_type][subtype]

    def knows(self, design_type: str, subtype: str) -> bool:
        return subtype in self.design_types.get(design_type, {})

    def block_key(self, key: str) -> str | None:
        """The canonical block name for a key as clients send it (``bulletList`` included)."""
        if key in self.content_blocks:
            return key
        lowered = key.lower()
        return lowered if lowered in self.content_blocks else None


@cache
def catalogue() -> Catalogue:
    raw: dict[str, Any] = json.loads(
        resources.files("brandkit.generation").joinpath("catalogue.json").read_text("utf-8")
    )
    types = {
        t: {s: (tuple(size) if size else None) for s, size in subs.items()}
        for t, subs in raw["designTypes"].items()
    }
    blocks: dict[str, str] = raw["contentBlocks"]
    return Catalogue(
        design_types=types,
        custom_min=raw["custom"]["min"],
        custom_max=raw["custom"]["max"],
        content_blocks=blocks,
        text_blocks=frozenset(("title", "supertext", "subtext", "text", "caption")),
        list_blocks=frozenset(b for b, role in blocks.items() if role == "list"),
        list_min=raw["listLimits"]["min"],
        list_max=raw["listLimits"]["max"],
        logo_styles=tuple(raw["logoStyles"]),
        default_logo_styles=tuple(raw["defaultLogoStyles"]),
        settings={k: tuple(v) for k, v in raw["settings"].items()},
        design_models=tuple(raw["designModels"]),
        languages=tuple(raw["languages"]),
        right_to_left=frozenset(raw["rightToLeft"]),
        output_formats=tuple(raw["outputFormats"]),
    )
