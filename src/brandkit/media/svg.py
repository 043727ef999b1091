"""The SVG cleaner: an allow-list of elements, attributes and CSS properties, so that a stored SVG
draws and does nothing else, and is safe to inline in a page (the console shows logos inline).

Everything not named here is dropped: elements of other namespaces (XHTML outside
foreignObject, which itself goes), animation elements (``set`` and ``animate`` can rewrite any
attribute, ``href`` included, whatever spelling they use), event handlers, and any reference that
leaves the document. CSS is read with a real tokenizer (tinycss2), so escapes (``\\75 rl(``),
comments and functions are seen as a browser sees them; only listed properties with values made
of plain tokens and ``url(#id)`` survive, in ``style`` attributes and ``<style>`` sheets alike.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import tinycss2
from tinycss2.ast import Declaration, FunctionBlock, Node, QualifiedRule, URLToken

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "a",
        "switch",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "linearGradient",
        "radialGradient",
        "stop",
        "pattern",
        "clipPath",
        "mask",
        "marker",
        "image",
        "style",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feConvolveMatrix",
        "feDiffuseLighting",
        "feDisplacementMap",
        "feDistantLight",
        "feDropShadow",
        "feFlood",
        "feFuncA",
        "feFuncB",
        "feFuncG",
        "feFuncR",
        "feGaussianBlur",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feOffset",
        "fePointLight",
        "feSpecularLighting",
        "feSpotLight",
        "feTile",
        "feTurbulence",
    ]
)

# Presentation attributes double as CSS properties (SVG 2), so one list serves both.
PRESENTATION = frozenset(
    [
        "alignment-baseline",
        "baseline-shift",
        "clip",
        "clip-path",
        "clip-rule",
        "color",
        "color-interpolation",
        "color-interpolation-filters",
        "direction",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "filter",
        "flood-color",
        "flood-opacity",
        "font",
        "font-family",
        "font-size",
        "font-size-adjust",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "glyph-orientation-horizontal",
        "glyph-orientation-vertical",
        "image-rendering",
        "letter-spacing",
        "lighting-color",
        "marker",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "mask-type",
        "mix-blend-mode",
        "opacity",
        "overflow",
        "paint-order",
        "pointer-events",
        "shape-rendering",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "text-rendering",
        "transform",
        "transform-origin",
        "unicode-bidi",
        "vector-effect",
        "visibility",
        "white-space",
        "word-spacing",
        "writing-mode",
        "isolation",
    ]
)

ATTRIBUTES = PRESENTATION | frozenset(
    [
        "id",
        "class",
        "style",
        "lang",
        "tabindex",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "fr",
        "width",
        "height",
        "viewBox",
        "preserveAspectRatio",
        "version",
        "baseProfile",
        "d",
        "points",
        "pathLength",
        "dx",
        "dy",
        "rotate",
        "textLength",
        "lengthAdjust",
        "startOffset",
        "method",
        "spacing",
        "side",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "offset",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "markerUnits",
        "markerWidth",
        "markerHeight",
        "orient",
        "refX",
        "refY",
        "filterUnits",
        "primitiveUnits",
        "in",
        "in2",
        "result",
        "mode",
        "values",
        "type",
        "operator",
        "k1",
        "k2",
        "k3",
        "k4",
        "stdDeviation",
        "edgeMode",
        "kernelMatrix",
        "kernelUnitLength",
        "order",
        "divisor",
        "bias",
        "targetX",
        "targetY",
        "preserveAlpha",
        "scale",
        "xChannelSelector",
        "yChannelSelector",
        "baseFrequency",
        "numOctaves",
        "seed",
        "stitchTiles",
        "radius",
        "surfaceScale",
        "diffuseConstant",
        "specularConstant",
        "specularExponent",
        "limitingConeAngle",
        "azimuth",
        "elevation",
        "pointsAtX",
        "pointsAtY",
        "pointsAtZ",
        "z",
        "tableValues",
        "slope",
        "intercept",
        "amplitude",
        "exponent",
        "requiredExtensions",
        "systemLanguage",
        "href",
    ]
)

# CSS functions a value may use; anything else (image-set, image, element, expression, var,
# env, attr...) drops the declaration. url() is checked on its own: same-document only.
CSS_FUNCTIONS = frozenset(
    [
        "rgb",
        "rgba",
        "hsl",
        "hsla",
        "hwb",
        "lab",
        "lch",
        "oklab",
        "oklch",
        "color",
        "calc",
        "min",
        "max",
        "clamp",
        "matrix",
        "matrix3d",
        "translate",
        "translatex",
        "translatey",
        "translate3d",
        "scale",
        "scalex",
        "scaley",
        "scale3d",
        "rotate",
        "rotatex",
        "rotatey",
        "rotatez",
        "rotate3d",
        "skew",
        "skewx",
        "skewy",
        "perspective",
    ]
)

_SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
_LOCAL_URL = re.compile(r"#[A-Za-z_][\w.:-]*\Z")


def clean(root: ET.Element) -> None:
    """Clean ``root`` (an ``<svg>``) in place."""
    _clean_attributes(root)
    _clean_children(root)


def _qualified(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _clean_children(element: ET.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str):  # comments and processing instructions
            _remove(element, child)
            continue
        namespace, name = _qualified(child.tag)
        if namespace != SVG_NS or name not in ELEMENTS:
            _remove(element, child)
            continue
        _clean_attributes(child)
        if name == "style":
            # The sheet is the element's whole text, child elements' text and tails included
            # (CSS after a child element is still CSS to a browser); children go.
            sheet = "".join(child.itertext())
            for grandchild in list(child):
                child.remove(grandchild)
            child.text = clean_stylesheet(sheet)
            continue
        _clean_children(child)


def _remove(parent: ET.Element, child: ET.Element) -> None:
    # Text that followed the removed element is kept where it was (it is plain text).
    tail = child.tail
    index = list(parent).index(child)
    parent.remove(child)
    if tail and tail.strip():
        if index == 0:
            parent.text = (parent.text or "") + tail
        else:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail


def _clean_attributes(element: ET.Element) -> None:
    for attribute in list(element.attrib):
        namespace, name = _qualified(attribute)
        value = element.attrib[attribute]
        keep = False
        if namespace in ("", XLINK_NS) and name == "href":
            keep = _internal_href(value)
        elif namespace == XML_NS and name in ("space", "lang"):
            keep = True
        elif namespace == "" and name in ATTRIBUTES:
            if name == "style":
                element.attrib[attribute] = clean_declarations(value)
                keep = True
            else:
                keep = _safe_attribute_value(value)
        if not keep:
            del element.attrib[attribute]


def _internal_href(value: str) -> bool:
    value = value.strip()
    return bool(_LOCAL_URL.match(value) or _SAFE_DATA_IMAGE.match(value))


def _safe_attribute_value(value: str) -> bool:
    """An attribute value is kept unless it reaches outside: a presentation attribute can hold
    ``url(...)`` (``fill="url(https://...)"``), read with CSS rules."""
    if "(" not in value and ":" not in value:
        return True
    return _safe_value(tinycss2.parse_component_value_list(value))


def clean_declarations(css: str) -> str:
    """A ``style`` attribute with only allowed properties and safe values."""
    kept = []
    for item in tinycss2.parse_declaration_list(css, skip_comments=True, skip_whitespace=True):
        if isinstance(item, Declaration) and _safe_declaration(item):
            value = tinycss2.serialize(item.value).strip()
            important = " !important" if item.important else ""
            kept.append(f"{item.lower_name}: {value}{important}")
    return "; ".join(kept)


def clean_stylesheet(css: str) -> str:
    """A ``<style>`` sheet with its at-rules dropped (``@import``, ``@font-face``...) and every
    rule's declarations cleaned as in ``clean_declarations``."""
    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if not isinstance(rule, QualifiedRule):
            continue
        if not _safe_value(rule.prelude):
            continue
        selector = tinycss2.serialize(rule.prelude).strip()
        body = clean_declarations(tinycss2.serialize(rule.content))
        if selector and body:
            out.append(f"{selector} {{ {body} }}")
    return "\n".join(out)


def _safe_declaration(declaration: Declaration) -> bool:
    return declaration.lower_name in PRESENTATION and _safe_value(declaration.value)


def _safe_value(tokens: list[Node]) -> bool:
    for token in tokens:
        if isinstance(token, URLToken):
            if not _LOCAL_URL.match(token.value):
                return False
        elif isinstance(token, FunctionBlock):
            if token.lower_name == "url":
                target = "".join(
                    getattr(arg, "value", "") for arg in token.arguments if arg.type == "string"
                )
                if not _LOCAL_URL.match(target):
                    return False
            elif token.lower_name not in CSS_FUNCTIONS or not _safe_value(token.arguments):
                return False
        elif token.type in ("() block", "[] block", "{} block"):
            if not _safe_value(token.content):
                return False
        elif token.type == "at-keyword" or token.type == "error":
            return False
    return True
