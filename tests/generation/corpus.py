"""A corpus of generation requests for the quality rules: every design type of the catalogue
and custom sizes, content from one block to all of them, long and short texts, in Latin, Greek,
Cyrillic, Arabic and Hebrew scripts, with and without images and logos. Seeded: the same
corpus every run."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from brandkit.generation.catalogue import catalogue
from brandkit.render.inputs import DesignSpec, ImageInput, LogoInput, Preferences

# Texts in five scripts (the Greek and Cyrillic letters are meant).
TEXTS: dict[str, dict[str, list[str] | list[list[str]]]] = {
    "english": {
        "title": ["Summer sale", "T-shirts for summer", "The new collection is finally here for everyone"],
        "supertext": ["New in", "Limited edition drop"],
        "subtext": ["Cotton tees for hot days", "Everything you need for the season, delivered to your door"],
        "text": ["Leading auto portal for content and commerce hitting 30 Mn+ unique visitors a month."],
        "caption": ["Terms and conditions apply."],
        "offer": ["20% off", "Limited Time: Up to 40% Off"],
        "coupon": ["BONUS20"],
        "button": ["Shop now", "Get started today"],
        "date_time": ["12th July 2025"],
        "phone": ["+1 (800) 3543 323"],
        "email": ["joe@example.com"],
        "website": ["www.example.com"],
        "address": ["40, M. Ave, Richmond road, US"],
        "instagram": ["@example"],
        "bulletlist": [["100% cotton", "Easy wash", "Double stitch"], ["Free shipping"]],
        "numberedlist": [["Sign up", "Pick a plan", "Start creating"]],
    },
    "greek": {
        "title": ["Καλοκαιρινές εκπτώσεις", "Η νέα συλλογή είναι εδώ"],
        "subtext": ["Βαμβακερά μπλουζάκια για ζεστές μέρες"],
        "offer": ["Έκπτωση 20%"],
        "button": ["Αγοράστε τώρα"],
        "bulletlist": [["Δωρεάν αποστολή", "Εύκολο πλύσιμο"]],
    },
    "russian": {
        "title": ["Летняя распродажа", "Новая коллекция уже здесь"],
        "subtext": ["Хлопковые футболки для жарких дней"],
        "offer": ["Скидка 20%"],
        "button": ["Купить сейчас"],
        "bulletlist": [["Бесплатная доставка", "Легко стирать"]],
    },
    "arabic": {
        "title": ["تخفيضات الصيف", "المجموعة الجديدة هنا"],
        "subtext": ["قمصان قطنية للأيام الحارة"],
        "offer": ["خصم ٢٠٪"],
        "button": ["تسوق الآن"],
        "bulletlist": [["شحن مجاني", "سهل الغسيل"]],
    },
    "hebrew": {
        "title": ["מבצע קיץ", "הקולקציה החדשה כאן"],
        "subtext": ["חולצות כותנה לימים חמים"],
        "offer": ["20% הנחה"],
        "button": ["קנו עכשיו"],
        "bulletlist": [["משלוח חינם", "כביסה קלה"]],
    },
}  # fmt: skip
LANG_WEIGHTS = {"english": 6, "greek": 1, "russian": 1, "arabic": 1, "hebrew": 1}


@dataclass(frozen=True)
class Case:
    name: str
    spec: DesignSpec


def photo() -> Image.Image:
    image = Image.new("RGB", (900, 600), "#5b8fd1")
    draw = ImageDraw.Draw(image)
    for i in range(8):
        draw.ellipse(
            (i * 110, (i * 37) % 600, i * 110 + 300, (i * 37) % 600 + 200),
            fill=(40 + i * 25, 180 - i * 12, 90 + i * 15),
        )
    return image


def cutout() -> Image.Image:
    image = Image.new("RGBA", (500, 700), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((40, 60, 460, 640), fill=(220, 120, 40, 255))
    return image


def logo() -> Image.Image:
    image = Image.new("RGBA", (240, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((4, 4, 236, 76), 24, fill="#2e86ab")
    return image


ASSETS = {"photo": photo(), "cutout": cutout(), "logo": logo()}


def _sizes() -> list[tuple[str, int, int]]:
    out = []
    for design_type, subs in catalogue().design_types.items():
        for subtype, size in subs.items():
            if size is not None:
                out.append((f"{design_type}/{subtype}", size[0], size[1]))
    out += [("custom/200x2000", 200, 2000), ("custom/2000x250", 2000, 250),
            ("custom/777x333", 777, 333), ("custom/1500x1500", 1500, 1500)]  # fmt: skip
    return out


def _content(rng: random.Random, language: str, area: float) -> dict[str, str | list[str]]:
    texts = TEXTS[language]
    # Small canvases get fewer blocks: an ad of 320x50 holds a title and a button, not twelve.
    budget = 2 if area < 40_000 else 3 if area < 150_000 else 6 if area < 600_000 else 16
    blocks = [b for b in texts if b != "title"]
    rng.shuffle(blocks)
    chosen = ["title", *blocks[: rng.randint(0, min(budget, len(blocks)))]]
    if rng.random() < 0.1:
        chosen = [rng.choice(["title", "subtext", "text"]) if language == "english" else "title"]
    content: dict[str, str | list[str]] = {}
    for block in chosen:
        options: list[Any] = list(texts[block])
        value = options[rng.randrange(len(options))]
        content[block] = list(value) if isinstance(value, list) else str(value)
    return content


def corpus(count: int = 210, seed: int = 2026) -> list[Case]:
    rng = random.Random(seed)
    sizes = _sizes()
    languages = [lang for lang, weight in LANG_WEIGHTS.items() for _ in range(weight)]
    cases = []
    for i in range(count):
        name, width, height = sizes[i % len(sizes)]
        language = languages[rng.randrange(len(languages))]
        content = _content(rng, language, width * height)
        images: tuple[ImageInput, ...] = ()
        roll = rng.random()
        if roll < 0.45:
            crop = None if rng.random() < 0.7 else False
            touch = (
                frozenset([rng.choice(["left", "right", "top", "bottom"])])
                if rng.random() < 0.2
                else frozenset()
            )
            images = (ImageInput("photo", 900, 600, False, crop=crop, touch=touch),)
        elif roll < 0.6:
            images = (ImageInput("cutout", 500, 700, True, remove_bg=True),)
        logos = (
            (LogoInput("logo", 240, 80, ("direct", "neutral", "outline")),)
            if rng.random() < 0.4
            else ()
        )
        colors = ("#5662EC", "#EF9AB2") if rng.random() < 0.2 else ()
        theme = (rng.choice(["light", "dark", "colorful"]),) if rng.random() < 0.3 else ()
        spec = DesignSpec(
            width=width, height=height, content=content, seed=rng.randrange(2**31),
            variants=rng.choice([1, 2, 4]), images=images, logos=logos, colors=colors,
            preferences=Preferences(theme=theme), language=language,
            direction="rtl" if language in ("arabic", "hebrew") else "ltr",
        )  # fmt: skip
        cases.append(Case(f"{i:03d}-{name}-{language}", spec))
    return cases
