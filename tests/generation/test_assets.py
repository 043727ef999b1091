"""Preparing assets: a plain background is removed when the request asks (rule 5), a scene is
left alone, JPEGs decode at the size the canvas needs, and SVG logos are rasterised."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from brandkit.generation.assets import decode, remove_plain_background, transparent


def _product_on_white() -> Image.Image:
    image = Image.new("RGB", (400, 300), (250, 250, 248))
    ImageDraw.Draw(image).ellipse((120, 60, 280, 240), fill=(200, 40, 60))
    return image


def test_a_plain_background_becomes_transparent() -> None:
    cut = remove_plain_background(_product_on_white())
    assert cut is not None
    assert transparent(cut)
    alpha = cut.getchannel("A")
    assert alpha.getpixel((2, 2)) == 0
    assert alpha.getpixel((200, 150)) == 255  # the subject keeps its pixels


def test_a_scene_is_not_cut() -> None:
    # A photo whose corners do not share one colour (here a gradient with grain).
    scene = Image.blend(
        Image.linear_gradient("L").resize((400, 300)).convert("RGB"),
        Image.effect_noise((400, 300), 60).convert("RGB"),
        0.3,
    )
    assert remove_plain_background(scene) is None


def test_jpegs_decode_at_the_size_needed() -> None:
    big = Image.new("RGB", (4000, 3000), "#446688")
    out = io.BytesIO()
    big.save(out, "JPEG")
    image, content_type, _ = decode(out.getvalue(), "big.jpg", 1080)
    assert content_type == "image/jpeg"
    assert max(image.size) == 1080
    assert image.mode == "RGB"


def test_svg_logos_are_rasterised_with_their_transparency() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
        b'<rect x="10" y="5" width="100" height="30" rx="15" fill="#e4572e"/></svg>'
    )
    image, content_type, kept = decode(svg, "logo.svg", 512)
    assert content_type == "image/svg+xml"
    assert b"<svg" in kept
    assert image.mode == "RGBA"
    assert image.getchannel("A").getpixel((0, 0)) == 0
    assert image.width > image.height
