"""Pictures made ready for print: turned upright, stripped of their metadata, and downsampled
to about 300 ppi at the largest size they print, once for both the PDF and the DOCX."""

from __future__ import annotations

import io
from pathlib import Path

from toolkit.cache import PICTURES

PRINT_PPI = 300
MM_PER_INCH = 25.4
JPEG_QUALITY = 88


def print_picture(path: Path, box_mm: tuple[float, float]) -> bytes | None:
    """A JPEG or PNG of the picture at `path`, upright (its EXIF orientation applied), without
    EXIF data (a phone photo's location stays on the phone), no larger than `box_mm` needs
    at 300 ppi. None for an SVG, which prints at any size as it is."""
    if path.suffix.lower() == ".svg":
        return None
    width = round(box_mm[0] / MM_PER_INCH * PRINT_PPI)
    height = round(box_mm[1] / MM_PER_INCH * PRINT_PPI)
    return PICTURES.for_file(path, lambda: _prepare(path, (width, height)), "print", width, height)


def _prepare(path: Path, limit: tuple[int, int]) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(path) as original:
        kind = original.format
        # A JPEG decodes at 1/2, 1/4 or 1/8 of its size almost for free: a 12-megapixel
        # photo never has to be decoded whole. The box is turned with the picture.
        if kind == "JPEG":
            turned = original.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            original.draft("RGB", limit[::-1] if turned else limit)
        picture = ImageOps.exif_transpose(original)
        picture.thumbnail(limit, Image.Resampling.LANCZOS)
        profile = original.info.get("icc_profile")
        if profile and picture.mode in ("RGB", "RGBA"):
            # Phones often shoot in Display P3: convert to sRGB, which every renderer assumes.
            from PIL import ImageCms

            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
                picture = (
                    ImageCms.profileToProfile(
                        picture, source, ImageCms.createProfile("sRGB"), outputMode=picture.mode
                    )
                    or picture
                )
            except (ImageCms.PyCMSError, OSError):
                pass  # a broken profile: the pixels as they are
        buffer = io.BytesIO()
        if kind == "JPEG":
            picture.convert("RGB").save(
                buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False
            )
        else:
            if picture.mode not in ("RGB", "RGBA", "L", "LA"):
                picture = picture.convert("RGBA")
            picture.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
