"""Content checks: raster images decode as what they claim; SVGs are parsed safely and cleaned."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from brandkit.kit.errors import InvalidInput
from brandkit.media import content
from brandkit.media.content import check_file, clean_svg, sniff_extension
from tests.storage.samples import PILLOW_NAMES, SVG_WITH_SCRIPT, image_bytes


@pytest.mark.parametrize("ext", list(PILLOW_NAMES))
def test_each_raster_format_decodes_with_its_size(ext: str) -> None:
    checked = check_file(image_bytes(ext, (7, 5)), ext)
    assert (checked.width, checked.height) == (7, 5)
    assert sniff_extension(image_bytes(ext)) == ("jpeg" if ext == "jpg" else ext)


@pytest.mark.parametrize(
    ("data_ext", "claimed"), [("png", "jpeg"), ("jpeg", "png"), ("gif", "webp")]
)
def test_a_file_of_another_format_is_refused(data_ext: str, claimed: str) -> None:
    with pytest.raises(InvalidInput):
        check_file(image_bytes(data_ext), claimed)


def test_truncated_and_garbage_images_are_refused() -> None:
    with pytest.raises(InvalidInput):
        check_file(image_bytes("png", (64, 64))[:60], "png")
    with pytest.raises(InvalidInput):
        check_file(b"not an image", "jpeg")


def test_decompression_bombs_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "MAX_PIXELS", 100)
    with pytest.raises(InvalidInput, match="too many pixels"):
        check_file(image_bytes("png", (20, 20)), "png")
    # Pillow's own guard (twice MAX_IMAGE_PIXELS) is turned into the same refusal.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)
    with pytest.raises(InvalidInput, match="too many pixels"):
        check_file(image_bytes("gif", (20, 20)), "gif")


def test_svg_cleaning_removes_everything_active() -> None:
    cleaned, width, height = clean_svg(SVG_WITH_SCRIPT)
    text = cleaned.decode()
    for banned in ("script", "onload", "onclick", "javascript", "foreignObject", "evil.example"):
        assert banned not in text
    assert (width, height) == (40, 20)
    assert 'href="#dot"' in text


def test_svg_with_entities_or_a_dtd_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"""
    with pytest.raises(InvalidInput):
        clean_svg(bomb)
    external = b"""<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd">
    <svg xmlns="http://www.w3.org/2000/svg"/>"""
    with pytest.raises(InvalidInput):
        clean_svg(external)


def test_svg_smuggling_through_animation_and_css_is_removed() -> None:
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
      <style>@import url(https://evil.example/a.css);
        rect { fill: url('https://evil.example/p') }</style>
      <a><set attributeName="href" to="javascript:alert(1)"/><rect width="1" height="1"/></a>
      <image href="data:image/png;base64,iVBORw0KGgo="/>
      <image href="data:text/html;base64,PHNjcmlwdD4="/>
    </svg>"""
    text = clean_svg(svg)[0].decode()
    assert "evil.example" not in text
    assert "javascript" not in text
    assert "<set" not in text
    assert "data:image/png" in text
    assert "data:text/html" not in text


def test_not_svg_is_refused() -> None:
    with pytest.raises(InvalidInput):
        check_file(b"<html><body/></html>", "svg")
    with pytest.raises(InvalidInput):
        check_file(b"\x89PNG not xml", "svg")


def test_sniffing_svg_and_unknown() -> None:
    assert (
        sniff_extension(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>') == "svg"
    )
    assert sniff_extension(b"plain text") is None
    buf = io.BytesIO()
    Image.new("L", (2, 2)).save(buf, format="PNG")
    assert sniff_extension(buf.getvalue()) == "png"
