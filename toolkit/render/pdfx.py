"""Complete a WeasyPrint PDF/X file for a print shop's preflight: a CMYK output intent with its
ICC profile embedded, every colour and picture in CMYK for that profile, no transparency and
no annotations on the page, and the version keys each level asks for."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from toolkit.cache import PROFILES, read_file

PROFILE = Path(__file__).resolve().parent.parent / "icc" / "ISOcoated_v2_300_bas.icc"
# What the profile characterises, as registered with the ICC (the FOGRA39 data set).
CONDITION = {
    "identifier": "FOGRA39",
    "condition": "Offset printing, coated paper, ISO 12647-2:2004/Amd 1 (FOGRA39L)",
    "registry": "http://www.color.org",
    "info": "ISO Coated v2 300% (basICColor)",
}
# The version keys of each level (ISO 15930-4, -6 and -7); PDF/X-4 names itself in XMP.
VERSIONS = {
    "pdf/x-1a": ("PDF/X-1:2003", "PDF/X-1a:2003"),
    "pdf/x-3": ("PDF/X-3:2003", None),
    "pdf/x-4": ("PDF/X-4", None),
}
_NUMBER = re.compile(rb"^-?\d*\.?\d+$")


class PdfxError(ValueError):
    """Something in the file that the PDF/X level does not allow and unionkit cannot mend."""


def _transforms() -> tuple[Any, Any]:
    """sRGB → the press profile: relative colorimetric for flat colours (so the campaign
    colour stays the campaign colour), perceptual for photographs."""
    from PIL import ImageCms

    def build() -> tuple[Any, Any]:
        srgb = ImageCms.createProfile("sRGB")
        press = ImageCms.ImageCmsProfile(io.BytesIO(read_file(PROFILE)))
        flags = ImageCms.Flags.BLACKPOINTCOMPENSATION
        flat = ImageCms.buildTransform(
            srgb, press, "RGB", "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC, flags
        )
        photo = ImageCms.buildTransform(
            srgb, press, "RGB", "CMYK", ImageCms.Intent.PERCEPTUAL, flags
        )
        return flat, photo

    value: Any = PROFILES.for_file(PROFILE, build)
    return (value[0], value[1])


def cmyk_of(rgb: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """An sRGB colour (0-1) as CMYK (0-1) for the press. Greys are black ink alone, so
    text never needs four plates in register."""
    from PIL import Image, ImageCms

    r, g, b = rgb
    if max(rgb) - min(rgb) < 0.02:
        return (0.0, 0.0, 0.0, round(1.0 - (r + g + b) / 3, 4))
    pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in rgb))
    converted = ImageCms.applyTransform(pixel, _transforms()[0])
    assert converted is not None
    values = converted.getpixel((0, 0))
    assert isinstance(values, tuple)
    return tuple(round(v / 255, 4) for v in values)  # type: ignore[return-value]


def _convert_stream(data: bytes) -> bytes:
    """A content stream with every DeviceRGB colour operator made DeviceCMYK."""
    tokens = re.split(rb"(\s+)", data)
    out: list[bytes] = []
    operands: list[int] = []  # indexes in `out` of the numbers just before an operator
    for token in tokens:
        if token in (b"rg", b"RG") and len(operands) >= 3:
            *_, i, j, k = operands
            rgb = tuple(float(out[x]) for x in (i, j, k))
            c, m, y, black = cmyk_of(rgb)  # type: ignore[arg-type]
            out[i] = f"{c:g} {m:g}".encode()
            out[j] = f"{y:g}".encode()
            out[k] = f"{black:g}".encode()
            out.append(b"k" if token == b"rg" else b"K")
            operands = []
            continue
        out.append(token)
        if _NUMBER.match(token):
            operands.append(len(out) - 1)
        elif token.strip():
            operands = []
    return b"".join(out)


def _cmyk_image(stream: Any) -> Any:
    """An RGB picture (its soft mask laid on white) as a new CMYK JPEG image stream."""
    from PIL import Image, ImageCms
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        FloatObject,
        NameObject,
        NumberObject,
    )

    # pypdf lays the soft mask in as an alpha channel.
    picture = stream.decode_as_image().convert("RGBA")
    white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    flat = Image.alpha_composite(white, picture).convert("RGB")
    cmyk = ImageCms.applyTransform(flat, _transforms()[1])
    assert cmyk is not None
    buffer = io.BytesIO()
    cmyk.save(buffer, format="JPEG", quality=92)
    image = DecodedStreamObject()
    image._data = buffer.getvalue()
    for key, value in (
        ("/Type", NameObject("/XObject")),
        ("/Subtype", NameObject("/Image")),
        ("/Width", NumberObject(cmyk.width)),
        ("/Height", NumberObject(cmyk.height)),
        ("/Filter", NameObject("/DCTDecode")),
        ("/ColorSpace", NameObject("/DeviceCMYK")),
        ("/BitsPerComponent", NumberObject(8)),
        # Pillow writes CMYK JPEGs as Adobe does, with the values inverted.
        ("/Decode", ArrayObject(FloatObject(v) for v in (1, 0) * 4)),
    ):
        image[NameObject(key)] = value
    return image


def _resources(container: Any) -> Any:
    resources = container.get("/Resources")
    return resources.get_object() if resources is not None else None


def _convert_resources(resources: Any, seen: set[int], variant: str, writer: Any) -> None:
    """Pictures and forms used by a page (and forms inside forms)."""
    from pypdf.generic import NameObject

    if resources is None:
        return
    states = resources.get("/ExtGState")
    if states is not None:
        for state in states.get_object().values():
            state = state.get_object()
            soft = state.get("/SMask")
            alpha = [float(state.get(key, 1)) for key in ("/CA", "/ca")]
            transparent = (soft is not None and soft != "/None") or min(alpha) < 1
            if transparent and variant == "pdf/x-1a":
                raise PdfxError("PDF/X-1a allows no transparency: choose pdf/x-4")
    objects = resources.get("/XObject")
    if objects is None:
        return
    objects = objects.get_object()
    for name, reference in list(objects.items()):
        xobject = reference.get_object()
        key = id(xobject)
        if key in seen:
            continue
        seen.add(key)
        kind = xobject.get("/Subtype")
        if kind == "/Image":
            space = xobject.get("/ColorSpace")
            space = space.get_object() if space is not None else None
            rgb = space == "/DeviceRGB" or (isinstance(space, list) and space[0] == "/ICCBased")
            if rgb or xobject.get("/SMask") is not None:
                objects[NameObject(name)] = writer._add_object(_cmyk_image(xobject))
        elif kind == "/Form":
            xobject.set_data(_convert_stream(xobject.get_data()))
            group = xobject.get("/Group")
            if group is not None and variant != "pdf/x-4":
                del xobject[NameObject("/Group")]
            _convert_resources(_resources(xobject), seen, variant, writer)


def complete_pdfx(pdf: bytes, variant: str) -> bytes:
    """The PDF completed for `variant` (pdf/x-1a, pdf/x-3 or pdf/x-4)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    seen: set[int] = set()
    for page in writer.pages:
        contents = page.get_contents()
        if contents is not None:
            converted = DecodedStreamObject()
            converted.set_data(_convert_stream(contents.get_data()))
            page[NameObject("/Contents")] = writer._add_object(converted)
        _convert_resources(_resources(page), seen, variant, writer)
        # Links are for screens; PDF/X allows no annotation inside the bleed box.
        page.pop("/Annots", None)
        if variant != "pdf/x-4":
            page.pop("/Group", None)
        for box in ("/TrimBox", "/BleedBox"):
            if box not in page:
                page[NameObject(box)] = page.mediabox
    raw = DecodedStreamObject()
    raw.set_data(read_file(PROFILE))
    raw[NameObject("/N")] = NumberObject(4)
    profile = raw.flate_encode()
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFX"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(CONDITION["identifier"]),
            NameObject("/OutputCondition"): TextStringObject(CONDITION["condition"]),
            NameObject("/RegistryName"): TextStringObject(CONDITION["registry"]),
            NameObject("/Info"): TextStringObject(CONDITION["info"]),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    root = writer._root_object
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    version, conformance = VERSIONS[variant]
    info: Any = writer._info.get_object() if writer._info is not None else None
    if info is not None:
        info[NameObject("/GTS_PDFXVersion")] = TextStringObject(version)
        if conformance:
            info[NameObject("/GTS_PDFXConformance")] = TextStringObject(conformance)
        else:
            info.pop("/GTS_PDFXConformance", None)
        info[NameObject("/Trapped")] = NameObject("/False")
    _complete_xmp(root, variant)
    writer.pdf_header = reader.pdf_header
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _complete_xmp(root: Any, variant: str) -> None:
    """PDF/X-4 asks the XMP metadata for a document and version id and a rendition class."""
    import hashlib

    from pypdf.generic import NameObject

    metadata = root.get("/Metadata")
    if metadata is None or variant != "pdf/x-4":
        return
    stream = metadata.get_object()
    xml = stream.get_data().decode("utf-8")
    if "xmpMM:" in xml:
        return
    uuid = hashlib.sha256(xml.encode()).hexdigest()[:32]
    extra = (
        '<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
        f"<xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>"
        "<xmpMM:VersionID>1</xmpMM:VersionID>"
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"
        "</rdf:Description>"
    )
    xml = xml.replace("</rdf:RDF>", extra + "</rdf:RDF>", 1)
    stream.set_data(xml.encode("utf-8"))
    stream.pop(NameObject("/Filter"), None)
