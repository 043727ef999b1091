"""Setting lines: a glyph that reaches past its advance (a j's tail) still fits a box as wide as
its ink, and is placed so the ink stays inside (found in the corpus: an email block that never
fitted)."""

from __future__ import annotations

from brandkit.render.fit import Piece, Type, fit
from brandkit.render.fonts import FontBook
from brandkit.render.geometry import Rect
from brandkit.render.text import measure, set_text

FACE = "eEN4plUbAPw"  # Red Hat Display: its j reaches left of the pen


def test_an_overhanging_glyph_fits_and_stays_in_its_box() -> None:
    book = FontBook()
    font = book.font(FACE, 40)
    line = measure(font, "joe@example.com", "ltr")
    assert line.ink_left < -1  # the case this guards
    extent = max(line.width, line.ink_right) - line.ink_left
    assert set_text(font, "joe@example.com", 40, extent + 1, "ltr", 1.2) is not None
    kind = Type({"heading": FACE, "subHeading": FACE, "body": FACE}, 12, 40, "ltr")
    area = Rect(100, 100, extent + 2, 200)
    placed = fit(
        [Piece("email", None, "joe@example.com")],
        area,
        kind,
        book,
        align="left",
        valign="top",
        banner=False,
        ids="t",
    )
    [layer] = placed.texts
    assert layer["x"] >= area.x - 1
    assert layer["x"] + layer["w"] <= area.right + 1
