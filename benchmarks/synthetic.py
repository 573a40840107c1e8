"""Synthetic job postings for benchmarks: varied layouts and mostly unique lines, like real ones.

Lines are assembled from slots (technology, area, verb, metric...) so that few of them repeat
exactly across postings; the benchmark reports the share of unique chunk texts it measured.
"""

from __future__ import annotations

import random
from pathlib import Path

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


def write_postings(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        text, suffix = posting_text(rng, number)
        path = folder / f"synthetic_{number:05d}{suffix}"
        path.write_text(text)
        paths.append(path)
    return paths
