"""Synthetic job postings for benchmarks: varied layouts and mostly unique lines, like real ones.

Lines are assembled from slots (technology, area, verb, metric...) so that few of them repeat
exactly across postings; the benchmark reports the share of unique chunk texts it measured.
Layouts come from the development corpus (../shared/postings-dev: HTML with nav, scripts, JSON-LD,
tables, <div> and <br> boards; markdown with bold meta lines, setext and closed headings; plain text
with ALL-CAPS headings, LinkedIn copies, emails): each of its postings is a template whose company,
title and prose lines are replaced, so every format and heading style is exercised. Three built-in
layouts remain for machines without the corpus.
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

import yaml

DEV_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "postings-dev"
_PROSE_WORDS = 8  # a line with at least this many words of visible text is prose: it gets new words
_MARKUP_HEAD = re.compile(r"^(\s*(?:<[^>]+>\s*)*(?:[-*•→▪o]\s+|\d{1,2}[.)]\s+|>\s+)?(?:\*\*[^*]{1,40}:\*\*\s*)?)")
_MARKUP_TAIL = re.compile(r"((?:\s*<[^>]+>)*\s*)$")

COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Stark Labs",
    "Wayne AI",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Wonka Data",
    "Gringotts",
    "Monarch",
    "Oscorp",
    "Massive Dynamic",
]
TITLES = [
    "Machine Learning Engineer",
    "Research Scientist",
    "Applied Scientist",
    "Data Scientist",
    "ML Infrastructure Engineer",
    "Recommendation Systems Engineer",
    "Search Ranking Engineer",
    "Computer Vision Engineer",
    "NLP Research Engineer",
    "LLM Engineer",
]
TEAMS = [
    "Ads Ranking",
    "Feed Recommendation",
    "Search Quality",
    "Video Understanding",
    "Trust and Safety",
    "Marketplace",
    "Creator Growth",
    "Notifications",
    "Maps",
    "Commerce Search",
    "Speech",
    "Payments Risk",
]
LEVELS = ["BS/MS", "PhD", "MS/PhD", "BS"]
CITIES = [
    "Seattle, WA",
    "Austin, TX",
    "New York, NY",
    "San Jose, California, United States",
    "London, United Kingdom",
    "Toronto, Canada",
    "Boston, MA",
    "Chicago, IL",
    "Denver, CO",
    "Singapore, Singapore",
]
TECH = [
    "PyTorch",
    "TensorFlow",
    "JAX",
    "C++",
    "Python",
    "Spark",
    "Kafka",
    "Flink",
    "Ray",
    "Triton",
    "CUDA",
    "Kubernetes",
    "SQL",
    "Scala",
    "Go",
    "Rust",
    "Elasticsearch",
    "FAISS",
]
AREAS = [
    "two-tower retrieval",
    "multi-task ranking",
    "cold-start recommendation",
    "query understanding",
    "learning to rank",
    "contrastive pretraining",
    "video tagging",
    "LLM fine-tuning",
    "RLHF",
    "real-time feature pipelines",
    "embedding compression",
    "online experimentation",
    "fraud detection",
    "speech recognition",
    "diffusion models",
    "semantic IDs",
    "position bias correction",
    "ANN serving",
]
VERBS = ["Design", "Build", "Own", "Improve", "Scale", "Prototype", "Evaluate", "Ship", "Optimize", "Research"]
METRICS = ["watch time", "click-through rate", "retention", "revenue", "latency", "recall@k", "NDCG", "precision"]
LAYOUTS = ["headings", "tldr", "markdown"]


def posting_text(rng: random.Random, number: int) -> tuple[str, str]:
    """One posting as (text, suffix)."""
    company, title, team = rng.choice(COMPANIES), rng.choice(TITLES), rng.choice(TEAMS)
    level, city = rng.choice(LEVELS), rng.choice(CITIES)
    full_title = f"{title} ({team}) #{number} - 2026 ({level})"
    duties = [
        f"{rng.choice(VERBS)} {rng.choice(AREAS)} models with {rng.choice(TECH)} to improve "
        f"{rng.choice(METRICS)} for {team.lower()} surfaces serving {rng.randint(2, 900)} million users."
        for _ in range(rng.randint(4, 7))
    ]
    minimum = [
        f"Experience with {rng.choice(TECH)} and {rng.choice(TECH)} for {rng.choice(AREAS)} "
        f"({rng.randint(1, 6)}+ years or equivalent research)."
        for _ in range(rng.randint(3, 5))
    ]
    preferred = [
        f"Publications or shipped work on {rng.choice(AREAS)} measured by {rng.choice(METRICS)}."
        for _ in range(rng.randint(2, 4))
    ]
    about = (
        f"The {team} team at {company} builds {rng.choice(AREAS)} and {rng.choice(AREAS)} systems. "
        f"We partner with {rng.choice(TEAMS)} and {rng.choice(TEAMS)} teams across {rng.randint(3, 40)} countries."
    )
    pay = (
        f"${rng.randint(35, 95)} hourly"
        if rng.random() < 0.5
        else f"${rng.randint(120, 260)},000 - ${rng.randint(261, 400)},000 per year"
    )
    layout = LAYOUTS[number % len(LAYOUTS)]
    if layout == "markdown":
        body = [
            f"# {full_title} | {company}",
            f"**Location:** {city}",
            "## About the team",
            about,
            "## What you'll do",
            *[f"- {d}" for d in duties],
            "## Requirements",
            *[f"- {m}" for m in minimum],
            "## Nice to have",
            *[f"- {p}" for p in preferred],
            f"Salary: {pay}",
        ]
        return "\n".join(body), ".md"
    if layout == "tldr":
        body = [
            f"{full_title} | {company}",
            "The TL;DR",
            f"• Location: {city}",
            f"• Pay: {pay}",
            f"• Team: {team}",
            "What You'll Actually Do",
            *[f"• {d}" for d in duties],
            "The Must-Haves",
            *[f"• {m}" for m in minimum],
            *[f"• Bonus: {p}" for p in preferred],
            "About",
            about,
        ]
        return "\n".join(body), ".txt"
    body = [
        full_title,
        company,
        city,
        "Team Introduction",
        about,
        "Responsibilities",
        *duties,
        "Minimum Qualifications",
        *minimum,
        "Preferred Qualifications",
        *preferred,
        "Compensation",
        f"The pay for this role is {pay}.",
    ]
    return "\n".join(body), ".txt"


@cache
def corpus_templates() -> tuple[tuple[str, str, str, str], ...]:
    """(text, suffix, company, title) for each development-corpus posting, or () without the corpus."""
    truth_file = DEV_CORPUS / "truth.yaml"
    if not truth_file.exists():
        return ()
    truth = yaml.safe_load(truth_file.read_text(encoding="utf-8"))
    return tuple(
        ((DEV_CORPUS / name).read_text(encoding="utf-8"), (DEV_CORPUS / name).suffix, facts["company"], facts["title"])
        for name, facts in truth.items()
    )


def templated_posting(rng: random.Random, number: int, template: tuple[str, str, str, str]) -> tuple[str, str]:
    """A corpus posting with a new company, title and prose: its layout, markup and meta lines stay."""
    text, suffix, company, title = template
    new_company = f"{rng.choice(COMPANIES)} {rng.choice(TEAMS)}"
    new_title = f"{rng.choice(TITLES)} ({rng.choice(TEAMS)}) #{number}"
    for written in {title, title.replace("&", "&amp;")}:
        text = re.sub(re.escape(written), new_title, text, flags=re.I)
    text = text.replace(company, new_company)
    text = re.sub(rf"\b{re.escape(company.split()[0])}\b", new_company.split()[0], text)
    lines, in_script = [], False
    for number_in_file, line in enumerate(text.splitlines()):
        in_script = (in_script or "<script" in line) and "</script>" not in line
        visible = re.sub(r"<[^>]+>", " ", line)
        heading = number_in_file < 6 or re.match(r"\s*(?:#|<h[1-6]|<title)", line)
        if in_script or heading or "{" in line or new_title in line or len(visible.split()) < _PROSE_WORDS:
            lines.append(line)
            continue
        head, tail = _MARKUP_HEAD.match(line).group(1), _MARKUP_TAIL.search(line).group(1)
        lines.append(f"{head}{_sentence(rng)}{tail}")
    return "\n".join(lines), suffix


def _sentence(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return (
            f"{rng.choice(VERBS)} {rng.choice(AREAS)} models with {rng.choice(TECH)} to improve "
            f"{rng.choice(METRICS)} for surfaces serving {rng.randint(2, 900)} million users."
        )
    if kind == 1:
        return (
            f"Experience with {rng.choice(TECH)} and {rng.choice(TECH)} for {rng.choice(AREAS)} "
            f"({rng.randint(1, 6)}+ years or equivalent research)."
        )
    return f"Publications or shipped work on {rng.choice(AREAS)} measured by {rng.choice(METRICS)}."


def write_postings(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` postings cycling through every corpus layout and the three built-in ones."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    templates = corpus_templates()
    paths = []
    for number in range(count):
        slot = number % (len(templates) + len(LAYOUTS))
        if slot < len(templates):
            text, suffix = templated_posting(rng, number, templates[slot])
        else:
            text, suffix = posting_text(rng, number)
        path = folder / f"synthetic_{number:05d}{suffix}"
        path.write_text(text)
        paths.append(path)
    return paths
