"""Parser: structured fields of every seed posting and of other layouts (markdown, HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import BadPostingFile
from bot.core.postings import load_posting, parse_posting
from tests.conftest import SEED_POSTINGS

SEEDS = {path.name[:3]: path for path in SEED_POSTINGS.iterdir()}


def seed(prefix: str):
    return load_posting(SEEDS[prefix])


@pytest.mark.parametrize(
    ("prefix", "title", "level", "pay", "location"),
    [
        ("000", "Machine Learning Engineer Intern (Recommendation)", "BS/MS", "$45 per hour", "Variable (US)"),
        (
            "001",
            "Machine Learning Scientist Intern - Global E-Commerce Content Recommendation",
            "PhD",
            "$57 per hour",
            "Seattle, United states",
        ),
        (
            "002",
            "Research Scientist Intern (TikTok Recommendation)",
            "PhD",
            "$60 per hour",
            "In-person, US-based (potential for Los Angeles, CA)",
        ),
        (
            "003",
            "Machine Learning Engineer Intern (TikTok Short Video Content Understanding/Multimodal Recommendation)",
            "BS/MS",
            None,
            "San Jose, California, United States",
        ),
    ],
)
def test_seed_fields(prefix: str, title: str, level: str, pay: str | None, location: str) -> None:
    """Every seed posting yields its title, level, pay and location."""
    posting = seed(prefix)
    assert posting.title == title
    assert posting.company == "TikTok"
    assert posting.level == level
    assert (posting.pay.describe() if posting.pay else None) == pay
    assert posting.location == location


def test_seed_logistics() -> None:
    """Duration, start dates, work mode, application limit and tech stack come with evidence lines."""
    multimodal, ecommerce = seed("003"), seed("001")
    assert multimodal.duration == "12 weeks"
    assert multimodal.start_dates == [
        "May 11th, 2026",
        "May 18th, 2026",
        "May 26th, 2026",
        "June 8th, 2026",
        "June 22nd, 2026",
    ]
    assert multimodal.work_mode == "on-site" and ecommerce.work_mode == "on-site"
    assert "maximum of two" in multimodal.application_limit
    assert {"Python", "C++", "PyTorch", "TensorFlow"} <= set(ecommerce.tech_stack)
    for name in ("pay", "start_dates", "tech_stack", "location"):
        for line in ecommerce.evidence[name]:
            assert line.text in Path(ecommerce.source).read_text()


def test_sections_follow_wording() -> None:
    """'The Must-Haves', 'Minimum Qualifications' and a 'Bonus:' bullet land in the right sections."""
    tldr, plain = seed("000"), seed("001")
    assert any(line.text.startswith("Background:") for line in tldr.section_lines("minimum_qualifications"))
    assert any(line.text.startswith("Bonus:") for line in tldr.section_lines("preferred_qualifications"))
    assert any("pursuing a PhD" in line.text for line in plain.section_lines("minimum_qualifications"))
    assert any("first-author" in line.text for line in plain.section_lines("preferred_qualifications"))
    assert any("Diffusion Models" in line.text for line in plain.section_lines("responsibilities"))


def test_repeated_paragraphs_count_once() -> None:
    """Seed 003 repeats its whole body; each paragraph is kept once."""
    posting = seed("003")
    texts = [line.text for line in posting.lines]
    assert len(texts) == len(set(texts))
    assert sum("Lead multimodal algorithm development" in text for text in texts) == 1


def test_role_ids_are_stable_slugs() -> None:
    """Role ids are slugs of company + title + level, the same on every parse, and short enough for Discord."""
    ids = {seed(prefix).role_id for prefix in ("000", "001", "002", "003")}
    assert len(ids) == 4
    assert "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd" in ids
    assert all(len(role_id) <= 80 and role_id == role_id.lower() for role_id in ids)
    # Cards, target roles, sessions and custom ids store these ids: they must not drift between versions.
    assert seed("002").role_id == "tiktok-research-scientist-intern-recommendation-phd"
    copy = parse_posting(SEEDS["002"].read_text(encoding="utf-8"), "txt", "elsewhere/renamed.txt")
    assert copy.role_id == seed("002").role_id  # the id comes from the posting, not from its file


MARKDOWN = """# Senior Search Engineer — Acme Corp

**Location:** Austin, TX · Hybrid

## About the team
We build Acme's product search for millions of shoppers.

## What you'll do
- Improve ranking with BM25 and learning-to-rank models
- Own query understanding in Elasticsearch

## Requirements
- 3+ years of Python or Java
- Experience with learning to rank

## Nice to have
- Experience with Spark

Salary: $150,000 - $190,000 per year
"""

HTML = """<html><head><title>Applied Scientist, Ads | Globex</title><script>var x = 'ignore me';</script>
<style>.a{color:red}</style></head><body><nav>Home | Jobs | About</nav>
<h1>Applied Scientist, Ads</h1><p>Globex</p><p>London, United Kingdom</p>
<h2>Responsibilities</h2><ul><li>Build click-through-rate models for ads ranking.</li><li>Run online A/B tests.</li></ul>
<h2>Minimum Qualifications</h2><ul><li>MS or PhD in Computer Science.</li><li>Experience with PyTorch.</li></ul>
<footer>© Globex. Cookie settings.</footer></body></html>"""


def test_markdown_posting() -> None:
    """A markdown posting from another company parses by its headings and wording."""
    posting = parse_posting(MARKDOWN, "md", "acme.md")
    assert posting.title == "Senior Search Engineer"  # the "— Acme Corp" suffix names the company
    assert posting.company == "Acme Corp"
    assert posting.pay is not None and posting.pay.unit == "year" and posting.pay.minimum == 150_000
    assert posting.work_mode == "hybrid"
    assert any("learning-to-rank" in line.text for line in posting.section_lines("responsibilities"))
    assert any("Spark" in line.text for line in posting.section_lines("preferred_qualifications"))
    assert {"Python", "Java", "Elasticsearch", "Spark"} <= set(posting.tech_stack)


def test_html_posting_drops_scripts_nav_footer() -> None:
    """HTML goes through a real parser: scripts, styles, nav and footer text never reach the posting."""
    posting = parse_posting(HTML, "html", "globex.html")
    text = " ".join(line.text for line in posting.lines)
    assert posting.title == "Applied Scientist, Ads"
    assert posting.company == "Globex"
    assert posting.location == "London, United Kingdom"
    assert posting.level == "MS/PhD"
    assert "ignore me" not in text and "Cookie" not in text and "Home | Jobs" not in text
    assert any("A/B" in line.text for line in posting.section_lines("responsibilities"))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n  ", "whitespace"),
        ("binary.txt", b"\x00\x01\x02binary", "binary"),
        ("latin1.txt", "Ingénieur ML, Paris".encode("latin-1"), "UTF-8"),
        ("posting.pdf", b"%PDF-1.4", "PDF"),
        ("posting.odt", b"PK\x03\x04", "unsupported file type"),
        ("notes.txt", b"Remember to buy milk.\nAnd eggs.\n", "no recognisable posting"),
    ],
)
def test_bad_files_have_one_line_reasons(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    """Each kind of bad file is refused with a specific, one-line reason."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadPostingFile) as error:
        load_posting(path)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_oversized_file_refused(tmp_path: Path) -> None:
    """A file over 2 MB is refused before it is read."""
    path = tmp_path / "huge.txt"
    path.write_text("Machine Learning Engineer\n" + "x" * (2 * 1024 * 1024 + 10))
    with pytest.raises(BadPostingFile, match="2 MB"):
        load_posting(path)
