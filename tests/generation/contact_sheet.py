"""Writes docs/generation-contact-sheet.png: three dozen renders of the quality corpus (every
shape, the five scripts, with and without images), so a reader sees what the engine makes.

    .venv/bin/python -m tests.generation.contact_sheet
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from brandkit.render.compose import compose
from brandkit.render.fit import DoesNotFit
from brandkit.render.fonts import FontBook
from tests.generation.corpus import ASSETS, corpus

CELL = 300
COLUMNS = 6
OUT = Path(__file__).resolve().parents[2] / "docs" / "generation-contact-sheet.png"


def main() -> None:
    book = FontBook()
    picked = []
    for case in corpus()[::5]:
        try:
            [comp] = compose(case.spec, 0, book, ASSETS, options=0)
        except DoesNotFit:
            continue
        picked.append((case.name, comp.image))
        if len(picked) == 36:
            break
    rows = (len(picked) + COLUMNS - 1) // COLUMNS
    sheet = Image.new("RGB", (COLUMNS * CELL, rows * (CELL + 18)), "#e9ebef")
    draw = ImageDraw.Draw(sheet)
    label = book.font("aYgvB0GL2j8", 11)
    for i, (name, image) in enumerate(picked):
        thumb = image.copy()
        thumb.thumbnail((CELL - 16, CELL - 16), Image.Resampling.LANCZOS)
        x = (i % COLUMNS) * CELL + (CELL - thumb.width) // 2
        y = (i // COLUMNS) * (CELL + 18) + (CELL - thumb.height) // 2
        sheet.paste(thumb, (x, y))
        caption = name.split("-", 1)[1]
        draw.text(
            ((i % COLUMNS) * CELL + 8, (i // COLUMNS) * (CELL + 18) + CELL),
            caption,
            font=label,
            fill="#444",
        )
    sheet.save(OUT, optimize=True)
    print(f"{OUT}: {len(picked)} renders")


if __name__ == "__main__":
    main()
