"""What a render is asked to make: the canvas, the content, the decoded assets' facts and the
style preferences. The generation domain builds it from a request."""

from __future__ import annotations

from dataclasses import dataclass, field

from brandkit.render.document import Direction


@dataclass(frozen=True)
class ImageInput:
    asset: str
    width: int
    height: int
    alpha: bool
    crop: bool | None = None
    remove_bg: bool | None = None
    touch: frozenset[str] = frozenset()

    @property
    def cutout(self) -> bool:
        # An image with real transparency is a cutout unless the caller says otherwise.
        return self.alpha and self.remove_bg is not False

    @property
    def contain(self) -> bool:
        return self.crop is False or self.cutout


@dataclass(frozen=True)
class LogoInput:
    asset: str
    width: int
    height: int
    styles: tuple[str, ...] = ("direct", "outline")
    touch: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IconInput:
    asset: str
    width: int
    height: int


@dataclass(frozen=True)
class Preferences:
    theme: tuple[str, ...] = ()
    frame_style: tuple[str, ...] = ()
    backdrop_style: tuple[str, ...] = ()
    focus: tuple[str, ...] = ()
    image_style: tuple[str, ...] = ()


@dataclass(frozen=True)
class DesignSpec:
    width: int
    height: int
    content: dict[str, str | list[str]]
    seed: int
    variants: int = 1
    images: tuple[ImageInput, ...] = ()
    logos: tuple[LogoInput, ...] = ()
    icons: tuple[IconInput, ...] = ()
    colors: tuple[str, ...] = ()
    # Face ids for heading, subHeading and body; None lets the engine pick a pairing.
    fonts: tuple[str, str, str] | None = None
    preferences: Preferences = field(default_factory=Preferences)
    language: str = "english"
    direction: Direction = "ltr"
    instructions: tuple[str, ...] = ()
