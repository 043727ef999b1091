"""The layered document: the one truth a variant is. The SVG and the rasters are drawn from it,
the editor opens it, and the quality tests read its layers. Its JSON schema is versioned
(``schema``) and written up in docs/design-document.md."""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

SCHEMA = "brandkit.design/1"

Align = Literal["left", "center", "right"]
Direction = Literal["ltr", "rtl"]


class RectLayer(TypedDict):
    id: str
    kind: Literal["rect"]
    role: str
    x: float
    y: float
    w: float
    h: float
    fill: str | None
    opacity: float
    radius: float
    stroke: str | None
    strokeWidth: float


class EllipseLayer(TypedDict):
    id: str
    kind: Literal["ellipse"]
    role: str
    x: float
    y: float
    w: float
    h: float
    fill: str
    opacity: float


class GradientLayer(TypedDict):
    """A rect filled with one colour whose opacity runs from ``fromOpacity`` to ``toOpacity``
    in ``direction`` (the side the second stop is on)."""

    id: str
    kind: Literal["gradient"]
    role: str
    x: float
    y: float
    w: float
    h: float
    color: str
    fromOpacity: float
    toOpacity: float
    direction: Literal["down", "up", "left", "right"]


class ImageLayer(TypedDict):
    id: str
    kind: Literal["image"]
    role: Literal["image", "logo", "icon"]
    asset: str
    x: float
    y: float
    w: float
    h: float
    # cover fills the frame and crops what overflows; contain shows the whole image.
    fit: Literal["cover", "contain"]
    # SVG preserveAspectRatio alignment: where the image sits inside its frame.
    align: str
    shape: Literal["rect", "circle"]
    radius: float
    # Neutral logos are painted in one colour through their own alpha.
    tint: str | None


class TextLine(TypedDict):
    text: str
    # The line's centre and baseline: both renderers anchor text there.
    cx: float
    baseline: float
    width: float


class TextLayer(TypedDict):
    id: str
    kind: Literal["text"]
    role: str
    # The content block it sets, and the list item when the block is a list.
    block: str
    item: int | None
    text: str
    font: str
    size: int
    color: str
    align: Align
    direction: Direction
    x: float
    y: float
    w: float
    h: float
    lines: list[TextLine]


Layer = RectLayer | EllipseLayer | GradientLayer | ImageLayer | TextLayer


class Canvas(TypedDict):
    width: int
    height: int
    background: str


class AssetRef(TypedDict):
    key: str
    width: int
    height: int
    alpha: bool


class FontRef(TypedDict):
    family: str
    weight: int
    italic: bool


class Document(TypedDict):
    schema: str
    canvas: Canvas
    family: str
    seed: int
    option: int
    palette: dict[str, str]
    language: str
    direction: Direction
    layers: list[Layer]
    assets: dict[str, AssetRef]
    fonts: dict[str, FontRef]
    instructions: NotRequired[list[str]]


def json_schema() -> dict[str, object]:
    """The JSON Schema of the document, as docs/design-document.schema.json holds it."""
    from pydantic import TypeAdapter

    schema: dict[str, object] = TypeAdapter(Document).json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA, **schema}
