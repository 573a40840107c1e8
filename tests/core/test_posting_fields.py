"""Each posting-field extractor on phrasings written for these tests (not copied from the dev
corpus, which only measures), plus three whole postings in layouts of their own
(tests/fixtures/postings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.postings import Pay, load_posting, parse_posting
from bot.core.postings.dates import find_date_phrases, iso_days, to_iso
from bot.core.postings.facts import _duration_in, places_in, work_mode_of
from bot.core.postings.fields import degrees_in, level_of, parse_header
from bot.core.postings.model import PostingLine, compare_pay
from bot.core.postings.pay import find_pay, structured_pay
from bot.core.postings.reading import Document, RawLine
from bot.core.postings.structure import classify_headings, heading_form
from bot.core.postings.tech import canonical, tech_in_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "postings"


# ----- pay ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "unit"),
    [
        ("Base pay: US$61.50 per hour", 61.5, 61.5, "USD", "hour"),
        ("We pay CA$70,000 – 82,000 a year", 70_000, 82_000, "CAD", "year"),
        ("Stipend of €1.850 monthly", 1850, 1850, "EUR", "month"),
        ("£24k–£27k per annum (pro rata for the placement)", 24_000, 27_000, "GBP", "year"),
        ("CTC: ₹18–22 LPA", 1_800_000, 2_200_000, "INR", "year"),
        ("S$3,200/month allowance", 3200, 3200, "SGD", "month"),
        ("Hourly rate 42 USD to 48 USD", 42, 48, "USD", "hour"),
        ("Rate: C$ 29/hr - C$ 33/hr", 29, 33, "CAD", "hour"),
        ("Compensation: CAD $4,800 per month", 4800, 4800, "CAD", "month"),
    ],
)
def test_pay_amount_currency_and_unit(text: str, low: float, high: float, currency: str, unit: str) -> None:
    pay = find_pay(text)
    assert pay is not None
    assert (pay.minimum, pay.maximum, pay.currency, pay.unit) == (
        pytest.approx(low),
        pytest.approx(high),
        currency,
        unit,
    )
    assert pay.as_stated and pay.as_stated in text


@pytest.mark.parametrize(
    "text",
    [
        "Pay: competitive, plus equity",
        "We closed a $30M Series B last spring",
        "Salary: DOE",
        "A $2,000 relocation bonus",
    ],
)
def test_pay_without_a_figure_is_not_invented(text: str) -> None:
    assert find_pay(text) is None


def test_pay_model_annualises_and_never_ranks_across_currencies() -> None:
    hourly = Pay(50, 50, "hour", "USD")
    yearly = Pay(100_000, 100_000, "year", "USD")
    canadian = Pay(200_000, 200_000, "year", "CAD")
    assert hourly.annualised() == (pytest.approx(104_000), pytest.approx(104_000))  # 40 h x 52 weeks
    assert compare_pay(hourly, yearly) == 1
    assert compare_pay(yearly, canadian) is None  # CA$ is never $
    assert Pay(9000, 9500, "month", "CAD").describe() == "CA$9,000–CA$9,500 per month (CAD)"
    assert Pay(45, 45, "hour").describe() == "$45 per hour"


def test_structured_salary_is_cited_as_its_field() -> None:
    salary = {"currency": "EUR", "value": {"minValue": 3000, "maxValue": 3400, "unitText": "MONTH"}}
    pay = structured_pay(salary)
    assert pay is not None and (pay.currency, pay.unit, pay.minimum) == ("EUR", "month", 3000)
    assert pay.as_stated == "baseSalary: 3,000–3,400 EUR per month (structured data)"


# ----- dates and duration ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "iso"),
    [
        ("2027-01-18", "2027-01-18"),
        ("18 January 2027", "2027-01-18"),
        ("Jan 18th, 2027", "2027-01-18"),
        ("Monday, January 18, 2027", "2027-01-18"),
        ("1/18/2027", "2027-01-18"),
    ],
)
def test_exact_days_normalise_to_iso(phrase: str, iso: str) -> None:
    assert to_iso(phrase) == iso


def test_year_less_days_take_the_postings_year_and_months_stay_phrases() -> None:
    assert to_iso("September 3rd", 2027) == "2027-09-03"
    assert to_iso("September 2027") is None  # a month, not a day
    assert iso_days("any Tuesday between March 2 and April 27, 2027", None) == ["2027-03-02", "2027-04-27"]


def test_date_phrases_keep_seasons_and_skip_may_as_a_verb() -> None:
    assert [m.group(0) for m in find_date_phrases("Start: Autumn 2027 or later")] == ["Autumn 2027 or later"]
    assert find_date_phrases("Candidates may apply to several teams.") == []


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("A nine-week programme in the summer", "9 weeks"),
        ("Placement of 8 to 10 weeks", "8–10 weeks"),
        ("This co-op lasts eight months.", "8 months"),
        ("Reposted 3 weeks ago", None),
        ("We reply within 2 weeks of your application.", None),
    ],
)
def test_duration(text: str, duration: str | None) -> None:
    assert _duration_in(text) == duration


# ----- places and work mode -------------------------------------------------------------------------
def test_places_from_location_shaped_text() -> None:
    assert places_in("Austin, TX or Boulder, CO") == ["Austin, TX", "Boulder, CO"]
    assert places_in("Lyon (hybrid)") == ["Lyon, France"]
    assert places_in("Remote (Canada)") == ["Remote (Canada)"]
    assert places_in("Remote - EU") == ["Remote (EU)"]
    assert places_in("Ottawa, ON · Internship") == ["Ottawa, ON"]


def test_cities_that_are_words_count_only_as_places() -> None:
    """'Reading' the city is found in a location context; 'reading' the word, or a sentence, never."""
    assert places_in("Reading, UK") == ["Reading, UK"]
    assert places_in("reading papers and writing code") == []
    posting = parse_posting(
        "Software Engineer Intern\nLocation: Leeds, UK\n\nWhat you'll do\n- Reading papers is part of the job\n"
        "- Build a Mobile app that looks Nice\n- Ship code every week\n",
        "txt",
        "words.txt",
    )
    assert posting.locations == ["Leeds, UK"]


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Fully remote (EU time zones)", "remote"),
        ("Hybrid, two days a week in our studio", "hybrid"),
        ("This role is in-person at our lab", "on-site"),
        ("This is not a remote position", None),
    ],
)
def test_work_mode(text: str, mode: str | None) -> None:
    assert work_mode_of(text) == mode


# ----- level ----------------------------------------------------------------------------------------
def test_degree_levels() -> None:
    assert degrees_in("BA, MSc or DPhil candidates") == ["BS", "MS", "PhD"]
    assert degrees_in("current undergraduates only") == ["BS"]
    assert level_of("Open to recent graduates of any discipline") == "recent graduates"
    assert level_of("Master's or doctoral students") == "MS/PhD"


# ----- title and company ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "title", "company"),
    [
        ("Jobs > Early Careers > Quant Research Intern", "Quant Research Intern", None),
        ("Backend Engineer Intern (Spring 2027) | Lumenwave", "Backend Engineer Intern", "Lumenwave"),
        ("Subject: [Hiring] NLP engineer @ Orbweaver Labs (remote)", "NLP engineer", "Orbweaver Labs"),
        ("Werkstudent Data Scientist (m/w/d) – Req ID 44812", "Werkstudent Data Scientist", None),
        ("DATA ANALYST INTERN - FALL 2027", "Data Analyst Intern", None),
    ],
)
def test_title_cleaning(line: str, title: str, company: str | None) -> None:
    header = parse_header(RawLine(line, "heading", 1), [])
    assert header.title == title
    assert header.company == company


def test_company_from_meta_line_label_and_about_heading() -> None:
    meta = parse_posting("Research Engineer\nVoltaire Grid · Lisbon · Hybrid\n\n## About us\n" + _BODY, "md", "a.md")
    assert meta.company == "Voltaire Grid"
    labelled = parse_posting("# Research Engineer\n**Employer:** Ostrava Works\n\n## About us\n" + _BODY, "md", "b.md")
    assert labelled.company == "Ostrava Works"
    about = parse_posting("# Research Engineer\n\n## About Quintessa\nQuintessa makes maps.\n" + _BODY, "md", "c.md")
    assert about.company == "Quintessa"


_BODY = "We build things.\n\n## What you'll do\n- Build models\n- Ship them\n\n## Requirements\n- Python\n- Curiosity\n"


# ----- sections -------------------------------------------------------------------------------------
def test_heading_forms() -> None:
    assert heading_form(RawLine("Anything at all", "heading", 1)) == "strong"
    assert heading_form(RawLine("WHAT YOU GET", "para", 1)) == "strong"
    assert heading_form(RawLine("Things we'd love to see:", "para", 1)) == "strong"
    assert heading_form(RawLine("Must-haves", "bullet", 1, bold=True)) == "strong"
    assert heading_form(RawLine("Perks", "para", 1)) == "weak"
    assert heading_form(RawLine("We train models on large clusters every day.", "para", 1)) is None
    assert heading_form(RawLine("Salary: $40/hour", "para", 1)) is None


def test_heading_kinds_by_meaning_and_unknown_headings_keep_their_name() -> None:
    lines = [
        RawLine("Stuff you'll tackle", "heading", 1),
        RawLine("Things that would make you stand out", "heading", 2),
        RawLine("Who is eligible", "heading", 3),
        RawLine("Our zebra policy", "heading", 4),
    ]
    kinds = classify_headings(lines)
    assert kinds[0][1] == "responsibilities"
    assert kinds[1][1] == "preferred_qualifications"
    assert kinds[2] == ("eligibility", "minimum_qualifications")
    assert kinds[3] == ("", "other")  # unknown: its own section, under its own name
    posting = parse_posting("# Data Intern\n\n## Our zebra policy\n- Stripes on Fridays\n" + _BODY, "md", "z.md")
    zebra = next(line for line in posting.lines if "Stripes" in line.text)
    assert (zebra.section, zebra.heading) == ("other", "Our zebra policy")


# ----- tech -----------------------------------------------------------------------------------------
def test_tech_taxonomy_aliases_and_context_only_names() -> None:
    assert tech_in_text("Comfortable in R or Julia for statistics") == ["R", "Julia"]
    assert tech_in_text("Our R&D group sits in Building C") == []
    assert tech_in_text("Systems code in C and Rust") == ["C", "Rust"]
    assert tech_in_text("Pipelines on k8s with sklearn and PySpark") == ["Kubernetes", "scikit-learn", "Spark"]
    assert tech_in_text("Go") == ["Go"]
    assert tech_in_text("Go beyond the obvious") == []
    assert canonical("Postgres") == "PostgreSQL"


# ----- whole postings in other layouts ---------------------------------------------------------------
def test_fixture_workday_style_plain_text() -> None:
    posting = load_posting(FIXTURES / "harbourline-remote-ca.txt")
    assert (posting.title, posting.company) == ("Data Engineering Intern", "Harbourline Freight")
    assert posting.locations == ["Remote (Canada)"] and posting.work_mode == "remote"
    assert posting.pay is not None and (posting.pay.currency, posting.pay.unit) == ("CAD", "hour")
    assert (posting.pay.minimum, posting.pay.maximum) == (27.5, 31.0)
    assert posting.duration == "4 months"  # "Four-month placement", never "Posted 3 weeks ago"
    assert posting.deadline == "2026-10-15" and posting.max_applications == 3
    assert posting.level == "BS" and "sponsor" in (posting.visa or "")
    assert {"dbt", "Snowflake", "Dagster", "Kafka", "Terraform"} <= set(posting.tech_stack)
    assert any("Terraform" in line.text for line in posting.section_lines("preferred_qualifications"))


def test_fixture_json_ld_page_cites_structured_fields() -> None:
    posting = load_posting(FIXTURES / "tidewater-ld.html")
    assert (posting.title, posting.company) == ("Applied Scientist Intern, Forecasting", "Tidewater Energy")
    assert posting.pay is not None and (posting.pay.minimum, posting.pay.maximum, posting.pay.unit) == (52, 60, "hour")
    assert [line.text for line in posting.evidence["pay"]] == ["baseSalary: 52–60 USD per hour (structured data)"]
    assert posting.locations == ["Houston, TX"] and posting.deadline == "2026-11-30"
    assert posting.work_mode == "hybrid" and posting.office_days == "2 days/week"
    assert posting.start_dates == ["June 1st"] and posting.start_dates_iso == ["2026-06-01"]
    assert any("Databricks" in line.text for line in posting.section_lines("preferred_qualifications"))


def test_fixture_markdown_table_in_australian_dollars() -> None:
    posting = load_posting(FIXTURES / "kookaburra-sydney.md")
    assert (posting.title, posting.company) == ("Graduate Machine Learning Engineer", "Kookaburra Health")
    assert posting.locations == ["Sydney, NSW"] and posting.work_mode == "on-site"
    assert posting.pay is not None and (posting.pay.currency, posting.pay.unit) == ("AUD", "year")
    assert posting.start_dates == ["February 2027"] and posting.deadline_note == "rolling"
    assert posting.level == "BS/MS"
    assert "R" in posting.tech_stack and "Hugging Face Transformers" in posting.tech_stack
    assert any("FHIR" in line.text for line in posting.section_lines("preferred_qualifications"))


def test_document_structured_data_comes_first() -> None:
    doc = Document(
        [RawLine("Careers > Interns > Robotics Intern", "heading", 1, 1), RawLine("We build robots.", "para", 2)]
        + [RawLine(text, "bullet", n) for n, text in enumerate(["Design arms", "Test arms", "Fix arms"], start=3)],
        "html",
        "https://jobs.example/robotics",
        "Robotics Intern — Gantry Works",
        None,
        {
            "title": "Robotics Intern",
            "hiringOrganization": {"name": "Gantry Works"},
            "jobLocation": {"address": {"addressLocality": "Denver", "addressRegion": "CO"}},
        },
    )
    from bot.core.postings.parse import parse_document

    posting = parse_document(doc)
    assert (posting.title, posting.company, posting.locations) == ("Robotics Intern", "Gantry Works", ["Denver, CO"])
    assert posting.evidence["company"][0].text == "hiringOrganization: Gantry Works (structured data)"
    assert posting.source_name == "Robotics Intern — Gantry Works"
    assert isinstance(posting.evidence["location"][0], PostingLine)


def test_page_chrome_above_the_title_is_meta_not_a_section() -> None:
    """A LinkedIn-style copy opens with 'About the job'; the meta line under the title still names
    the company and place, and a '(Remote)' suffix is not part of the title."""
    text = (
        "About the job\nPlatform Engineer - Billing (Remote)\nTernwick Systems · Denver, CO or Remote · 5 days ago\n\n"
        "Ternwick Systems builds invoicing software for utilities.\n\nWhat you'll be doing\n- Build billing services\n"
        "- Run them on Kubernetes\n\nWhat we're looking for\n- Go or Java\n- Postgres\n"
    )
    posting = parse_posting(text, "txt", "linkedin.txt")
    assert (posting.title, posting.company) == ("Platform Engineer - Billing", "Ternwick Systems")
    assert "Denver, CO" in posting.locations


@pytest.mark.parametrize(
    ("visa", "answer"),
    [
        ("We can sponsor H-1B visas for this position.", "yes"),
        ("Unfortunately we're not able to sponsor work permits.", "no"),
        ("Candidates must be U.S. citizens or permanent residents.", "no"),
        ("CPT is sponsored for F-1 interns. We will not sponsor H-1B petitions.", "some"),
        ("Our wellness program includes opt-out days.", None),
    ],
)
def test_visa_sponsorship(visa: str, answer: str | None) -> None:
    from bot.core.postings.conditions import extract_visa, sponsorship

    text, _ = extract_visa([], [PostingLine(visa, "logistics", 1)])
    assert sponsorship(text) == answer
