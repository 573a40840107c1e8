"""Reading documents into lines: HTML (chrome pruned, structure kept), JSON-LD, markdown, plain
text (bullets, one-line pastes), PDF and DOCX, measured against ../shared/postings-dev."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.core.errors import BadPostingFile
from bot.core.postings.formats.plain import plain_lines
from bot.core.postings.reading import Document, RawLine, document_from_bytes, read_document, split_lines
from tests.documents import make_docx, make_pdf

DEV = Path(__file__).resolve().parents[3] / "shared" / "postings-dev"
TRUTH = yaml.safe_load((DEV / "truth.yaml").read_text()) if DEV.is_dir() else {}
HTML_FILES = sorted(name for name in TRUTH if name.endswith(".html"))
needs_dev = pytest.mark.skipif(not TRUTH, reason="../shared/postings-dev is not present")
NUMBER_WORDS = {n: w for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def _text(doc: Document) -> str:
    return " ".join(line.text for line in doc.lines)


def _amount_forms(amount: float, currency: str) -> list[str]:
    whole = int(amount)
    forms = [f"{whole:,}", str(whole), f"{amount:.2f}"]
    if whole >= 1000 and whole % 1000 == 0:
        forms.append(f"{whole // 1000}K")
    if currency == "INR":
        forms.append(f"{amount / 100000:g}")  # lakh per annum
    return forms


def _date_forms(iso: str) -> list[str]:
    day = dt.date.fromisoformat(iso)
    month = day.strftime("%B")
    return [iso, f"{month} {day.day}", f"{day.day} {month}", f"{day.month}/{day.day}/{day.year}",
            f"{day.month:02d}/{day.day:02d}/{day.year}", f"{month[:3]} {day.day}", f"{day.day} {month[:3]}"]


def _facts(truth: dict) -> list[tuple[str, list[str]]]:
    """Each fact of truth.yaml as the forms a posting may write it in (any one must be read)."""
    facts = [("company", [truth["company"]]), ("title", [truth["title"]])]
    facts += [("location", [loc.split(",")[0].split("(")[0].strip()]) for loc in truth["locations"]]
    if truth.get("pay"):
        facts += [("pay", _amount_forms(a, truth["pay"]["currency"])) for a in truth["pay"]["amounts"]]
    if truth.get("duration"):
        numbers = re.findall(r"\d+", str(truth["duration"]))
        facts += [("duration", [n, NUMBER_WORDS.get(int(n), n)]) for n in numbers]
    facts += [("start", _date_forms(d)) for d in truth.get("start_dates") or [] if re.fullmatch(r"\d{4}-\d\d-\d\d", d)]
    if truth.get("deadline"):
        facts.append(("deadline", _date_forms(truth["deadline"])))
    facts += [("tech", [name]) for name in truth.get("tech") or []]
    return facts


@needs_dev
@pytest.mark.parametrize("name", HTML_FILES)
def test_html_keeps_every_fact_line(name: str) -> None:
    """No fact-bearing line of a dev HTML posting is lost: company, title, places, pay, duration, dates, tech."""
    doc = read_document(DEV / name)
    text = _text(doc).lower()
    missing = [(key, forms[0]) for key, forms in _facts(TRUTH[name]) if not any(f.lower() in text for f in forms)]
    assert not missing, missing


CHROME = ["cookie", "powered by", "skip to", "sign in", "subscribe", "similar jobs", "apply now",
          "apply for this job", "all open roles", "privacy", "©", "first name", "search for jobs", "home page"]


@needs_dev
@pytest.mark.parametrize("name", HTML_FILES)
def test_html_drops_site_chrome(name: str) -> None:
    """Nav, footers, cookie banners, forms, buttons, breadcrumbs and 'similar jobs' never reach the lines."""
    text = _text(read_document(DEV / name)).lower()
    assert [phrase for phrase in CHROME if phrase in text] == []


@needs_dev
def test_html_block_structure() -> None:
    """Headings keep their level, li are bullets, br lines, dt/dd, label/value boxes and table rows are lines."""
    quill = read_document(DEV / "01_quillfeather-labs.html").lines
    assert quill[0] == RawLine("Machine Learning Engineer Intern, Recommendations", "heading", 1, 1)
    assert RawLine("Minimum qualifications", "heading", quill[12].line_no, 2) == quill[12]
    assert any(line.kind == "bullet" and line.text == "Comfortable writing SQL" for line in quill)
    assert any(line.text.startswith("Seattle, WA or San Francisco, CA · Hybrid") for line in quill)
    texts = {n: [line.text for line in read_document(DEV / n).lines] for n in HTML_FILES}
    assert "locations: Charlotte, NC" in texts["04_northgale-mutual.html"]
    assert "Location: London, UK" in texts["08_saltmarsh.html"]
    assert "Remote (US) · Internship · Summer 2026" in texts["07_ferrovia-compute.html"]
    assert "Start date: June 8, 2026" in texts["06_parabolic-health.html"]
    assert "Application deadline: 15 February 2026" in texts["05_kestrelwind-robotics.html"]
    kestrel = read_document(DEV / "05_kestrelwind-robotics.html").lines
    assert RawLine("Your profile", "para", kestrel[11].line_no, 0, True) == kestrel[11]
    assert any(line.kind == "bullet" and line.text == "Monthly salary of €2,100 (gross)" for line in kestrel)


@needs_dev
def test_html_table_of_parallel_lists_reads_by_column() -> None:
    """A Required | Preferred table becomes two headed lists, not rows mixing both."""
    lines = read_document(DEV / "06_parabolic-health.html").lines
    heads = [i for i, line in enumerate(lines) if line.kind == "heading" and line.text in {"Required", "Preferred"}]
    assert len(heads) == 2
    required = [line.text for line in lines[heads[0] + 1 : heads[1]]]
    assert "Working knowledge of Python and SQL" in required
    assert "Multi-GPU training with DeepSpeed" not in required
    assert lines[heads[1] + 2].text == "Multi-GPU training with DeepSpeed"


@needs_dev
def test_json_ld_job_posting_read_with_page_title() -> None:
    """A page's schema.org JobPosting is Document.structured; the readable name comes from it."""
    doc = read_document(DEV / "03_brightkelp-ai.html")
    assert doc.structured is not None and doc.structured["baseSalary"]["currency"] == "CAD"
    assert doc.source_name == "Research Intern, Vision-Language Models — Brightkelp AI"
    assert doc.page_title == "Brightkelp AI - Research Intern, Vision-Language Models"
    assert doc.source == str(DEV / "03_brightkelp-ai.html")
    assert read_document(DEV / "01_quillfeather-labs.html").structured is None


@pytest.mark.parametrize(
    "payload",
    [
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": "JobPosting", "title": "ML Intern"}]}',
        '[{"@type": "Organization", "name": "Acme"}, {"@type": ["JobPosting"], "title": "ML Intern"}]',
        '{"@type": "WebPage", "mainEntity": {"@type": "http://schema.org/JobPosting", "title": "ML Intern"}}',
    ],
)
def test_json_ld_found_when_nested(payload: str) -> None:
    """JobPosting is found in an @graph, a list, or as a page's mainEntity."""
    page = f'<html><head><script type="application/ld+json">{payload}</script></head><body><h1>ML Intern</h1></body></html>'
    doc = document_from_bytes(page.encode(), "text/html", "page.html")
    assert doc.structured is not None and doc.structured["title"] == "ML Intern"


def test_broken_json_ld_still_reads_the_page() -> None:
    """Unparseable JSON-LD is ignored; the page's text is still read."""
    page = '<html><head><script type="application/ld+json">{"@type": "JobPosting", </script></head><body><p>Hello world</p></body></html>'
    doc = document_from_bytes(page.encode(), "text/html", "page.html")
    assert doc.structured is None and [line.text for line in doc.lines] == ["Hello world"]


MARKDOWN = """Data Scientist, New Grad
========================

**Acme Corp** · Toronto, ON · [Hybrid](https://example.com/hybrid)
**Location:** Toronto

## Requirements ##

- SQL and *Python*
- Statistics

**Nice to have**

| | |
|---|---|
| Start | 2026-06-01 |
| Pay | CA$90,000 per year |

Setext two
----------
1. First
"""


def test_markdown_headings_bold_lines_tables_and_links() -> None:
    """Setext and closed-ATX headings keep levels; bold lines are flagged; links become text; tables are lines."""
    lines = split_lines(MARKDOWN, "md")
    by_text = {line.text: line for line in lines}
    assert by_text["Data Scientist, New Grad"].kind == "heading" and by_text["Data Scientist, New Grad"].level == 1
    assert by_text["Requirements"].level == 2 and by_text["Setext two"].level == 2
    assert by_text["Acme Corp · Toronto, ON · Hybrid"].bold is False
    assert by_text["Location: Toronto"].kind == "para"
    assert by_text["Nice to have"].bold and by_text["Nice to have"].kind == "para"
    assert by_text["SQL and Python"].kind == "bullet" and by_text["First"].kind == "bullet"
    assert "Start: 2026-06-01" in by_text and "Pay: CA$90,000 per year" in by_text


@pytest.mark.parametrize("marker", ["•", "-", "*", "o", "→", "▪", "–", "1.", "2)", "(a)", "●", "✓", "+"])
def test_plain_text_bullets(marker: str) -> None:
    """Every common bullet marker makes a bullet line with the marker removed."""
    lines = plain_lines(f"Requirements\n{marker} Strong Python skills\n")
    assert lines[1] == RawLine("Strong Python skills", "bullet", 2)


@pytest.mark.parametrize("text", ["2026 Summer internship", "o3 model evaluation", "-5% latency", "A. Smith, recruiter"])
def test_plain_text_not_bullets(text: str) -> None:
    """Numbers, words starting with o and signed numbers are not bullets."""
    assert plain_lines(text)[0].kind == "para"


@needs_dev
def test_one_line_paste_is_split_back() -> None:
    """A posting whose newlines were lost (a Discord option) gets most of its bullets back as lines."""
    total = recovered = 0
    for name in TRUTH:
        if name.endswith(".html"):
            continue
        original = read_document(DEV / name)
        flat = plain_lines(" ".join((DEV / name).read_text().split()))
        bullets = [line.text for line in original.lines if line.kind == "bullet"]
        found = {line.text for line in flat if line.kind == "bullet"}
        total += len(bullets)
        recovered += sum(1 for text in bullets if text in found)
        assert len(flat) > 5, name
    assert recovered / total >= 0.8, (recovered, total)


def test_one_line_paste_headings_and_labels() -> None:
    """ALL-CAPS headings and Label: runs start their own lines in a flattened posting."""
    text = ("ACME ROBOTICS ML Intern LOCATION: Austin, TX Pay: $40/hour ABOUT US We build robots for farms and "
            "warehouses across the whole country, every day of the year. " * 3)
    lines = [line.text for line in plain_lines(text)]
    assert "ABOUT US" in lines and "Pay: $40/hour" in lines and "LOCATION: Austin, TX" in lines


# ----- PDF and DOCX --------------------------------------------------------------------------------
PDF_PAGES = [
    ["# Machine Learning Intern, Vision", "Acme Robotics - Austin, TX (hybrid)", "",
     "** Responsibilities", "• Train detection models in PyTorch on camera and lidar data collected by our",
     "fleet of warehouse robots", "• Ship models to production"],
    ["# Qualifications", "- Pursuing a BS or MS in computer science", "Page 2 of 2"],
]


def test_pdf_lines_headings_and_wrapping() -> None:
    """PDF text layer: larger type is a heading, bold lines flagged, wrapped bullets joined, page numbers dropped."""
    doc = document_from_bytes(make_pdf(PDF_PAGES, title="ML Intern at Acme"), "application/pdf", "acme.pdf")
    texts = [line.text for line in doc.lines]
    assert doc.fmt == "pdf" and doc.source_name == "ML Intern at Acme"
    assert doc.lines[0].kind == "heading" and doc.lines[0].level == 1
    assert next(line for line in doc.lines if line.text == "Responsibilities").bold
    assert ("Train detection models in PyTorch on camera and lidar data collected by our fleet of warehouse robots"
            in texts)
    assert "Page 2 of 2" not in texts and "Pursuing a BS or MS in computer science" in texts


def test_pdf_without_text_layer_refused() -> None:
    """An image-only PDF is refused with the reason a user can act on."""
    with pytest.raises(BadPostingFile, match=r"^the PDF has no text layer \(a scanned image\?\)$"):
        document_from_bytes(make_pdf([[]]), "application/pdf", "scan.pdf")


@pytest.mark.parametrize(("data", "reason"), [(b"%PDF-1.4 nothing else", "the PDF cannot be read"),
                                               (b"PK\x03\x04 broken", "the DOCX file cannot be read")])
def test_broken_binary_documents_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    """A corrupt PDF or DOCX gets a one-line reason, not a traceback."""
    path = tmp_path / ("x.pdf" if data.startswith(b"%PDF") else "x.docx")
    path.write_bytes(data)
    with pytest.raises(BadPostingFile) as error:
        read_document(path)
    assert str(error.value).startswith(reason) and "\n" not in str(error.value)


def test_docx_headings_lists_bold_and_tables(tmp_path: Path) -> None:
    """DOCX: heading styles keep level, list paragraphs are bullets, bold runs flagged, tables read as rows."""
    path = tmp_path / "resume.docx"
    path.write_bytes(make_docx([("h1", "ML Intern"), ("para", "Acme · Austin, TX"), ("h2", "Requirements"),
                                ("bullet", "Strong Python"), ("bold", "Benefits"),
                                ("table", "Pay|$40/hour\nStart|June 1, 2026")], title="ML Intern - Acme"))
    doc = read_document(path)
    assert doc.fmt == "docx" and doc.source_name == "ML Intern - Acme"
    assert doc.lines[0] == RawLine("ML Intern", "heading", 1, 1)
    assert RawLine("Strong Python", "bullet", 4) in doc.lines
    assert next(line for line in doc.lines if line.text == "Benefits").bold
    assert [line.text for line in doc.lines[-2:]] == ["Pay: $40/hour", "Start: June 1, 2026"]


# ----- names, content types and encodings -----------------------------------------------------------
def test_source_name_is_readable(tmp_path: Path) -> None:
    """A readable file name is kept; a hashed one gives way to the first heading; a URL keeps its host/path."""
    named = tmp_path / "acme-ml-intern.md"
    named.write_text("# ML Intern\n\nText")
    hashed = tmp_path / "002_620cffb6dc942430.md"
    hashed.write_text("# ML Intern at Acme\n\nText")
    assert read_document(named).source_name == "acme-ml-intern.md"
    assert read_document(hashed).source_name == "ML Intern at Acme"
    assert document_from_bytes(b"<p>Hi there</p>", "text/html", "https://jobs.example.com/acme/1").source_name == (
        "jobs.example.com/acme/1"
    )


def test_content_types_and_charsets() -> None:
    """MIME types pick the reader; a declared charset decodes; an unsupported type is refused in one line."""
    page = "<html><body><p>Ingénieur ML, Paris</p></body></html>".encode("latin-1")
    doc = document_from_bytes(page, "text/html; charset=ISO-8859-1", "https://example.com/job")
    assert doc.lines[0].text == "Ingénieur ML, Paris" and doc.source == "https://example.com/job"
    assert document_from_bytes(b"# Title\n\n- item", "text/markdown", "x").lines[1].kind == "bullet"
    with pytest.raises(BadPostingFile, match="unsupported content type 'image/png'"):
        document_from_bytes(b"\x89PNG", "image/png", "x")


def test_single_page_app_read_from_its_json_ld_description() -> None:
    """A page rendered in the browser (an empty shell) is read from its JobPosting's description."""
    import json

    description = ("<p>Acme builds robots for farms across the Midwest and sells them to co-ops.</p>"
                   "<h3>Responsibilities</h3><ul><li>Train perception models in PyTorch for weed detection</li>"
                   "<li>Deploy them on Jetson devices in the field</li><li>Label data with agronomists</li></ul>"
                   "<h3>Requirements</h3><ul><li>Pursuing a BS or MS in computer science</li>"
                   "<li>Python and deep learning coursework</li></ul><p>Pay: $40 per hour in Des Moines, IA.</p>")
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "title": "ML Intern", "description": description}
    page = (f'<html><head><script type="application/ld+json">{json.dumps(posting)}</script></head>'
            '<body><div id="root">Loading…</div></body></html>')
    lines = document_from_bytes(page.encode(), "text/html", "https://jobs.example.com/1").lines
    assert any(line.text == "Requirements" and line.kind == "heading" and line.level == 3 for line in lines)
    assert any(line.kind == "bullet" and line.text == "Deploy them on Jetson devices in the field" for line in lines)


def test_hidden_chrome_dropped_but_collapsed_description_kept() -> None:
    """A hidden cookie dialog goes; a description hidden behind 'Show more' (most of the page) stays."""
    body = " ".join(["Build ranking models for search and recommendations at scale."] * 12)
    page = (f'<html><body><div hidden class="consent">We use cookies.</div><h1>ML Engineer</h1>'
            f'<div class="description" style="display: none"><p>{body}</p></div></body></html>')
    texts = [line.text for line in document_from_bytes(page.encode(), "text/html", "x.html").lines]
    assert texts == ["ML Engineer", body]


@pytest.mark.parametrize(("depth", "readable"), [(300, True), (5000, False)])
def test_deeply_nested_pages(depth: int, readable: bool) -> None:
    """Pages nested past libxml2's default 256 levels are read; absurd nesting gets a one-line reason."""
    page = "<html><body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body></html>"
    if readable:
        assert [line.text for line in document_from_bytes(page.encode(), "text/html", "x").lines] == ["deep text"]
    else:
        with pytest.raises(BadPostingFile, match="^the page is nested too deeply to read$"):
            document_from_bytes(page.encode(), "text/html", "x")


def test_utf16_text_and_word_symbol_bullets() -> None:
    """A UTF-16 file with a byte-order mark (Windows Notepad) reads; Word's Symbol-font bullets are bullets."""
    data = "Requirements\n\uf0b7 Strong Python\n\uf0a7 SQL\n".encode("utf-16")
    lines = document_from_bytes(data, "txt", "notes.txt").lines
    assert [(line.kind, line.text) for line in lines] == [("para", "Requirements"), ("bullet", "Strong Python"),
                                                          ("bullet", "SQL")]


def test_text_after_the_closing_html_tag_is_read() -> None:
    """Text appended after </html> is part of the page, as browsers show it."""
    page = b"<html><body><h1>ML Intern</h1><p>About</p></body></html>\nBonus: Experience with JAX."
    assert document_from_bytes(page, "text/html", "x").lines[-1].text == "Bonus: Experience with JAX."


def test_company_link_kept_action_links_dropped() -> None:
    """A company name that links to its page stays; Apply, Sign in and Share links go."""
    page = b"""<html><body><section class="top-card"><h1>Data Scientist Intern</h1>
    <a class="topcard__org-name-link" href="https://www.example.com/company/acme-robotics">Acme Robotics</a>
    <span>Seattle, WA</span><a href="https://www.example.com/jobs/123/apply">Apply</a>
    <a href="https://www.example.com/login?session_redirect=x">Sign in</a><a href="#">Share</a>
    <a class="btn" href="/save">Save job</a></section><p>Build churn models in Python.</p></body></html>"""
    texts = [line.text for line in document_from_bytes(page, "text/html", "x").lines]
    assert texts == ["Data Scientist Intern", "Acme Robotics · Seattle, WA", "Build churn models in Python."]


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p><span>We use </span><span>Python</span><span> daily.</span></p>", "We use Python daily."),
        ("<p>Strong <b>Python</b>\n<i>and</i> SQL</p>", "Strong Python and SQL"),
        ("<div><span>Remote (US)</span><span>Internship</span></div>", "Remote (US) · Internship"),
        ("<div><a href='/co/acme'>Acme</a>\n  <span>Berlin, Germany</span></div>", "Acme · Berlin, Germany"),
    ],
)
def test_inline_values_set_apart_but_prose_runs_joined(markup: str, text: str) -> None:
    """Value tags laid out apart become separate values; runs of a sentence stay one sentence."""
    page = f"<html><body>{markup}</body></html>".encode()
    assert [line.text for line in document_from_bytes(page, "text/html", "x").lines] == [text]


def test_size_limits_per_format() -> None:
    """Text up to 2 MB, HTML up to 5 MB (pages carry scripts and styles), PDF and DOCX up to 10 MB."""
    page = b"<html><body><h1>ML Intern</h1>" + b"<script>" + b"x" * (3 * 1024 * 1024) + b"</script></body></html>"
    assert [line.text for line in document_from_bytes(page, "text/html", "x").lines] == ["ML Intern"]
    with pytest.raises(BadPostingFile, match="TXT postings are limited to 2 MB"):
        document_from_bytes(b"ML Intern\n" + b"x" * (3 * 1024 * 1024), "text/plain", "x")
    with pytest.raises(BadPostingFile, match="HTML postings are limited to 5 MB"):
        document_from_bytes(b"<p>" + b"x" * (6 * 1024 * 1024), "text/html", "x")


def test_password_protected_pdf_refused() -> None:
    """An encrypted PDF that needs a password gets a one-line reason."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([["# ML Intern", "Acme"]]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(BadPostingFile, match="^the PDF is password-protected$"):
        document_from_bytes(out.getvalue(), "application/pdf", "locked.pdf")


@needs_dev
def test_markdown_pasted_flat_keeps_labels_and_headings() -> None:
    """Markdown pasted into one line: **Label:** runs and ## headings come back as lines, marks removed."""
    flat = " ".join((DEV / "09_orchard-lane.md").read_text().split())
    lines = plain_lines(flat)
    texts = [line.text for line in lines]
    assert lines[0].kind == "heading" and lines[0].text == "Machine Learning Engineer Intern, Ads Ranking"
    assert {"Company: Orchard Lane", "Location: Singapore", "Duration: 5–6 months"} <= set(texts)
    assert [line.text for line in lines if line.kind == "heading"][1:4] == ["About Orchard Lane", "The team",
                                                                         "What you will do"]
    assert not any("**" in text for text in texts)


@pytest.mark.parametrize("fmt", ["html", "txt"])
def test_byte_order_mark_then_nul_bytes_is_binary(fmt: str) -> None:
    """A UTF-16 byte-order mark followed by NUL characters is still a binary file."""
    with pytest.raises(BadPostingFile, match="binary"):
        document_from_bytes(b"\xff\xfe\x00\x00", fmt, "broken")
