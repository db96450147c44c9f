"""A leaflet as organisers write it, built for every paper and printer, and checked the way a
person (or a print shop) would: rendered to pixels, opened in LibreOffice, scanned, measured."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from tests.conftest import Run, docx_text, pdf_text, run_cli, squash
from tests.print_inputs import BACK, LINK, campaign_folder, rally
from toolkit.render.impose import plan_layout

MM = 72 / 25.4
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PROFILE = Path(__file__).resolve().parent.parent / "toolkit" / "icc" / "ISOcoated_v2_300_bas.icc"
SHOP = "print:\n  bleed: 3mm\n  crop_marks: true\n"
# Every size and orientation, built in both formats; LibreOffice opens these.
PAPERS = {
    "a4": rally("A4"),
    "a4-landscape": rally("A4", "landscape"),
    "a5": rally("A5"),
    "a5-landscape": rally("A5", "landscape"),
    "a6": rally("A6"),
    "a6-landscape": rally("A6", "landscape"),
    "a5-double": rally("A5", extra=BACK),
}
# For printers: copies on office sheets, and print-shop files.
PRINTS = {
    "a5-2up": rally("A5", per_sheet=2),
    "a6-4up-double": rally("A6", per_sheet=4, extra=BACK),
    "a5-shop": rally("A5", extra=SHOP),
    "a5-x1a": rally("A5", extra=SHOP + "  pdf_variant: pdf/x-1a\n"),
    "a5-x3": rally("A5", extra=SHOP + "  pdf_variant: pdf/x-3\n"),
    "a5-x4": rally("A5", extra=SHOP + "  pdf_variant: pdf/x-4\n"),
}
LEGIBLE_BODY = {"A4": 9.0, "A5": 8.0, "A6": 6.5}
# One worker builds everything once (the fixtures are per module and per worker).
pytestmark = pytest.mark.xdist_group("print")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every variant built once: papers as PDF and DOCX, prints as PDF."""
    root = tmp_path_factory.mktemp("print")
    folder = campaign_folder(root / "leaflets")
    for name, text in {**PAPERS, **PRINTS}.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    papers, prints = root / "papers", root / "prints"
    runs = (
        run_cli("build", *(folder / f"{name}.yaml" for name in PAPERS), "-o", papers),
        run_cli("build", *(folder / f"{name}.yaml" for name in PRINTS), "-o", prints, "-f", "pdf"),
    )
    return {"papers": papers, "prints": prints, "runs": runs, "photo": folder / "photo.jpg"}


def pdf(built: dict[str, Any], name: str) -> Path:
    folder = built["papers"] if name in PAPERS else built["prints"]
    return Path(folder) / f"{name}.pdf"


def render(path: Path, page: int = 0, dpi: int = 150) -> Any:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return document[page].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


# -- it fits -----------------------------------------------------------------------------------
def test_the_realistic_leaflet_builds_at_every_size_single_and_imposed(
    built: dict[str, Any],
) -> None:
    papers, prints = built["runs"]
    assert papers.exit_code == 0, papers.stderr
    assert prints.exit_code == 0, prints.stderr
    assert "a6.yaml: leaflet, A6 portrait, fitted to its page at" in papers.stderr
    for name in [*PAPERS, *PRINTS]:
        reader = PdfReader(pdf(built, name))
        sides = 2 if "double" in name else 1
        assert len(reader.pages) == sides, name
        text = squash(pdf_text(pdf(built, name)))
        for words in (
            "Free the jailed oil workers",
            "125 Pall Mall",
            "Steve Hedley",
            "The right to strike and to organise",
            "Called by Justice",
        ):
            assert words in text, (name, words)
    double = squash(PdfReader(pdf(built, "a5-double")).pages[1].extract_text())
    assert "Why we demonstrate" in double and "Join us." in double


def _text_sizes(path: Path) -> list[tuple[str, float]]:
    """(font, size on the printed sheet in pt) of every piece of text, from the PDF."""
    sizes: list[tuple[str, float]] = []
    for page in PdfReader(path).pages:

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
            if text.strip() and font is not None:
                scale = (abs(cm[3] * tm[3] + cm[1] * tm[2])) or abs(cm[0] * tm[0])
                sizes.append((str(font.get("/BaseFont", "")), size * scale))

        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize(
    ("name", "size"),
    [("a5", "A5"), ("a6", "A6"), ("a5-2up", "A5"), ("a6-4up-double", "A6"), ("a4", "A4")],
)
def test_fitted_type_stays_legible_on_the_printed_sheet(
    built: dict[str, Any], name: str, size: str
) -> None:
    sizes = _text_sizes(pdf(built, name))
    body = [value for font, value in sizes if "Serif" in font]
    assert body and min(body) >= LEGIBLE_BODY[size] - 0.05, (name, min(body))
    assert min(value for _, value in sizes) >= 6.0 - 0.05, name
    headline = max(value for _, value in sizes)
    assert headline > 2 * min(body), "the headline is still the largest thing on the page"


# -- crop marks and bleed, looked at -----------------------------------------------------------
def _dark(picture: Any, x: float, y: float, across: str, dpi: int) -> bool:
    """Is there a dark, neutral stroke at (x, y) pt from the top left, within 2 px across?"""
    px, py = round(x * dpi / 72), round(y * dpi / 72)
    for d in range(-2, 3):
        point = (px + d, py) if across == "x" else (px, py + d)
        r, g, b = picture.getpixel(point)
        if max(r, g, b) < 150 and max(r, g, b) - min(r, g, b) < 40:
            return True
    return False


def _white(picture: Any, x: float, y: float, dpi: int) -> bool:
    px, py = round(x * dpi / 72), round(y * dpi / 72)
    return all(
        min(picture.getpixel((px + dx, py + dy))) > 235 for dx in (-2, 0, 2) for dy in (-2, 0, 2)
    )


def _check_marks(
    picture: Any,
    height: float,
    trims: list[tuple[float, float, float, float]],
    offset: float,
    dpi: int,
    clear: float,
) -> None:
    """Marks at both ends of every cut line, `offset` clear of the block, none inside; the
    paper white from `clear` (past any bleed) to the mark."""
    left = min(t[0] for t in trims)
    bottom = min(t[1] for t in trims)
    right = max(t[2] for t in trims)
    top = max(t[3] for t in trims)
    xs = {round(x, 1) for t in trims for x in (t[0], t[2])}
    ys = {round(y, 1) for t in trims for y in (t[1], t[3])}
    for x in xs:
        for outside in (top + offset + 2.5 * MM, bottom - offset - 2.5 * MM):
            assert _dark(picture, x, height - outside, "x", dpi), ("vertical mark", x)
        for gap in (top + clear, bottom - clear):
            assert _white(picture, x, height - gap, dpi), ("gap before the mark", x)
    for y in ys:
        for outside in (left - offset - 2.5 * MM, right + offset + 2.5 * MM):
            assert _dark(picture, outside, height - y, "y", dpi), ("horizontal mark", y)
        for gap in (left - clear, right + clear):
            assert _white(picture, gap, height - y, dpi), ("gap before the mark", y)
    # Inside the trims, along the cut lines, nothing in registration black.
    for x0, y0, x1, y1 in trims:
        for x, y in ((x0 + 1 * MM, y1 - 0.3 * MM), (x1 - 1 * MM, y0 + 0.3 * MM)):
            r, g, b = picture.getpixel((round(x * dpi / 72), round((height - y) * dpi / 72)))
            assert not (max(r, g, b) < 60), "a mark drawn inside the trim"


@pytest.mark.parametrize(("name", "copies"), [("a5-2up", 2), ("a6-4up-double", 4)])
def test_office_sheets_show_crop_marks_where_a_printer_can_print_them(
    built: dict[str, Any], name: str, copies: int
) -> None:
    dpi = 300
    path = pdf(built, name)
    sheet = PdfReader(path).pages[0]
    width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
    assert sorted((round(width / MM), round(height / MM))) == [210, 297]
    picture = render(path, dpi=dpi)
    copy = (148 * MM, 210 * MM) if name.startswith("a5") else (105 * MM, 148 * MM)
    layout = plan_layout(copy, copies)
    trims = layout.trims()
    _check_marks(picture, height, trims, 3 * MM, dpi, 2.5 * MM)
    # Nothing at all within 5 mm of the sheet's edge, which office printers cannot reach.
    edge = round(5 * MM * dpi / 72)
    strips = [
        (0, 0, picture.width, edge),
        (0, picture.height - edge, picture.width, picture.height),
        (0, 0, edge, picture.height),
        (picture.width - edge, 0, picture.width, picture.height),
    ]
    for box in strips:
        assert min(low for low, _ in picture.crop(box).getextrema()) > 240
    # Each copy's colour band starts at its trim: the copies are where the marks say.
    for x0, _, x1, y1 in trims:
        r, g, b = picture.getpixel(
            (round((x0 + x1) / 2 * dpi / 72), round((height - y1 + 1 * MM) * dpi / 72))
        )
        assert r > 150 and g < 80 and b < 80, "the band at the top of each copy"
    # Copies print at 6 pt or more: the smallest text on the sheet.
    assert min(size for _, size in _text_sizes(path)) >= 5.95


@pytest.mark.parametrize("name", ["a5-shop", "a5-x4"])
def test_print_shop_files_show_crop_marks_outside_the_bleed(
    built: dict[str, Any], name: str
) -> None:
    dpi = 300
    path = pdf(built, name)
    page = PdfReader(path).pages[0]
    media = page.mediabox
    trim, bleed = page.trimbox, page.bleedbox
    assert round(float(trim.width) / MM) == 148 and round(float(trim.height) / MM) == 210
    assert round((float(trim.left) - float(bleed.left)) / MM, 1) == 3.0
    box = tuple(
        float(v) - float(o)
        for v, o in zip(
            (trim.left, trim.bottom, trim.right, trim.top),
            (media.left, media.bottom, media.left, media.bottom),
            strict=True,
        )
    )
    picture = render(path, dpi=dpi)
    _check_marks(picture, float(media.height), [box], 4 * MM, dpi, 3.5 * MM)  # type: ignore[list-item]


def test_the_colour_band_runs_on_into_the_bleed(built: dict[str, Any]) -> None:
    dpi = 200
    path = pdf(built, "a5-shop")
    page = PdfReader(path).pages[0]
    media, trim = page.mediabox, page.trimbox
    picture = render(path, dpi=dpi)
    top = float(media.top) - float(trim.top)  # from the top of the picture to the trim
    middle = (float(trim.left) + float(trim.right)) / 2 - float(media.left)
    for into_bleed in (0.5, 1.5, 2.5):  # mm above the trim, inside the 3 mm bleed
        r, g, b = picture.getpixel(
            (round(middle * dpi / 72), round((top - into_bleed * MM) * dpi / 72))
        )
        assert r > 150 and g < 80 and b < 80, f"bleed {into_bleed} mm above the trim is {r, g, b}"
        x = float(trim.left) - float(media.left) - into_bleed * MM
        r, g, b = picture.getpixel((round(x * dpi / 72), round((top + 3 * MM) * dpi / 72)))
        assert r > 150 and g < 80 and b < 80, "the band runs into the side bleed too"


# -- double-sided -------------------------------------------------------------------------------
def test_a_double_sided_leaflet_imposes_backs_behind_fronts(built: dict[str, Any]) -> None:
    path = pdf(built, "a6-4up-double")
    reader = PdfReader(path)
    assert len(reader.pages) == 2, "a sheet of fronts and a sheet of backs"
    front_text = squash(reader.pages[0].extract_text())
    back_text = squash(reader.pages[1].extract_text())
    assert "Free the jailed oil workers" in front_text and "Why we demonstrate" not in front_text
    assert "Why we demonstrate" in back_text and "Steve Hedley" not in back_text
    dpi = 100
    height = float(reader.pages[0].mediabox.height)
    layout = plan_layout((105 * MM, 148 * MM), 4)
    front, back = render(path, 0, dpi), render(path, 1, dpi)
    width = float(reader.pages[0].mediabox.width)
    for (x0, _, x1, y1), (bx0, _, bx1, _) in zip(
        layout.trims(), layout.trims(mirrored=True), strict=True
    ):
        # Turned over about the long edge, a copy's back lands where its front was.
        assert (round(bx0, 1), round(bx1, 1)) == (round(width - x1, 1), round(width - x0, 1))
        for picture in (front, back):
            r, g, _ = picture.getpixel(
                (round((bx0 + bx1) / 2 * dpi / 72), round((height - y1 + 1 * MM) * dpi / 72))
            )
            assert r > 150 and g < 80, "a band at the top of every copy, front and back"
    _check_marks(render(path, 1, 300), height, layout.trims(mirrored=True), 3 * MM, 300, 2.5 * MM)


# -- PDF/X ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "header", "version"),
    [
        ("a5-x1a", "1.4", "PDF/X-1:2003"),
        ("a5-x3", "1.4", "PDF/X-3:2003"),
        ("a5-x4", "1.6", "PDF/X-4"),
    ],
)
def test_pdfx_files_meet_each_requirement_of_their_level(
    built: dict[str, Any], name: str, header: str, version: str
) -> None:
    path = pdf(built, name)
    assert path.read_bytes().startswith(f"%PDF-{header}".encode())
    reader = PdfReader(path)
    assert reader.trailer.get("/ID"), "a file identifier"
    assert not reader.is_encrypted
    info = reader.trailer["/Info"].get_object()
    assert info["/GTS_PDFXVersion"] == version
    if name == "a5-x1a":
        assert info["/GTS_PDFXConformance"] == "PDF/X-1a:2003"
    assert info["/Trapped"] == "/False" and info.get("/Title") and info.get("/CreationDate")
    (intent,) = reader.root_object["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "FOGRA39"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4 and profile.get_data() == PROFILE.read_bytes()
    assert profile.get_data()[12:20] == b"prtrCMYK", "an output profile for CMYK printing"
    if name == "a5-x4":
        xmp = reader.root_object["/Metadata"].get_object().get_data()
        for key in (
            b"pdfxid:GTS_PDFXVersion",
            b"xmpMM:DocumentID",
            b"xmpMM:VersionID",
            b"xmpMM:RenditionClass",
        ):
            assert key in xmp, key
    for page in reader.pages:
        media, bleed, trim = page.mediabox, page.bleedbox, page.trimbox
        assert "/TrimBox" in page and "/BleedBox" in page
        assert media.left <= bleed.left <= trim.left and trim.right <= bleed.right <= media.right
        assert media.bottom <= bleed.bottom <= trim.bottom and trim.top <= bleed.top <= media.top
        assert "/Annots" not in page, "no annotations on a print page"
        assert "/Group" not in page or name == "a5-x4", "no transparency group"
    objects = _all_objects(reader)
    for obj in objects:
        if isinstance(obj, dict):
            assert obj.get("/ColorSpace") not in ("/DeviceRGB",), "RGB left in a CMYK file"
            assert "/SMask" not in obj or obj["/SMask"] == "/None", "soft masks are transparency"
            for key in ("/CA", "/ca"):
                assert float(obj.get(key, 1)) == 1.0, "transparency"
            if obj.get("/Type") == "/FontDescriptor":
                assert any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                    "fonts embedded"
                )
    contents = b"".join(page.get_contents().get_data() for page in reader.pages)  # type: ignore[union-attr]
    assert not re.search(rb"\srg\s|\sRG\s", contents), "every colour is CMYK"
    assert len(objects) > 20
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _all_objects(reader: PdfReader) -> list[Any]:
    """Every object reachable from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: list[Any] = []
    seen: set[int] = set()
    todo: list[Any] = [reader.trailer]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
            found.append(item)
        if isinstance(item, DictionaryObject):
            todo.extend(value for key, value in item.items() if key != "/Parent")
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return found


# -- photos as people have them ---------------------------------------------------------------
def _upright(picture: Any) -> bool:
    """Sky (blue) above, ground (red) below, as the scene was shot."""
    picture = picture.convert("RGB")
    top = picture.getpixel((picture.width // 4, picture.height // 10))
    bottom = picture.getpixel((picture.width // 4, picture.height * 9 // 10))
    return picture.width > picture.height and top[2] > top[0] and bottom[0] > bottom[2]


def test_a_phone_photo_is_upright_and_downsampled_in_both_formats(built: dict[str, Any]) -> None:
    from PIL import Image

    photo = built["photo"]
    assert 4_000_000 <= photo.stat().st_size <= 6_000_000
    with Image.open(photo) as original:
        assert original.width * original.height >= 12_000_000
        assert original.getexif()[0x0112] == 6 and original.width < original.height
    page = PdfReader(pdf(built, "a5")).pages[0]
    pictures = [image.image for image in page.images]
    (photo_in_pdf,) = [p for p in pictures if p.width != p.height]  # the QR code is square
    assert _upright(photo_in_pdf)
    # 300 ppi at its largest printed size on A5 (the text width): under 1,600 pixels wide.
    assert photo_in_pdf.width <= 148 / 25.4 * 300 and photo_in_pdf.width >= 500
    document = docx.Document(str(built["papers"] / "a5.docx"))
    media = [
        part for part in document.part.package.parts if part.partname.startswith("/word/media/")
    ]
    photos = [Image.open(io.BytesIO(part.blob)) for part in media]
    (photo_in_docx,) = [p for p in photos if p.format == "JPEG"]
    assert _upright(photo_in_docx) and photo_in_docx.width == photo_in_pdf.width
    assert 0x0112 not in photo_in_docx.getexif(), "no EXIF (nor the phone's location) kept"
    assert (built["papers"] / "a5.docx").stat().st_size < 1_500_000


# -- the DOCX matches ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def libreoffice(built: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every paper's DOCX converted by LibreOffice, in one run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (apt install libreoffice-writer-nogui)")
    target = tmp_path_factory.mktemp("libreoffice")
    profile = (target / "profile").as_uri()
    files = [str(built["papers"] / f"{name}.docx") for name in PAPERS]
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(target),
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


@pytest.mark.parametrize("name", list(PAPERS))
def test_libreoffice_lays_the_docx_out_on_as_many_pages_as_the_pdf(
    built: dict[str, Any], libreoffice: Path, name: str
) -> None:
    import zxingcpp

    ours = len(PdfReader(pdf(built, name)).pages)
    converted = libreoffice / f"{name}.pdf"
    assert len(PdfReader(converted).pages) == ours, name
    page = PdfReader(converted).pages[0]
    width_mm = round(float(page.mediabox.width) / MM)
    assert width_mm == round(float(PdfReader(pdf(built, name)).pages[0].mediabox.width) / MM)
    codes = [result.text for result in zxingcpp.read_barcodes(render(converted, 0, 300))]
    assert codes == [LINK], "the QR code is whole and scans in LibreOffice's rendering"
    words = squash(docx_text(built["papers"] / f"{name}.docx"))
    assert "Steve Hedley" in words and "peopleandnature.wordpress.com" in words


def test_the_docx_carries_its_fonts(built: dict[str, Any]) -> None:
    import zipfile

    with zipfile.ZipFile(built["papers"] / "a5.docx") as package:
        fonts = [name for name in package.namelist() if name.startswith("word/fonts/")]
        table = package.read("word/fontTable.xml").decode()
    assert len(fonts) == 6 and "w:embedRegular" in table and 'w:name="Noto Serif"' in table


# -- check, build and preview agree -------------------------------------------------------------
def test_check_and_build_say_the_same_about_a_leaflet_that_cannot_fit(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    folder = campaign_folder(tmp_path / "over")
    body = "".join(
        f"  Paragraph {n}: the strike lasted seven months, for pay and a union.\n\n"
        for n in range(16)
    )
    text = rally("A6", per_sheet=4).replace("body: |\n", "body: |\n" + body, 1)
    source = folder / "over.yaml"
    source.write_text(text, encoding="utf-8")
    checked = cli("check", source)
    built_run = cli("build", source, "-o", tmp_path / "out")
    assert checked.exit_code == built_run.exit_code == 1
    message = [line for line in checked.stderr.splitlines() if "does not fit" in line]
    assert message and message[0] in built_run.stderr
    assert re.search(r"about \d+ lines \(\d+ words\) too many", message[0])
    assert "most room goes to body" in message[0]
    assert not (tmp_path / "out" / "over.pdf").exists()
    picture_path = tmp_path / "over.png"
    shown = cli("preview", source, "--dpi", "60", "-o", picture_path)
    assert shown.exit_code == 1 and message[0] in shown.stderr
    from PIL import Image

    with Image.open(picture_path) as picture:
        picture = picture.convert("RGB")
        rows = [
            y
            for y in range(picture.height)
            if all(picture.getpixel((x, y)) == (220, 20, 30) for x in range(0, picture.width, 7))
        ]
        assert rows, "a red band across the page where the text leaves it"
        assert picture.height * 0.6 < rows[0] < picture.height, "near the foot of the page"
