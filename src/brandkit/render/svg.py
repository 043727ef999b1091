"""Writing a document as SVG: the editable form the console's editor opens. Geometry, colours,
fonts and line positions are the document's own, so the SVG renders what the raster shows (a
test rasterises both and compares them)."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from brandkit.render.document import Document, ImageLayer, Layer, TextLayer


def _n(value: float) -> str:
    return f"{round(value, 2):g}"


def _image(layer: ImageLayer, href: str, defs: list[str]) -> str:
    x, y, w, h = round(layer["x"]), round(layer["y"]), round(layer["w"]), round(layer["h"])
    mode = "slice" if layer["fit"] == "cover" else "meet"
    clip = ""
    if layer["shape"] == "circle":
        defs.append(
            f'<clipPath id="clip-{layer["id"]}"><ellipse cx="{_n(x + w / 2)}" '
            f'cy="{_n(y + h / 2)}" rx="{_n(w / 2)}" ry="{_n(h / 2)}"/></clipPath>'
        )
        clip = f' clip-path="url(#clip-{layer["id"]})"'
    elif layer["radius"] > 0 or mode == "slice":
        defs.append(
            f'<clipPath id="clip-{layer["id"]}"><rect x="{x}" y="{y}" width="{w}" height="{h}" '
            f'rx="{_n(layer["radius"])}"/></clipPath>'
        )
        clip = f' clip-path="url(#clip-{layer["id"]})"'
    image = (
        f'<image id="{layer["id"]}" x="{x}" y="{y}" width="{w}" height="{h}" '
        f'preserveAspectRatio="{layer["align"]} {mode}" href={quoteattr(href)}{clip}'
    )
    if layer["tint"] is not None:
        defs.append(
            f'<filter id="tint-{layer["id"]}" x="0" y="0" width="1" height="1">'
            f'<feFlood flood-color="{layer["tint"]}"/>'
            '<feComposite in2="SourceAlpha" operator="in"/></filter>'
        )
        image += f' filter="url(#tint-{layer["id"]})"'
    return image + "/>"


def _text(layer: TextLayer, doc: Document) -> str:
    font = doc["fonts"][layer["font"]]
    family = font["family"].replace("'", "")
    attrs = (
        f'font-family="\'{family}\'" font-weight="{font["weight"]}" '
        f'font-style="{"italic" if font["italic"] else "normal"}" font-size="{layer["size"]}" '
        f'fill="{layer["color"]}" text-anchor="middle"'
    )
    if layer["direction"] == "rtl":
        attrs += ' direction="rtl"'
    # Right-to-left lines are wrapped in a right-to-left isolate (U+2067 ... U+2069): not every
    # SVG renderer takes the paragraph direction from the direction attribute.
    start, end = ("\u2067", "\u2069") if layer["direction"] == "rtl" else ("", "")
    lines = "".join(
        f'<text x="{_n(line["cx"])}" y="{_n(line["baseline"])}" xml:space="preserve">'
        f"{start}{escape(line['text'])}{end}</text>"
        for line in layer["lines"]
    )
    return (
        f'<g id="{layer["id"]}" data-block="{layer["block"]}" data-role="{layer["role"]}" '
        f"{attrs}>{lines}</g>"
    )


def _layer(layer: Layer, doc: Document, href: Callable[[str], str], defs: list[str]) -> str:
    if layer["kind"] == "rect":
        x, y, w, h = layer["x"], layer["y"], layer["w"], layer["h"]
        parts = []
        if layer["fill"] is not None:
            parts.append(
                f'<rect id="{layer["id"]}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" '
                f'height="{_n(h)}" rx="{_n(layer["radius"])}" fill="{layer["fill"]}" '
                f'fill-opacity="{_n(layer["opacity"])}"/>'
            )
        if layer["stroke"] is not None and layer["strokeWidth"] > 0:
            sw = layer["strokeWidth"]
            parts.append(
                f'<rect id="{layer["id"]}-stroke" x="{_n(x + sw / 2)}" y="{_n(y + sw / 2)}" '
                f'width="{_n(w - sw)}" height="{_n(h - sw)}" '
                f'rx="{_n(max(0.0, layer["radius"] - sw / 2))}" fill="none" '
                f'stroke="{layer["stroke"]}" stroke-width="{_n(sw)}" '
                f'stroke-opacity="{_n(layer["opacity"])}"/>'
            )
        return "".join(parts)
    if layer["kind"] == "ellipse":
        return (
            f'<ellipse id="{layer["id"]}" cx="{_n(layer["x"] + layer["w"] / 2)}" '
            f'cy="{_n(layer["y"] + layer["h"] / 2)}" rx="{_n(layer["w"] / 2)}" '
            f'ry="{_n(layer["h"] / 2)}" fill="{layer["fill"]}" '
            f'fill-opacity="{_n(layer["opacity"])}"/>'
        )
    if layer["kind"] == "gradient":
        ends = {
            "down": (0, 0, 0, 1),
            "up": (0, 1, 0, 0),
            "right": (0, 0, 1, 0),
            "left": (1, 0, 0, 0),
        }
        x1, y1, x2, y2 = ends[layer["direction"]]
        defs.append(
            f'<linearGradient id="grad-{layer["id"]}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}">'
            f'<stop offset="0" stop-color="{layer["color"]}" '
            f'stop-opacity="{_n(layer["fromOpacity"])}"/>'
            f'<stop offset="1" stop-color="{layer["color"]}" '
            f'stop-opacity="{_n(layer["toOpacity"])}"/></linearGradient>'
        )
        return (
            f'<rect id="{layer["id"]}" x="{_n(layer["x"])}" y="{_n(layer["y"])}" '
            f'width="{_n(layer["w"])}" height="{_n(layer["h"])}" '
            f'fill="url(#grad-{layer["id"]})"/>'
        )
    if layer["kind"] == "image":
        return _image(layer, href(layer["asset"]), defs)
    return _text(layer, doc)


def to_svg(
    doc: Document,
    href: Callable[[str], str],
    font_url: Callable[[str], str | None] | None = None,
) -> str:
    """``href`` names each image asset (a URL, or a data: URI); ``font_url`` each font face,
    for the @font-face rules a browser needs (renderers given the font files ignore them)."""
    canvas = doc["canvas"]
    width, height = canvas["width"], canvas["height"]
    defs: list[str] = []
    body = "".join(_layer(layer, doc, href, defs) for layer in doc["layers"])
    faces = []
    if font_url is not None:
        for face_id, font in doc["fonts"].items():
            url = font_url(face_id)
            if url:
                faces.append(
                    f"@font-face{{font-family:'{font['family']}';font-weight:{font['weight']};"
                    f"font-style:{'italic' if font['italic'] else 'normal'};src:url('{url}')}}"
                )
    style = f"<style>{escape(''.join(faces))}</style>" if faces else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-schema="{doc["schema"]}">'
        f"{style}<defs>{''.join(defs)}</defs>"
        f'<rect width="{width}" height="{height}" fill="{canvas["background"]}"/>{body}</svg>'
    )
