"""The fonts unionkit ships (Noto Sans and Noto Serif, OFL): output never depends on the machine."""

from __future__ import annotations

from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILIES = {"Noto Serif": "NotoSerif", "Noto Sans": "NotoSans"}
_FACES = {
    "Regular": ("normal", 400),
    "Bold": ("normal", 700),
    "Italic": ("italic", 400),
    "BoldItalic": ("italic", 700),
}


def font_files() -> list[Path]:
    """Every shipped font file."""
    return [FONTS / f"{stem}-{face}.ttf" for stem in FAMILIES.values() for face in _FACES]


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
    return "\n".join(rules)
