"""Technologies a posting can name. Matched as whole terms, so 'C++' is not found inside 'C/C++'
by accident and 'Go' only counts as the language when written as a language."""

from __future__ import annotations

import re

from bot.core.postings.model import PostingLine

# canonical name -> regex (case-insensitive unless the name needs case to be unambiguous)
TECH_TERMS: dict[str, str] = {
    "Python": r"\bpython\b",
    "C++": r"(?<![\w/])c\+\+|c/c\+\+",
    "C": r"(?<![\w+])c/c\+\+|\bC\b(?![+#/])",
    "Java": r"\bjava\b(?!script)",
    "Scala": r"\bscala\b",
    "Go": r"\bGolang\b|\bGo\b(?= programming| language|,)",
    "Rust": r"\brust\b",
    "SQL": r"\bsql\b",
    "Shell": r"\bshell\b",
    "CUDA": r"\bcuda\b",
    "Triton": r"\btriton\b",
    "PyTorch": r"\bpytorch\b",
    "TensorFlow": r"\btensorflow\b",
    "JAX": r"\bjax\b",
    "Keras": r"\bkeras\b",
    "scikit-learn": r"\bscikit-learn\b|\bsklearn\b",
    "XGBoost": r"\bxgboost\b",
    "LightGBM": r"\blightgbm\b",
    "Spark": r"\bspark\b",
    "Hadoop": r"\bhadoop\b",
    "Hive": r"\bhive\b",
    "Flink": r"\bflink\b",
    "Kafka": r"\bkafka\b",
    "Ray": r"\bRay\b",
    "Kubernetes": r"\bkubernetes\b|\bk8s\b",
    "Docker": r"\bdocker\b",
    "AWS": r"\baws\b",
    "GCP": r"\bgcp\b|google cloud",
    "Azure": r"\bazure\b",
    "Elasticsearch": r"\belasticsearch\b",
    "Lucene": r"\blucene\b",
    "FAISS": r"\bfaiss\b",
    "Redis": r"\bredis\b",
    "Hugging Face": r"\bhugging ?face\b",
}
_CASE_SENSITIVE = {"C", "Go", "Ray"}
_COMPILED = {
    name: re.compile(pattern, 0 if name in _CASE_SENSITIVE else re.IGNORECASE) for name, pattern in TECH_TERMS.items()
}


def find_tech(lines: list[PostingLine]) -> tuple[list[str], list[PostingLine]]:
    """Technologies named anywhere in the posting, in a stable order, with the lines naming them."""
    found: list[str] = []
    evidence: list[PostingLine] = []
    for line in lines:
        names = [name for name, pattern in _COMPILED.items() if pattern.search(line.text)]
        if names and line not in evidence:
            evidence.append(line)
        found.extend(name for name in names if name not in found)
    return found, evidence
