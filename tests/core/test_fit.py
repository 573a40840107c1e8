"""Fit check: reading resumes in four formats, unreadable files, determinism, JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.fit import UnreadableResume, check_fit, read_resume, read_resume_file, resume_from_text
from bot.core.fit.requirements import parse_requirement, posting_requirements
from bot.core.postings import load_posting

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fit" / "resumes"
DEV = Path(__file__).resolve().parents[3] / "shared" / "postings-dev"


@pytest.fixture(scope="module")
def recsys_posting():
    if not DEV.is_dir():
        pytest.skip("../shared/postings-dev is not available")
    return load_posting(DEV / "01_quillfeather-labs.html")


@pytest.mark.parametrize("name, expected_line", [
    ("r01_maya_chen.md", "Wrote SQL queries over 40M reading sessions to build training data for the ranking model"),
    ("r02_arjun_rao.txt", "Maintain the video data loaders in the open-source OpenClipKit library (600+ GitHub stars)"),
    ("r04_sam_ortiz.docx", "Relevant coursework: Data Structures, Algorithms, Machine Learning, Databases"),
    ("r05_lena_fischer.pdf", "Wrote daily SQL reports in BigQuery and dbt models used by the growth team"),
])
def test_reads_every_format(name, expected_line):
    resume = read_resume_file(FIXTURES / name)
    texts = [line.text for line in resume.lines]
    assert expected_line in texts


def test_sections_decide_what_a_line_shows():
    resume = read_resume_file(FIXTURES / "r01_maya_chen.md")
    by_text = {line.text: line for line in resume.lines}
    assert by_text["Python, SQL, PyTorch, Spark, Docker, Git"].shows is False  # a skills list names things
    assert by_text["Served nearest-neighbour candidates from a Faiss index refreshed nightly"].shows is True
    assert by_text["maya.chen@example.com · Seattle, WA"].shows is False  # the contact block


@pytest.mark.parametrize("name, why", [
    ("scanned_resume.pdf", "no text layer"),
    ("empty.txt", "empty"),
])
def test_unreadable_files_get_no_judgement(name, why):
    with pytest.raises(UnreadableResume) as raised:
        read_resume_file(FIXTURES / name)
    message = str(raised.value)
    assert message.startswith("I can't read this file") and why in message
    assert "\n" not in message


def test_type_and_size_are_checked_before_reading():
    with pytest.raises(UnreadableResume, match="not a resume format"):
        read_resume(b"MZ\x90\x00binary", "resume.exe")
    with pytest.raises(UnreadableResume, match="limited to 5 MB"):
        read_resume(b"a" * (6 * 1024 * 1024), "resume.txt")
    with pytest.raises(UnreadableResume, match="^I can.t read this file"):
        read_resume(b"%PDF-1.4 this is not really a pdf", "resume.pdf")


def test_same_inputs_same_result(recsys_posting):
    first = check_fit(recsys_posting, read_resume_file(FIXTURES / "r03_priya_nair.md")).to_dict()
    for _ in range(3):
        again = check_fit(recsys_posting, read_resume_file(FIXTURES / "r03_priya_nair.md")).to_dict()
        assert json.dumps(again, sort_keys=True) == json.dumps(first, sort_keys=True)


def test_report_quotes_both_sides_and_summarises_by_kind(recsys_posting):
    resume = read_resume_file(FIXTURES / "r01_maya_chen.md")
    report = check_fit(recsys_posting, resume)
    data = report.to_dict()
    assert data["role"] == recsys_posting.role_id
    posting_texts = {line.text for line in recsys_posting.lines}
    for row in data["requirements"]:
        assert set(row) == {"kind", "requirement", "status", "posting_quote", "resume_quote"}
        assert row["kind"] in ("minimum", "preferred") and row["status"] in ("evidenced", "mentioned", "missing")
        assert row["posting_quote"] in posting_texts
        if row["resume_quote"] is not None:
            assert row["resume_quote"] in resume.text
    statuses = {row["requirement"]: row["status"] for row in data["requirements"]}
    assert statuses["Hands-on PyTorch experience"] == "evidenced"
    assert statuses["Familiarity with Spark or another distributed data processing framework"] == "mentioned"
    minimum = data["summary"]["minimum"]
    assert minimum["total"] == minimum["evidenced"] + minimum["mentioned"] + minimum["missing"]
    assert data["summary"]["text"].startswith(f"minimum: {minimum['evidenced']} of {minimum['total']} evidenced")


def test_logistics_lines_are_not_requirements(recsys_posting):
    texts = [r.line.text for r in posting_requirements(recsys_posting)]
    assert not any(text.startswith(("Pay:", "Length:", "Start dates:")) for text in texts)
    assert "Comfortable writing SQL" in texts


def test_requirement_structure():
    groups = parse_requirement("Strong Python and deep experience with JAX or PyTorch")
    assert [[[s for s, _ in p.terms] for p in g.phrases] for g in groups] == [[["python"]], [["jax"], ["pytorch"]]]
    # "or a related field" makes the field optional rather than a thing to show
    degree = parse_requirement("MS in Computer Science or a related field")
    assert [[[s for s, _ in p.terms] for p in g.phrases] for g in degree] == [[["master"]]]


def test_pasted_text_is_a_resume(recsys_posting):
    resume = resume_from_text("Experience\n- Trained ranking models in PyTorch for a news feed\n\nSkills\nSQL, Python")
    statuses = {r.requirement: r.status for r in check_fit(recsys_posting, resume).requirements}
    assert statuses["Hands-on PyTorch experience"] == "evidenced"
    assert statuses["Comfortable writing SQL"] == "mentioned"
    assert statuses["Exposure to vector search libraries such as Faiss"] == "missing"


def test_pasted_text_on_one_line_still_reads(recsys_posting):
    """A slash command's text option loses newlines: bullets and sentences are split back out."""
    pasted = ("Jane Doe. Trained ranking models in PyTorch for a news feed with 2M users. "
              "Skills: SQL, Python, Faiss")
    resume = resume_from_text(pasted)
    assert "Trained ranking models in PyTorch for a news feed with 2M users" in [line.text.rstrip(".")
                                                                                for line in resume.lines]
    statuses = {r.requirement: r.status for r in check_fit(recsys_posting, resume).requirements}
    assert statuses["Hands-on PyTorch experience"] == "evidenced"
    assert statuses["Comfortable writing SQL"] == "mentioned"
