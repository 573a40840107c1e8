"""Reading and field extraction per posting on the development corpus, and what a general article
extractor (trafilatura) would have lost on its HTML pages.

    .venv/bin/python benchmarks/bench_reading.py [--repeat 20]

Prints, for the 24 postings of ../shared/postings-dev and the bundled ones: p50/p95 of reading
(`read_document`) and of reading + fields (`parse_document`), warm (after one untimed pass that
pays the one-off imports), and the one-off import cost per format measured in fresh processes.
Then, for the 8 HTML pages, the truth facts found in our lines versus in trafilatura's output.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "postings-dev"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timings(files: list[Path], repeat: int) -> tuple[list[float], list[float]]:
    from bot.core.errors import BadPostingFile
    from bot.core.postings.parse import parse_document
    from bot.core.postings.reading import read_document

    def parse(doc) -> None:  # noqa: ANN001
        try:
            parse_document(doc)
        except BadPostingFile:
            pass  # a fragment (one bundled file is a part of another posting): still timed

    for path in files:  # one untimed pass: imports, caches, the embedding model for headings
        parse(read_document(path))
    reads, totals = [], []
    for path in files:
        for _ in range(repeat):
            start = time.perf_counter()
            doc = read_document(path)
            middle = time.perf_counter()
            parse(doc)
            end = time.perf_counter()
            reads.append((middle - start) * 1000)
            totals.append((end - start) * 1000)
    return reads, totals


def cold_import(fmt_file: Path) -> float:
    """Milliseconds for the first read of one file in a fresh interpreter (imports included)."""
    code = (
        "import time,sys; from pathlib import Path; from bot.core.postings.reading import read_document;"
        f"t=time.perf_counter(); read_document(Path({str(fmt_file)!r})); print((time.perf_counter()-t)*1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def extractor_comparison() -> None:
    """Truth facts found anywhere in the text, and our fact-bearing lines that the extractor kept
    (a fact stated twice survives as a substring even when its meta line is lost)."""
    import re

    import trafilatura
    import yaml

    from bot.core.postings.reading import read_document
    from tests.core.test_reading import _facts

    truth = yaml.safe_load((DEV / "truth.yaml").read_text())
    totals = [0, 0, 0, 0, 0]
    for name in sorted(n for n in truth if n.endswith(".html")):
        html = (DEV / name).read_text()
        lines = [line.text for line in read_document(DEV / name).lines]
        mine = " ".join(lines).lower()
        extracted = (trafilatura.extract(html, output_format="markdown", include_tables=True, include_formatting=True,
                                         favor_recall=True) or "").lower()
        plain = " ".join(re.findall(r"\w+", extracted))  # compare words only: tables and markup differ
        facts = _facts(truth[name])
        forms = [f.lower() for _, group in facts for f in group]
        bearing = [line for line in lines if any(f in line.lower() for f in forms)]
        kept = [line for line in bearing if " ".join(re.findall(r"\w+", line.lower())) in plain]
        found_ours = sum(any(f.lower() in mine for f in group) for _, group in facts)
        found_theirs = sum(any(f.lower() in extracted for f in group) for _, group in facts)
        lost = [line[:60] for line in bearing if line not in kept]
        print(f"  {name:28} facts ours {found_ours:2}/{len(facts)} trafilatura {found_theirs:2}/{len(facts)}; "
              f"fact lines kept by trafilatura {len(kept):2}/{len(bearing)} lost {lost}")
        for i, value in enumerate((found_ours, found_theirs, len(facts), len(kept), len(bearing))):
            totals[i] += value
    print(f"  facts: ours {totals[0]}/{totals[2]}, trafilatura {totals[1]}/{totals[2]}; "
          f"our fact-bearing lines kept by trafilatura: {totals[3]}/{totals[4]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = sorted(p for p in DEV.iterdir() if p.suffix in {".html", ".md", ".txt"} and p.name[0].isdigit())
    files += sorted((ROOT / "knowledge" / "postings").iterdir())
    reads, totals = timings(files, args.repeat)
    print(f"{len(files)} postings x {args.repeat} runs (warm)")
    print(f"  reading          p50 {_percentile(reads, 0.5):6.2f} ms  p95 {_percentile(reads, 0.95):6.2f} ms  "
          f"mean {statistics.mean(reads):6.2f} ms")
    print(f"  reading + fields p50 {_percentile(totals, 0.5):6.2f} ms  p95 {_percentile(totals, 0.95):6.2f} ms  "
          f"mean {statistics.mean(totals):6.2f} ms")
    by_format = {suffix: [] for suffix in (".html", ".md", ".txt")}
    for index, path in enumerate(p for p in files for _ in range(args.repeat)):
        if path.suffix in by_format:
            by_format[path.suffix].append(reads[index])
    for suffix, values in by_format.items():
        p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
        print(f"  reading {suffix:5}    p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
    print("first read in a fresh process (imports included):")
    cold = ("01_quillfeather-labs.html", "03_brightkelp-ai.html", "09_orchard-lane.md", "17_wrenfield-logistics.txt")
    for name in cold:
        print(f"  {name:28} {cold_import(DEV / name):7.1f} ms")
    print("HTML pages: truth facts present in the read lines")
    extractor_comparison()


if __name__ == "__main__":
    main()
