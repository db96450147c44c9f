"""Subset Noto fonts (SIL OFL 1.1) into toolkit/fonts/ for unionkit's languages and for the
scripts signatories' names are written in.

Source: Debian's `fonts-noto-core`, version 20201225 (`apt install fonts-noto-core`, or
`apt-get download fonts-noto-core && dpkg -x fonts-noto-core_*.deb DIR` and pass
DIR/usr/share/fonts/truetype/noto). Noto Sans and Noto Serif keep Latin (with the extended
blocks French and Kazakh Latin need), Greek, Cyrillic and Cyrillic Supplement (Russian,
Ukrainian, Kazakh), punctuation and common symbols; the script fonts (Arabic, Hebrew,
Devanagari, Bengali, Tamil, Georgian, Armenian, Thai; regular and bold) keep their script's
blocks. OpenType layout features are kept, hinting dropped. Chinese, Japanese and Korean are
left to the system's fonts: one weight of Noto Sans CJK is about 16 MB. Run
`python scripts/vendor_fonts.py [SOURCE]` after changing it.
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
# Script fonts: regular and bold, and the blocks each keeps (toolkit/fonts.py: SCRIPT_FONTS).
SCRIPT_STYLES = ("Regular", "Bold")
UNICODE_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0259, 0x0259),  # schwa, used in Kazakh Latin
    (0x02B9, 0x02DD),  # modifier letters: apostrophes, accents
    (0x0300, 0x036F),  # combining diacritics
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x1F00, 0x1FFF),  # Greek Extended
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


# What a run of another script shares with its neighbours: spaces, joiners and direction
# marks, the dotted circle shown under a lone combining mark.
SHARED = [(0x0020, 0x0020), (0x00A0, 0x00A0), (0x200C, 0x200F), (0x25CC, 0x25CC)]


def subset_font(source: Path, target: Path, ranges: list[tuple[int, int]]) -> None:
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
    subsetter.populate(unicodes=[code for start, end in ranges for code in range(start, end + 1)])
    subsetter.subset(font)
    font.save(str(target))


def main() -> None:
    from toolkit.fonts import SCRIPT_FONTS

    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    TARGET.mkdir(exist_ok=True)
    jobs = [(f"{family}-{style}.ttf", UNICODE_RANGES) for family in FAMILIES for style in STYLES]
    for stem, ranges in SCRIPT_FONTS.items():
        jobs += [(f"{stem}-{style}.ttf", ranges + SHARED) for style in SCRIPT_STYLES]
    for name, ranges in jobs:
        subset_font(source / name, TARGET / name, ranges)
        print(f"{TARGET / name}: {(TARGET / name).stat().st_size // 1024} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
