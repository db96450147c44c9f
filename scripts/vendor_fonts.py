"""Subset Noto Sans and Noto Serif (SIL OFL 1.1) into toolkit/fonts/ for unionkit's languages.

Source: Debian's `fonts-noto-core` (`apt install fonts-noto-core`), version 20201225.
The subset keeps Latin (with the extended blocks French and Kazakh Latin need), Cyrillic and
Cyrillic Supplement (Russian, Ukrainian, Kazakh), punctuation and common symbols, and the
OpenType layout features, and drops hinting. Run `make fonts` after changing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/noto")
TARGET = Path(__file__).resolve().parent.parent / "toolkit" / "fonts"
FAMILIES = ("NotoSerif", "NotoSans")
STYLES = ("Regular", "Bold", "Italic", "BoldItalic")
UNICODE_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0259, 0x0259),  # schwa, used in Kazakh Latin
    (0x02B9, 0x02DD),  # modifier letters: apostrophes, accents
    (0x0300, 0x036F),  # combining diacritics
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x206F),  # General Punctuation: dashes, quotes, hyphen, ellipsis
    (0x20A0, 0x20C0),  # currency: € ₽ ₴ ₸
    (0x2100, 0x215F),  # letterlike and number forms: № ™ ⅓
    (0x2190, 0x21FF),  # arrows
    (0x2212, 0x2212),  # minus
    (0x25A0, 0x25FF),  # geometric shapes: bullets
    (0xFB00, 0xFB06),  # ligatures
    (0xFEFF, 0xFEFF),
    (0xFFFD, 0xFFFD),  # replacement character
]


def subset_font(source: Path, target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["DSIG"]
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes=[code for start, end in UNICODE_RANGES for code in range(start, end + 1)]
    )
    subsetter.subset(font)
    font.save(str(target))


def main() -> None:
    TARGET.mkdir(exist_ok=True)
    for family in FAMILIES:
        for style in STYLES:
            name = f"{family}-{style}.ttf"
            subset_font(SOURCE / name, TARGET / name)
            print(f"{TARGET / name}: {(TARGET / name).stat().st_size // 1024} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
