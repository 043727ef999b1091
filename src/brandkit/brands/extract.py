"""Reading a brand off its website (brand/extract): name, description, logo, colours and fonts
from the page's own markup and its same-site stylesheets. Rules, not a model: what the page
declares (og:site_name, meta description, icons, og:image, theme-color, CSS font-family) first,
the most used CSS colours after."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})")
_FAMILY = re.compile(r"font-family\s*:\s*([^;}{]+)", re.I)
_GENERIC = {
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "inherit",
    "initial",
    "ui-sans-serif",
    "ui-serif",
    "-apple-system",
    "blinkmacsystemfont",
}
_MAX_STYLESHEETS = 3
_MAX_COLORS = 5


@dataclass
class Page:
    title: str = ""
    site_name: str = ""
    description: str = ""
    theme_color: str = ""
    icons: list[tuple[int, str]] = field(default_factory=list)
    og_image: str = ""
    stylesheets: list[str] = field(default_factory=list)
    css: list[str] = field(default_factory=list)
    inline_styles: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_title = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "title":
            self._in_title = True
        elif tag == "style":
            self._in_style = True
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            content = a.get("content", "").strip()
            if key == "og:site_name":
                self.page.site_name = content
            elif key in ("description", "og:description") and not self.page.description:
                self.page.description = content
            elif key == "theme-color":
                self.page.theme_color = content
            elif key == "og:image" and not self.page.og_image:
                self.page.og_image = content
        elif tag == "link":
            rel = a.get("rel", "").lower()
            href = a.get("href", "")
            if "stylesheet" in rel and href:
                self.page.stylesheets.append(href)
            elif "icon" in rel and href:
                sizes = a.get("sizes", "")
                size = max((int(n) for n in re.findall(r"(\d+)x\d+", sizes)), default=0)
                # An apple-touch icon is large and square: the best logo a page usually gives.
                self.page.icons.append((size + (180 if "apple-touch" in rel else 0), href))
        if "style" in a:
            self.page.inline_styles.append(a["style"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        elif self._in_style:
            self.page.css.append(data)


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return parser.page


def same_site(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    if urlsplit(url).hostname != urlsplit(base).hostname:
        return None
    return url


def _hex(value: str) -> str | None:
    match = _HEX.fullmatch(value.strip())
    if match:
        digits = value.strip()[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits.upper()
    rgb = _RGB.match(value.strip())
    if rgb and all(int(g) <= 255 for g in rgb.groups()):
        return "#" + "".join(f"{int(g):02X}" for g in rgb.groups())
    return None


def _is_neutral(color: str) -> bool:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return max(r, g, b) - min(r, g, b) < 16


def colors(page: Page, css: list[str]) -> list[str]:
    found: Counter[str] = Counter()
    for text in [*css, *page.css, *page.inline_styles]:
        for raw in _HEX.findall(text):
            color = _hex(raw)
            if color:
                found[color] += 1
        for match in _RGB.finditer(text):
            color = _hex(match.group(0))
            if color:
                found[color] += 1
    out: list[str] = []
    theme = _hex(page.theme_color) if page.theme_color else None
    if theme:
        out.append(theme)
    # Greys, black and white are everywhere: the brand's colours are the saturated ones.
    for color, _ in found.most_common():
        if color not in out and not _is_neutral(color):
            out.append(color)
        if len(out) >= _MAX_COLORS:
            break
    return out


def families(page: Page, css: list[str]) -> list[str]:
    found: Counter[str] = Counter()
    for text in [*css, *page.css, *page.inline_styles]:
        for declared in _FAMILY.findall(text):
            for name in declared.split(","):
                clean = name.strip().strip("'\"").strip()
                if clean and clean.lower() not in _GENERIC and not clean.startswith("var("):
                    found[clean] += 1
    return [name for name, _ in found.most_common()]


def logo(page: Page, base: str) -> str | None:
    if page.icons:
        return urljoin(base, max(page.icons)[1])
    if page.og_image:
        return urljoin(base, page.og_image)
    return None


def name_of(page: Page, url: str) -> str:
    if page.site_name:
        return page.site_name
    title = page.title.strip()
    for sep in (" | ", " - ", " \u2013 ", " \u2014 ", ": "):
        if sep in title:
            title = title.split(sep)[0]
    return title or (urlsplit(url).hostname or url).removeprefix("www.")


__all__ = ["_MAX_STYLESHEETS", "colors", "families", "logo", "name_of", "parse", "same_site"]
