"""A Kazakh, Russian, Ukrainian or French branch gets its own words, dates and letters."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.conftest import Run, docx_text, pdf_text, squash
from toolkit.fonts import SCRIPT_FONTS, font_files
from toolkit.messages import CATALOGUES, labels_for
from toolkit.model import LANGUAGES

DATES = {
    "en": "16 December 2013",
    "ru": "16 декабря 2013 г.",
    "kk": "2013 ж. 16 желтоқсан",
    "uk": "16 грудня 2013 р.",
    "fr": "16 décembre 2013",
}
EVERY_LETTER = (
    "Kazakh: Ә ә Ғ ғ Қ қ Ң ң Ө ө Ұ ұ Ү ү Һ һ І і. "
    "Ukrainian: Ї ї Є є Ґ ґ І і ʼ. "
    "Russian: Ё ё Й й Ъ ъ Ы ы Э э Ю ю Я я Щ щ Ж ж Ф ф. "
    "French: Œ œ Æ æ « » é è ê ë à â ç î ï ô û ù ü ÿ É È À Ç. "
    "Signs: № € ₽ ₴ ₸ – — … ‘ ’ “ ” „"
)


def _motion(language: str) -> str:
    return f"""
        template: resolution
        language: {language}
        title: Zhanaozen
        branch:
          name: Offshore-7
          union: RMT
          meeting_date: 2013-12-16
        notes:
          - Fact.
        believes:
          - View.
        resolves:
          - Action.
        send_to:
          - name: Campaign
        """


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Build the same motion in every language once: language -> (PDF text, DOCX text)."""
    import textwrap

    from tests.conftest import run_cli

    folder = tmp_path_factory.mktemp("languages")
    texts = {}
    for language in LANGUAGES:
        source = folder / f"{language}.yaml"
        source.write_text(textwrap.dedent(_motion(language)), encoding="utf-8")
        run = run_cli("build", source, "-o", folder / "out")
        assert run.exit_code == 0, run.stderr
        texts[language] = (
            squash(pdf_text(folder / "out" / f"{language}.pdf")),
            squash(docx_text(folder / "out" / f"{language}.docx")),
        )
    return texts


def test_every_catalogue_has_exactly_the_english_keys() -> None:
    assert sorted(p.stem for p in CATALOGUES.glob("*.yaml")) == sorted(LANGUAGES)
    english = set(labels_for("en"))
    for language in LANGUAGES:
        assert set(labels_for(language)) == english


@pytest.mark.parametrize("language", LANGUAGES)
def test_fixed_words_are_in_the_documents_language(
    built: dict[str, tuple[str, str]], language: str
) -> None:
    labels, english = labels_for(language), labels_for("en")
    keys = ("resolution", "branch", "union", "meeting_date", "notes", "believes", "resolves")
    keys += ("send_to", "proposed_by", "seconded_by", "chair_or_secretary", "date")
    for text in built[language]:
        flat = text.casefold()
        for key in keys:
            assert squash(labels[key]).casefold() in flat, f"{language}: {labels[key]!r} missing"
            if language != "en" and english[key].casefold() != labels[key].casefold():
                english_word = rf"\b{re.escape(english[key].casefold())}\b"
                assert not re.search(english_word, flat), f"{language}: English {english[key]!r}"
        assert DATES[language] in text


def test_every_letter_is_drawn_from_the_shipped_fonts(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    for font_file in font_files():
        if font_file.name.split("-")[0] in SCRIPT_FONTS:
            continue  # the fonts for other scripts' names
        cmap = TTFont(str(font_file)).getBestCmap()
        missing = {c for c in EVERY_LETTER if ord(c) not in cmap}
        assert not missing, f"{font_file.name} lacks {missing}"
    source = write(
        "letters.yaml",
        f"""
        template: resolution
        language: kk
        title: "{EVERY_LETTER}"
        intro: "*{EVERY_LETTER}*"
        resolves:
          - "**{EVERY_LETTER}**"
        """,
    )
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    reader = PdfReader(tmp_path / "out" / "letters.pdf")
    drawn: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert re.fullmatch(r"/[A-Z]{6}\+Noto-(Sans|Serif)(-\w+)?", str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"], "font is embedded"
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            chars = "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S))
            pairs = re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", chars)
            assert "beginbfrange" not in cmap
            assert not any(gid == "0000" for gid, _ in pairs), ".notdef drawn"
            drawn |= {bytes.fromhex(code).decode("utf-16-be") for _, code in pairs}
    letters = {c for c in EVERY_LETTER if not c.isspace()}
    assert letters <= drawn, f"not drawn: {letters - drawn}"


@pytest.mark.parametrize(
    ("language", "tag"),
    [("en", "en-GB"), ("ru", "ru-RU"), ("kk", "kk-KZ"), ("uk", "uk-UA"), ("fr", "fr-FR")],
)
def test_docx_and_pdf_carry_the_language(
    cli: Callable[..., Run],
    write: Callable[[str, str], Path],
    tmp_path: Path,
    language: str,
    tag: str,
) -> None:
    import textwrap

    source = write("motion.yaml", textwrap.dedent(_motion(language)))
    assert cli("build", source, "-o", tmp_path / "out").exit_code == 0
    document = docx.Document(str(tmp_path / "out" / "motion.docx"))
    styles = document.styles.element
    langs = styles.xpath("./w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")
    assert langs == [tag]
    assert document.core_properties.language == language
    fonts = styles.xpath(".//w:style[@w:styleId='Normal']//w:rFonts/@w:ascii")
    assert fonts == ["Noto Serif"]
    reader = PdfReader(tmp_path / "out" / "motion.pdf")
    assert reader.trailer["/Root"]["/Lang"] == language


def test_campaign_language_is_the_default(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    import textwrap

    write("campaign.yaml", "name: Кампания\nlanguage: ru\n")
    motion = textwrap.dedent(_motion("en")).replace("language: en\n", "campaign: campaign.yaml\n")
    source = write("motion.yaml", motion)
    assert cli("build", source, "-o", tmp_path / "out").exit_code == 0
    assert "Собрание постановляет" in docx_text(tmp_path / "out" / "motion.docx")


def test_an_unknown_language_names_the_five(
    cli: Callable[..., Run], write: Callable[[str, str], Path]
) -> None:
    import textwrap

    source = write("motion.yaml", textwrap.dedent(_motion("de")))
    run = cli("check", source)
    assert run.exit_code == 1
    assert re.search(r"motion\.yaml:2: language: .*en, ru, kk, uk,? (or )?fr", run.stderr), (
        run.stderr
    )


def test_letters_sheets_and_leaflets_speak_the_language_too(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    letter = write(
        "letter.yaml",
        "template: letter\nlanguage: ru\ndate: 2013-12-16\nsubject: Свободу нефтяникам\n"
        "body: Мы требуем освободить заключённых.\n"
        "signatories:\n  - name: Кирилл Соколов\n    group: Профсоюзы\n"
        "  - name: Айгерим Нурланқызы\n    group: Профсоюзы\n",
    )
    sheet = write("sheet.yaml", "template: sign-on-sheet\nlanguage: ru\nletter: letter.yaml\n")
    leaflet = write(
        "leaflet.yaml",
        "template: leaflet\nlanguage: kk\nheadline: Әділдік\n"
        "events:\n  - date: 2013-12-16\n    time: '10:00'\n",
    )
    run = cli("build", letter, sheet, leaflet, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    for suffix in ("pdf", "docx"):
        read = pdf_text if suffix == "pdf" else docx_text
        letter_text = squash(read(tmp_path / "out" / f"letter.{suffix}")).casefold()
        assert "открытое письмо" in letter_text and "16 декабря 2013 г." in letter_text
        assert "2 подписи" in letter_text and "профсоюзы (2 подписи)" in letter_text
        assert "с уважением," in letter_text and "yours sincerely" not in letter_text
        sheet_text = squash(read(tmp_path / "out" / f"sheet.{suffix}")).casefold()
        assert "лист для подписей" in sheet_text and "подпись" in sheet_text
        assert "signature" not in sheet_text and "organisation" not in sheet_text
        leaflet_text = squash(read(tmp_path / "out" / f"leaflet.{suffix}"))
        assert "2013 ж. 16 желтоқсан" in leaflet_text and "December" not in leaflet_text
