"""The fonts Brandkit ships: open-licence families installed as Python packages (OFL or the
Bitstream Vera licence; each package carries its licence file), so a fresh install renders with
them. DejaVu, which matplotlib carries, is the fallback: it draws Latin, Greek, Cyrillic, Hebrew
and Arabic. The ids are fixed (a migration writes the same rows), so fontGroups stay valid."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class SystemFace:
    id: str
    package: str
    file: str
    family: str
    style: str
    weight: int
    classification: str

    @property
    def name(self) -> str:
        return self.family if self.style in ("Regular", "Book") else f"{self.family} {self.style}"


_FILES = "files"
_DEJAVU = "mpl-data/fonts/ttf"

SYSTEM_FACES: tuple[SystemFace, ...] = (
    SystemFace(
        "gtnT7o1Zong",
        "font_lato",
        f"{_FILES}/Lato-Regular.ttf",
        "Lato",
        "Regular",
        400,
        "sans-serif",
    ),
    SystemFace(
        "zObKjN-Lw5Q", "font_lato", f"{_FILES}/Lato-Bold.ttf", "Lato", "Bold", 700, "sans-serif"
    ),
    SystemFace(
        "JaSkCROo0lc", "font_lato", f"{_FILES}/Lato-Black.ttf", "Lato", "Black", 900, "sans-serif"
    ),
    SystemFace(
        "pGpn6EP_744", "font_lato", f"{_FILES}/Lato-Light.ttf", "Lato", "Light", 300, "sans-serif"
    ),
    SystemFace(
        "xuUvM9H_bmg",
        "font_roboto",
        f"{_FILES}/Roboto-Regular.ttf",
        "Roboto",
        "Regular",
        400,
        "sans-serif",
    ),
    SystemFace(
        "8VrT3eo5-eM",
        "font_roboto",
        f"{_FILES}/Roboto-Medium.ttf",
        "Roboto",
        "Medium",
        500,
        "sans-serif",
    ),
    SystemFace(
        "6UaWF03yEco",
        "font_roboto",
        f"{_FILES}/Roboto-Bold.ttf",
        "Roboto",
        "Bold",
        700,
        "sans-serif",
    ),
    SystemFace(
        "LWxyScXSyuk",
        "font_roboto",
        f"{_FILES}/Roboto-Black.ttf",
        "Roboto",
        "Black",
        900,
        "sans-serif",
    ),
    SystemFace(
        "XfH5kl5YajA",
        "font_roboto",
        f"{_FILES}/Roboto-Light.ttf",
        "Roboto",
        "Light",
        300,
        "sans-serif",
    ),
    SystemFace(
        "RXrwoAikn90",
        "font_source_sans_pro",
        f"{_FILES}/SourceSansPro-Regular.ttf",
        "Source Sans Pro",
        "Regular",
        400,
        "sans-serif",
    ),
    SystemFace(
        "nkUNWxCHu5U",
        "font_source_sans_pro",
        f"{_FILES}/SourceSansPro-Semibold.ttf",
        "Source Sans Pro",
        "Semibold",
        600,
        "sans-serif",
    ),
    SystemFace(
        "Gglx2Dq4ciU",
        "font_source_sans_pro",
        f"{_FILES}/SourceSansPro-Bold.ttf",
        "Source Sans Pro",
        "Bold",
        700,
        "sans-serif",
    ),
    SystemFace(
        "GyHLhe9YFpM",
        "font_source_sans_pro",
        f"{_FILES}/SourceSansPro-Light.ttf",
        "Source Sans Pro",
        "Light",
        300,
        "sans-serif",
    ),
    SystemFace(
        "RYICRE-JTZE",
        "font_source_serif_pro",
        f"{_FILES}/SourceSerifPro-Regular.ttf",
        "Source Serif Pro",
        "Regular",
        400,
        "serif",
    ),
    SystemFace(
        "d_KgXJHh3s0",
        "font_source_serif_pro",
        f"{_FILES}/SourceSerifPro-Semibold.ttf",
        "Source Serif Pro",
        "Semibold",
        600,
        "serif",
    ),
    SystemFace(
        "qx-Q-ZC2w2k",
        "font_source_serif_pro",
        f"{_FILES}/SourceSerifPro-Bold.ttf",
        "Source Serif Pro",
        "Bold",
        700,
        "serif",
    ),
    SystemFace(
        "MKyWTNGl3hw",
        "font_fjallaone",
        f"{_FILES}/FjallaOne-Regular.ttf",
        "Fjalla One",
        "Regular",
        400,
        "display",
    ),
    SystemFace(
        "eEN4plUbAPw",
        "font_rhd",
        f"{_FILES}/RedHatDisplay-Regular.ttf",
        "Red Hat Display",
        "Regular",
        400,
        "sans-serif",
    ),
    SystemFace(
        "DeX5DIpvlKQ",
        "font_rhd",
        f"{_FILES}/RedHatDisplay-Medium.ttf",
        "Red Hat Display",
        "Medium",
        500,
        "sans-serif",
    ),
    SystemFace(
        "odJ33BQCJrQ",
        "font_rhd",
        f"{_FILES}/RedHatDisplay-Bold.ttf",
        "Red Hat Display",
        "Bold",
        700,
        "sans-serif",
    ),
    SystemFace(
        "Mm-VoMvOupE",
        "font_rhd",
        f"{_FILES}/RedHatDisplay-Black.ttf",
        "Red Hat Display",
        "Black",
        900,
        "sans-serif",
    ),
    SystemFace(
        "aYgvB0GL2j8",
        "matplotlib",
        f"{_DEJAVU}/DejaVuSans.ttf",
        "DejaVu Sans",
        "Book",
        400,
        "sans-serif",
    ),
    SystemFace(
        "0kz3tDU56Ic",
        "matplotlib",
        f"{_DEJAVU}/DejaVuSans-Bold.ttf",
        "DejaVu Sans",
        "Bold",
        700,
        "sans-serif",
    ),
    SystemFace(
        "XhX1xDwlKxY",
        "matplotlib",
        f"{_DEJAVU}/DejaVuSerif.ttf",
        "DejaVu Serif",
        "Book",
        400,
        "serif",
    ),
    SystemFace(
        "iPt-cZTM9Ug",
        "matplotlib",
        f"{_DEJAVU}/DejaVuSerif-Bold.ttf",
        "DejaVu Serif",
        "Bold",
        700,
        "serif",
    ),
)

BY_ID = {face.id: face for face in SYSTEM_FACES}
FALLBACK_SANS = ("aYgvB0GL2j8", "0kz3tDU56Ic")
FALLBACK_SERIF = ("XhX1xDwlKxY", "iPt-cZTM9Ug")

# Heading, subHeading, body: the pairings the auto mode picks from.
PAIRINGS: tuple[tuple[str, str, str], ...] = (
    ("MKyWTNGl3hw", "zObKjN-Lw5Q", "gtnT7o1Zong"),  # Fjalla One / Lato Bold / Lato
    ("Mm-VoMvOupE", "DeX5DIpvlKQ", "eEN4plUbAPw"),  # Red Hat Display Black / Medium / Regular
    ("qx-Q-ZC2w2k", "nkUNWxCHu5U", "RXrwoAikn90"),  # Source Serif Bold / Source Sans
    ("LWxyScXSyuk", "8VrT3eo5-eM", "xuUvM9H_bmg"),  # Roboto Black / Medium / Regular
    ("JaSkCROo0lc", "zObKjN-Lw5Q", "gtnT7o1Zong"),  # Lato Black / Bold / Regular
)


@cache
def _package_dir(package: str) -> Path:
    # find_spec locates the package without importing it (matplotlib's import is slow).
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the font package {package!r} is not installed")
    return Path(spec.origin).parent


def face_path(face: SystemFace) -> Path:
    return _package_dir(face.package) / face.file
