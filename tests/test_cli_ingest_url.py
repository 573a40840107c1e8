"""`prepbot ingest` with links, PDFs and DOCX files, end to end as a subprocess against a loopback
HTTP server (PREPBOT_FETCH_ALLOW_PRIVATE on only where a test reaches 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.documents import make_docx, make_pdf
from tests.test_cli import prepbot
from tests.webserver import LoopbackServer, running_server

ALLOW = {"PREPBOT_FETCH_ALLOW_PRIVATE": "true"}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-url-data")


def _roles(data_dir: Path) -> list[dict]:
    result = prepbot("roles", "--json", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_url_and_pdf_ingested_and_cited(server: LoopbackServer, data_dir: Path, tmp_path: Path) -> None:
    """An HTML link, a PDF link and PDF/DOCX files become roles; the link is the source the answers cite."""
    docx_path = tmp_path / "quarry-ml-intern.docx"
    docx_path.write_bytes(make_docx([
        ("h1", "Machine Learning Intern, Ore Grading"), ("para", "Quarrystone Mining · Perth, Australia · On-site"),
        ("h2", "About Quarrystone Mining"), ("para", "Quarrystone Mining runs open-pit mines in Western Australia."),
        ("h2", "Responsibilities"), ("bullet", "Train image models that grade ore on conveyor belts"),
        ("bullet", "Deploy models to edge devices at the mine"), ("h2", "Requirements"),
        ("bullet", "Pursuing a BS or MS in computer science or engineering"), ("bullet", "Experience with PyTorch"),
    ]))
    pdf_path = tmp_path / "heron-data-intern.pdf"
    pdf_path.write_bytes(make_pdf([[
        "# Data Science Intern, Fraud", "Heronfield Bank - Boston, MA (hybrid)", "** About Heronfield Bank",
        "Heronfield Bank is a regional bank serving two million customers in New England.",
        "** Responsibilities", "• Build fraud detection models in Python", "• Study card transaction patterns",
        "** Requirements", "• Pursuing a BS or MS in statistics or computer science", "• Strong SQL",
    ]]))
    html_url, pdf_url = server.url("/posting.html"), server.url("/chain/1").replace("/chain/1", "/posting.pdf")
    result = prepbot("ingest", html_url, pdf_url, str(pdf_path), str(docx_path), data_dir=data_dir, env=ALLOW)
    assert result.returncode == 0, result.stderr
    assert "roles added: 4" in result.stdout
    roles = {role["source"]: role for role in _roles(data_dir)}
    assert roles[html_url]["company"] == "Lindenbrook Energy"
    assert roles[html_url]["source_name"] == "Machine Learning Intern, Forecasting — Lindenbrook Energy"
    assert roles[pdf_url]["source_name"] == "Data Science Intern — Marlowe Power"
    assert roles[str(pdf_path)]["source_name"] == "heron-data-intern.pdf"
    assert roles[str(docx_path)]["title"].startswith("Machine Learning Intern, Ore Grading")
    answer = prepbot("ask", "--json", "--role", "lindenbrook", "how much does it pay?", data_dir=data_dir)
    assert answer.returncode == 0, answer.stderr
    reply = json.loads(answer.stdout)
    assert "$44" in reply["answer"] and {c["source"] for c in reply["citations"]} == {html_url}


def test_bad_links_change_nothing(server: LoopbackServer, data_dir: Path) -> None:
    """404, a 30 MB page, a binary file, a redirect loop and a PDF with no text each fail with one line;
    the roles indexed before are exactly the roles indexed after."""
    before = _roles(data_dir)
    bad = {
        "/missing": "the page answered HTTP 404 (Not Found)",
        "/huge": "the page is larger than the 5 MB limit (stopped reading at 5 MB)",
        "/binary": "the link is not an HTML page or a PDF (it is application/octet-stream)",
        "/loop-a": "the link redirects in a loop",
        "/scan.pdf": "the PDF has no text layer (a scanned image?)",
    }
    result = prepbot("ingest", *(server.url(path) for path in bad), data_dir=data_dir, env=ALLOW)
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed ")]
    assert len(failures) == len(bad), result.stderr
    for path, reason in bad.items():
        assert any(line.startswith(f"failed {server.url(path)}: {reason}") for line in failures), (path, failures)
    assert "roles added: 0" in result.stdout
    assert _roles(data_dir) == before


def test_private_addresses_refused_and_never_contacted(server: LoopbackServer, data_dir: Path) -> None:
    """With the allow setting off, 10.0.0.1 and the loopback server are refused before connecting:
    the server sees no request and nothing indexed changes."""
    before, seen = _roles(data_dir), list(server.requests)
    result = prepbot("ingest", "http://10.0.0.1/jobs/42", server.url("/posting.html"), data_dir=data_dir,
                     env={"PREPBOT_FETCH_ALLOW_PRIVATE": "false"})
    assert result.returncode == 1
    assert "failed http://10.0.0.1/jobs/42: refusing to fetch from 10.0.0.1: it is a private address" in result.stderr
    assert "refusing to fetch from 127.0.0.1: it is a loopback address" in result.stderr
    assert server.requests == seen
    assert _roles(data_dir) == before
