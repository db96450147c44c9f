"""An event organiser's story: a leaflet at the right size, copies to cut, a QR code that scans."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.conftest import Run, docx_text, pdf_text, squash

Write = Callable[[str, str], Path]
MM = 72 / 25.4
SIZES = {"A4": (210, 297), "A5": (148, 210), "A6": (105, 148)}
LINK = "https://peopleandnature.wordpress.com/kazakh-oil-workers/"


def leaflet(extra: str = "") -> str:
    return (
        "template: leaflet\nheadline: Free the oil workers\n"
        "events:\n  - date: 2013-12-16\n    time: '10:00'\n    venue: Foreign Office\n"
        f"link: {LINK}\n{extra}"
    )


def pictures(path: Path) -> int:
    """Pictures placed in a DOCX: in its body and in its headers and footers."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        stories = [
            n
            for n in package.namelist()
            if re.match(r"word/(document|footer\d*|header\d*)\.xml", n)
        ]
        return sum(package.read(name).count(b"<wp:inline") for name in stories)


def box_mm(box: object) -> tuple[float, float]:
    width = float(box.width) / MM  # type: ignore[attr-defined]
    height = float(box.height) / MM  # type: ignore[attr-defined]
    return round(width, 1), round(height, 1)


@pytest.mark.parametrize("size", ["A4", "A5", "A6"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a_single_leaflet_is_its_paper_size(
    cli: Callable[..., Run], write: Write, tmp_path: Path, size: str, orientation: str
) -> None:
    source = write("leaflet.yaml", leaflet(f"size: {size}\norientation: {orientation}\n"))
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    (page,) = PdfReader(tmp_path / "out" / "leaflet.pdf").pages
    width, height = SIZES[size]
    expected = (width, height) if orientation == "portrait" else (height, width)
    assert box_mm(page.mediabox) == pytest.approx(expected, abs=0.2)
    section = docx.Document(str(tmp_path / "out" / "leaflet.docx")).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == expected


def test_print_shop_output_has_exact_trim_and_bleed_boxes(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    extra = "size: A5\nprint:\n  bleed: 3mm\n  crop_marks: true\n"
    source = write("leaflet.yaml", leaflet(extra))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    (page,) = PdfReader(tmp_path / "out" / "leaflet.pdf").pages
    assert box_mm(page.trimbox) == pytest.approx((148, 210), abs=0.1)
    assert box_mm(page.bleedbox) == pytest.approx((154, 216), abs=0.1)
    media = box_mm(page.mediabox)
    assert media[0] > 154 and media[1] > 216, "crop marks sit outside the bleed"
    trim_left = float(page.trimbox.left) - float(page.bleedbox.left)
    assert trim_left / MM == pytest.approx(3, abs=0.05)


def test_a_pdf_standard_is_passed_to_weasyprint(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    source = write("leaflet.yaml", leaflet("print:\n  pdf_variant: pdf/a-3b\n"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    root = PdfReader(tmp_path / "out" / "leaflet.pdf").root_object
    assert "/OutputIntents" in root
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()


@pytest.mark.parametrize(("size", "copies"), [("A5", 2), ("A6", 4), ("A6", 2)])
def test_copies_are_imposed_on_one_a4_sheet_with_crop_marks(
    cli: Callable[..., Run], write: Write, tmp_path: Path, size: str, copies: int
) -> None:
    source = write("leaflet.yaml", leaflet(f"size: {size}\nper_sheet: {copies}\n"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    reader = PdfReader(tmp_path / "out" / "leaflet.pdf")
    (sheet,) = reader.pages
    assert sorted(box_mm(sheet.mediabox)) == pytest.approx([210, 297], abs=0.2)
    assert squash(sheet.extract_text()).count("Free the oil workers") == copies
    assert reader.metadata is not None and reader.metadata.title == "Free the oil workers"
    # Where the marks are, and that they show, is looked at in test_print.py.


def test_per_sheet_on_the_command_line_wins(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    source = write("leaflet.yaml", leaflet("size: A6\nper_sheet: 4\n"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf", "--per-sheet", "1")
    assert run.exit_code == 0, run.stderr
    (page,) = PdfReader(tmp_path / "out" / "leaflet.pdf").pages
    assert box_mm(page.mediabox) == pytest.approx((105, 148), abs=0.2)


def _decode_qr(pdf: Path) -> list[str]:
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        picture = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(picture)]


@pytest.mark.parametrize("size", ["A6", "A5"])
def test_the_qr_code_scans_to_the_link(
    cli: Callable[..., Run], write: Write, tmp_path: Path, size: str
) -> None:
    source = write("leaflet.yaml", leaflet(f"size: {size}\n"))
    assert cli("build", source, "-o", tmp_path / "out").exit_code == 0
    assert _decode_qr(tmp_path / "out" / "leaflet.pdf") == [LINK]
    printed = re.sub(r"[\s\-]", "", pdf_text(tmp_path / "out" / "leaflet.pdf"))
    assert re.sub(r"-", "", LINK.split("://")[1].rstrip("/")) in printed
    assert pictures(tmp_path / "out" / "leaflet.docx") == 1, "the QR code is a picture"


def test_the_example_flyers_carry_their_images_and_words(example_outputs: Path) -> None:
    built = example_outputs / "zhanaozen"
    for name, copies in (("film-flyer", 4), ("demo-leaflet", 2)):
        reader = PdfReader(built / f"{name}.pdf")
        text = squash(pdf_text(built / f"{name}.pdf"))
        word = squash(docx_text(built / f"{name}.docx"))
        # The demonstration leaflet is double-sided: a sheet of fronts, a sheet of backs.
        assert len(reader.pages) == (2 if name == "demo-leaflet" else 1)
        assert pictures(built / f"{name}.docx") >= 3, "logo, picture and QR code"
        # Words and how often each copy prints them.
        expected = (
            {"Unknown Tragedy": 1, "Wednesday 4 December 2013": 1, "Yulia Mazurova": 1}
            if name == "film-flyer"
            else {"Monday 16 December 2013": 2, "10:00": 1, "12:00": 1, "125 Pall Mall": 1}
        )
        for words, per_copy in expected.items():
            assert text.count(words) == copies * per_copy, words
            assert words in word
        if name == "film-flyer":
            # Embedded once, drawn in every copy.
            assert len(reader.pages[0].images) >= 1, "the still is embedded"
            assert "Charles Clore House, 17 Russell Square, London WC1" in word


@pytest.mark.parametrize(
    ("extra", "files", "expected"),
    [
        ("image: missing.png\n", {}, r":8: image: 'missing.png' not found"),
        ("image: notes.png\n", {"notes.png": b"just text"}, r":8: image: 'notes.png' is not a"),
        ("image: ../outside.png\n", {}, r":8: image: '../outside.png' lies outside"),
        ("image: http://example.org/x.png\n", {}, r":8: image: .* download it"),
        ("size: A3\n", {}, r":8: size: should be one of: A4, A5 or A6"),
        ("size: A4\nper_sheet: 2\n", {}, r":9: per_sheet: A4 fits 1 to an A4 sheet, not 2"),
        ("per_sheet: 2\nprint:\n  bleed: 3mm\n", {}, r":8: per_sheet: per_sheet is for"),
        ("print:\n  bleed: 3 inches\n", {}, r":9: print.bleed: write the bleed in millimetres"),
    ],
)
def test_bad_leaflets_are_clear_errors_and_others_still_build(
    cli: Callable[..., Run],
    write: Write,
    tmp_path: Path,
    extra: str,
    files: dict[str, bytes],
    expected: str,
) -> None:
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    folder = tmp_path / "doc"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    bad = write("doc/leaflet.yaml", leaflet(extra))
    good = write("doc/good.yaml", leaflet())
    run = cli("build", bad, good, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1 and run.exception is None
    assert "Traceback" not in run.stderr
    assert re.search(re.escape(str(bad)) + expected, run.stderr), run.stderr
    assert (tmp_path / "out" / "good.pdf").exists()
    assert not (tmp_path / "out" / "leaflet.pdf").exists()


def test_a_leaflet_that_overflows_its_page_says_so(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    body = "body: |\n" + "".join(f"  Paragraph {n} of a very long leaflet.\n\n" for n in range(60))
    source = write("leaflet.yaml", leaflet("size: A6\n" + body))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1
    assert "the leaflet's front does not fit at A6" in run.stderr
    assert re.search(r"about \d+ lines \(\d+ words\) too many", run.stderr)
