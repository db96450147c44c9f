"""Which characters unionkit's fonts draw, which the machine's fonts draw, and a warning for
text that no font draws (so a name never vanishes into empty boxes unsaid)."""

from __future__ import annotations

import ctypes
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from toolkit.cache import memo
from toolkit.errors import Problem
from toolkit.fonts import FONTS

# The scripts the shipped fonts cover (scripts/vendor_fonts.py makes them).
SHIPPED_SCRIPTS = (
    "Latin", "Cyrillic", "Greek", "Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil",
    "Georgian", "Armenian", "Thai",
)  # fmt: skip
# Scripts the shipped fonts leave to the machine, with a letter of each to ask about.
SYSTEM_SCRIPTS = {
    "Chinese": "中",
    "Japanese": "あ",
    "Korean": "한",
    "Ethiopic": "አ",
    "Sinhala": "අ",
    "Khmer": "ក",
}
# Characters never worth a warning: spaces and marks that draw nothing.
_INVISIBLE_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me")


@memo(1)
def shipped_coverage() -> frozenset[int]:
    """Every character some shipped font draws."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in sorted(FONTS.glob("*.ttf")):
        with TTFont(str(path), lazy=True) as font:
            covered.update(font.getBestCmap())
    return frozenset(covered)


class _FcFontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


_FONTCONFIG_LOCK = threading.Lock()


@memo(1)
def _fontconfig() -> tuple[Any, Any] | None:
    """The fontconfig library and its configuration of the machine's fonts (as WeasyPrint
    loads it), or None where fontconfig cannot be loaded."""
    # Names only: ctypes.util.find_library would start ldconfig and a compiler to search.
    for name in ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        return None
    lib.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    lib.FcPatternCreate.restype = ctypes.c_void_p
    lib.FcCharSetCreate.restype = ctypes.c_void_p
    lib.FcCharSetAddChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.FcPatternAddCharSet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for function in ("FcFontSetDestroy", "FcObjectSetDestroy", "FcPatternDestroy",
                     "FcCharSetDestroy"):  # fmt: skip
        getattr(lib, function).argtypes = [ctypes.c_void_p]
    config = lib.FcInitLoadConfigAndFonts()
    return (lib, config) if config else None


@memo(4096)
def system_draws(character: str) -> bool:
    """Whether some font installed on the machine draws `character`."""
    loaded = _fontconfig()
    if loaded is None:
        return False
    lib, config = loaded
    with _FONTCONFIG_LOCK:
        pattern = lib.FcPatternCreate()
        charset = lib.FcCharSetCreate()
        try:
            lib.FcCharSetAddChar(charset, ord(character))
            lib.FcPatternAddCharSet(pattern, b"charset", charset)
            objects = lib.FcObjectSetBuild(b"family", None)
            fonts = lib.FcFontList(config, pattern, objects)
            found = bool(fonts) and fonts.contents.nfont > 0
            if fonts:
                lib.FcFontSetDestroy(fonts)
            lib.FcObjectSetDestroy(objects)
        finally:
            lib.FcCharSetDestroy(charset)
            lib.FcPatternDestroy(pattern)
    return found


def scripts_without_fonts() -> list[str]:
    """The scripts beyond the shipped ones for which the machine has no font at all."""
    return [script for script, letter in SYSTEM_SCRIPTS.items() if not system_draws(letter)]


_SCRIPT_NAMES = {"CJK": "Chinese", "HANGUL": "Korean", "HIRAGANA": "Japanese",
                 "KATAKANA": "Japanese"}  # fmt: skip


def script_of(character: str) -> str:
    """A script's name for a character, from its Unicode name ("Chinese", "Ethiopic")."""
    name = unicodedata.name(character, "")
    if not name:
        return f"U+{ord(character):04X}"
    first = name.split(" ")[0]
    return _SCRIPT_NAMES.get(first, first.title())


def undrawn(text: str) -> list[str]:
    """The characters of `text` that no shipped font draws, in order, once each."""
    covered = shipped_coverage()
    seen: dict[str, None] = {}
    for character in text:
        if (
            ord(character) not in covered
            and unicodedata.category(character) not in _INVISIBLE_CATEGORIES
        ):
            seen.setdefault(character)
    return list(seen)


PlacedText = tuple[Path | str, int | None, str, str]
"""(file, line, field path, text): a value that will be printed, and where it was written."""


def texts_of(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value in parsed YAML, with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from texts_of(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from texts_of(value, (*path, index))


def glyph_warnings(texts: Iterable[PlacedText]) -> list[Problem]:
    """A warning for each value with characters the shipped fonts lack: drawn from a system
    font (which the reader's Word may not have), or, where the machine has none, printed as
    empty boxes."""
    warnings = []
    for file, line, field, text in texts:
        missing = undrawn(text)
        if not missing:
            continue
        shown = "".join(missing[:12]) + ("…" if len(missing) > 12 else "")
        scripts = ", ".join(dict.fromkeys(script_of(c) for c in missing))
        boxes = [c for c in missing if not system_draws(c)]
        if boxes:
            message = (
                f"no font on this machine draws {''.join(boxes[:12])!r} ({scripts}): they"
                " print as empty boxes; install a font for them (`unionkit doctor` says which)"
            )
        else:
            message = (
                f"{shown!r} ({scripts}) is not in unionkit's fonts: drawn with a font from"
                " this machine, which other computers opening the DOCX may lack"
            )
        warnings.append(Problem(file, line, field, message, warning=True))
    return warnings
