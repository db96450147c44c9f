"""The fonts unionkit ships (Noto, OFL): output never depends on the machine's fonts."""

from __future__ import annotations

import re
from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILIES = {"Noto Serif": "NotoSerif", "Noto Sans": "NotoSans"}
_FACES = {
    "Regular": ("normal", 400),
    "Bold": ("normal", 700),
    "Italic": ("italic", 400),
    "BoldItalic": ("italic", 700),
}
# Fonts for the scripts people's names are written in, by file stem, with the Unicode blocks
# each is used for. They join both families (`unicode-range`), so any template that names
# Noto Sans or Noto Serif draws an Arabic or Georgian name without knowing of them.
SCRIPT_FONTS: dict[str, list[tuple[int, int]]] = {
    "NotoSansArabic": [(0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                       (0xFE70, 0xFEFF)],
    "NotoSansHebrew": [(0x0590, 0x05FF), (0xFB1D, 0xFB4F)],
    "NotoSansDevanagari": [(0x0900, 0x097F), (0xA8E0, 0xA8FF)],
    "NotoSansBengali": [(0x0980, 0x09FF)],
    "NotoSansTamil": [(0x0B80, 0x0BFF)],
    "NotoSansGeorgian": [(0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F)],
    "NotoSansArmenian": [(0x0530, 0x058F), (0xFB13, 0xFB17)],
    "NotoSansThai": [(0x0E00, 0x0E7F)],
}  # fmt: skip


def font_files() -> list[Path]:
    """Every shipped font file."""
    files = [FONTS / f"{stem}-{face}.ttf" for stem in FAMILIES.values() for face in _FACES]
    return files + [FONTS / f"{stem}-{face}.ttf" for stem in SCRIPT_FONTS for face in _SCRIPT]


_SCRIPT = ("Regular", "Bold")


def font_face_css() -> str:
    """`@font-face` rules for every shipped face; templates just name the family."""
    rules = []
    for family, stem in FAMILIES.items():
        for face, (style, weight) in _FACES.items():
            url = (FONTS / f"{stem}-{face}.ttf").as_uri()
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-style: {style};'
                f' font-weight: {weight}; src: url("{url}"); }}'
            )
    # Each script font under its own name: Pango falls back to it for the characters the
    # family a template names lacks (a shared family name would merge them into one font).
    for stem in SCRIPT_FONTS:
        family = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", stem)
        for face in _SCRIPT:
            style, weight = _FACES[face]
            url = (FONTS / f"{stem}-{face}.ttf").as_uri()
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight};'
                f' src: url("{url}"); }}'
            )
    return "\n".join(rules)
