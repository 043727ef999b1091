"""The SVG the editor opens and the image Brandkit serves come from one document through two
renderers (the SVG writer, and Pillow for the raster). Over a slice of the corpus, the SVG is
rasterised by a reference renderer (resvg) and compared with the raster: a perceptual
difference, measured on luma after both are blurred a little (a Gaussian of 1.5 px, so hinting
and anti-aliasing of glyph edges count for little, a misplaced or miscoloured layer for a lot),
must stay under the thresholds. Measured when they were set: worst mean 2.9, worst 99th
percentile 40, over every seventh request of the corpus."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
import resvg_py
from PIL import Image, ImageFilter

from brandkit.render.compose import compose
from brandkit.render.fonts import FontBook
from brandkit.render.svg import to_svg
from brandkit.render.system_fonts import SYSTEM_FACES, face_path
from tests.generation.corpus import ASSETS, corpus

# Mean and 99th percentile of the absolute luma difference (0-255) of the blurred images.
MEAN_LIMIT = 4.0
P99_LIMIT = 50.0
BLUR = 1.5
SLICE = corpus()[::10]
BOOK = FontBook()
FONT_FILES = [str(face_path(face)) for face in SYSTEM_FACES]


def _data_uri(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


URIS = {name: _data_uri(image) for name, image in ASSETS.items()}


def perceptual_difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    la = np.asarray(a.convert("L").filter(ImageFilter.GaussianBlur(BLUR)), dtype=np.int16)
    lb = np.asarray(b.convert("L").filter(ImageFilter.GaussianBlur(BLUR)), dtype=np.int16)
    diff = np.abs(la - lb)
    return float(diff.mean()), float(np.percentile(diff, 99))


def test_the_difference_measure_sees_a_wrong_layer() -> None:
    # The measure is not blind: moving the title by a tenth of the canvas fails it.
    case = SLICE[0]
    [comp] = compose(case.spec, 0, BOOK, ASSETS, options=0)
    doc = comp.document
    for layer in doc["layers"]:
        if layer["kind"] == "text":
            for line in layer["lines"]:
                line["baseline"] += doc["canvas"]["height"] / 10
    moved = resvg_py.svg_to_bytes(
        svg_string=to_svg(doc, URIS.__getitem__), font_files=FONT_FILES, skip_system_fonts=True
    )
    mean, p99 = perceptual_difference(comp.image, Image.open(io.BytesIO(bytes(moved))))
    assert mean > MEAN_LIMIT or p99 > P99_LIMIT


@pytest.mark.parametrize("case", SLICE, ids=[c.name for c in SLICE])
def test_svg_renders_what_the_raster_shows(case: object) -> None:
    from tests.generation.corpus import Case

    assert isinstance(case, Case)
    [comp] = compose(case.spec, 0, BOOK, ASSETS, options=0)
    svg = to_svg(comp.document, URIS.__getitem__)
    png = resvg_py.svg_to_bytes(svg_string=svg, font_files=FONT_FILES, skip_system_fonts=True)
    reference = Image.open(io.BytesIO(bytes(png)))
    assert reference.size == comp.image.size
    mean, p99 = perceptual_difference(comp.image, reference)
    assert mean <= MEAN_LIMIT, round(mean, 2)
    assert p99 <= P99_LIMIT, round(p99, 1)
