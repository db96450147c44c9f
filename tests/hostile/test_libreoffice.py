"""Every DOCX the hostile corpus makes, opened in LibreOffice while a web server on 127.0.0.1
listens: not one request (and a hand-made DOCX with a linked picture shows that a request
would be seen)."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile.test_corpus import CASES, OK, make_env

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="99" name="p"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData'
    ' uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic='
    '"http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="99"'
    ' name="p"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip xmlns:r="' + REL + '"'
    ' r:link="rIdControl"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
    '<a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/>'
    "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _seen(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    do_GET = do_HEAD = do_POST = do_OPTIONS = do_PROPFIND = _seen

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def listening() -> Iterator[tuple[int, list[str]]]:
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


def _with_linked_picture(source: Path, target: Path, port: int) -> None:
    """A copy of a DOCX with a picture Word and LibreOffice fetch from the web server."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    link = f"http://127.0.0.1:{port}/control.png"
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdControl" Type="{REL}/image" Target="{link}"'
        ' TargetMode="External"/></Relationships>',
    ).encode()
    document = parts["word/document.xml"].decode()
    parts["word/document.xml"] = document.replace("<w:body>", "<w:body>" + PICTURE, 1).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (apt install libreoffice-writer-nogui)",
)
def test_libreoffice_opens_every_docx_the_corpus_writes_without_a_request(
    tmp_path: Path, listening: tuple[int, list[str]]
) -> None:
    port, requests = listening
    made: list[Path] = []
    for name, setup in CASES.items():
        (tmp_path / name).mkdir()
        env = make_env(tmp_path / name)
        expect = setup(env)
        if expect.exit != OK or expect.args[0] != "build":
            continue
        run = run_cli(*expect.args)
        assert run.exit_code == 0, f"{name}: {run.stderr}"
        made += sorted(env.out.rglob("*.docx"))
    assert len(made) >= 20, f"only {len(made)} DOCX made"
    folder = tmp_path / "opened"
    folder.mkdir()
    files = []
    for number, path in enumerate(made):
        copy = folder / f"{number:03d}-{path.name}"
        shutil.copy(path, copy)
        files.append(copy)
    control = folder / "control.docx"
    _with_linked_picture(files[0], control, port)
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
         str(tmp_path / "pdf"), *map(str, files), str(control)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    converted = list((tmp_path / "pdf").glob("*.pdf"))
    assert len(converted) == len(files) + 1, result.stdout
    assert requests, "LibreOffice fetched nothing even for the control: the test cannot see"
    assert {request.split()[1] for request in requests} == {"/control.png"}, requests
