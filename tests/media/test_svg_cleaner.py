"""The allow-list SVG cleaner against the bypasses a block-list let through: CSS escapes,
image-set, CSS after child elements, url() in presentation attributes, animations targeting any
href spelling, and XHTML elements outside foreignObject. The drawing itself survives."""

from __future__ import annotations

import pytest

from brandkit.media.content import clean_svg

HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:h="http://www.w3.org/1999/xhtml" viewBox="0 0 100 100">'
)

BYPASSES = {
    "css escape in url": '<rect style="fill: \\75 rl(https://evil.example/a)" width="1"/>',
    "css escape in the function name": '<rect style="fill:u\\72l(//evil.example/a)"/>',
    "css comment splitting url": '<rect style="fill: url(/**/https://evil.example/a)"/>',
    "image-set": "<rect style=\"fill: image-set('https://evil.example/a.png' 1x)\"/>",
    "css after a child element": (
        "<style>rect { fill: red }<desc/>circle { fill: url(https://evil.example/c) }</style>"
    ),
    "css in a child of style": "<style><tspan>@import 'https://evil.example/i.css';</tspan></style>",
    "import with escapes": "<style>@\\69mport url(https://evil.example/i.css);</style>",
    "font-face": "<style>@font-face { font-family: x; src: url(https://evil.example/f) }</style>",
    "url in a presentation attribute": '<rect fill="url(https://evil.example/p)" width="2"/>',
    "url in filter and mask": (
        '<g filter="url(//evil.example/f#x)" mask="url(&quot;https://evil.example/m&quot;)"/>'
    ),
    "set on xlink:href": (
        '<a><set attributeName="xlink:href" to="javascript:evil()"/><text>x</text></a>'
    ),
    "animate on HREF": (
        '<a href="#in"><animate attributeName="HREF" values="javascript:evil()"/></a>'
    ),
    "set targeting an event": '<rect><set attributeName="onclick" to="evil()"/></rect>',
    "xhtml script outside foreignObject": "<h:script>evil()</h:script>",
    "xhtml iframe": '<g><h:iframe src="https://evil.example/frame"/></g>',
    "external use": '<use href="https://evil.example/sprite.svg#a"/>',
    "protocol-relative image": '<image href="//evil.example/t.png"/>',
    "xlink javascript": '<a xlink:href=" javascript:evil()"><rect/></a>',
    "data html": '<image href="data:text/html;base64,PHNjcmlwdD5ldmlsKCk8L3NjcmlwdD4="/>',
    "unknown element": "<handler>evil()</handler><listener/>",
    "event attribute in a namespace": '<rect xlink:onclick="evil()" width="3"/>',
    "css expression": '<rect style="fill: expression(evil())"/>',
    "css var smuggling": '<rect style="--x: url(https://evil.example/v); fill: var(--x)"/>',
}


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_a_known_bypass_is_closed(name: str) -> None:
    svg = (HEAD + BYPASSES[name] + "</svg>").encode()
    text = clean_svg(svg)[0].decode()
    lowered = text.lower()
    for banned in ("evil", "javascript", "script", "iframe", "@import", "@font-face", "<set"):
        assert banned not in lowered, (name, text)
    assert "<animate" not in lowered


def test_the_drawing_survives_the_cleaning() -> None:
    svg = (
        HEAD + '<defs><linearGradient id="g1"><stop offset="0" stop-color="#f00"/>'
        '<stop offset="1" stop-color="rgb(0, 0, 255)"/></linearGradient>'
        '<clipPath id="c"><circle cx="50" cy="50" r="40"/></clipPath></defs>'
        "<style>.title { font-family: 'Inter', sans-serif; font-weight: 700; fill: #123 }</style>"
        '<g transform="translate(10, 10) rotate(5)" clip-path="url(#c)">'
        '<rect width="80" height="40" rx="6" fill="url(#g1)" style="stroke: #000; '
        'stroke-width: 2; opacity: .9"/>'
        '<text class="title" x="5" y="30" text-anchor="start" xml:space="preserve">Hi</text>'
        '<use xlink:href="#c"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="4" height="4"/></g></svg>'
    ).encode()
    text = clean_svg(svg)[0].decode()
    for kept in (
        'id="g1"',
        'stop-color="rgb(0, 0, 255)"',
        'fill="url(#g1)"',
        'clip-path="url(#c)"',
        'transform="translate(10, 10) rotate(5)"',
        "stroke: #000; stroke-width: 2; opacity: .9",
        '.title { font-family: "Inter", sans-serif; font-weight: 700; fill: #123 }',
        ">Hi</text>",
        'href="#c"',
        "data:image/png;base64,",
    ):
        assert kept in text, (kept, text)
