"""Text extraction from whole web pages: html_to_text against page_to_text, on a public benchmark.

The corpus is scrapinghub's article-extraction-benchmark: 181 real article pages
(``html/<id>.html.gz``, UTF-8) and the article body a person marked on each
(``ground-truth.json``). It is not in this repository; get it with

    git clone https://github.com/scrapinghub/article-extraction-benchmark /tmp/aeb

and run

    .venv/bin/python benchmarks/text_extraction.py --corpus /tmp/aeb

Each page goes through ``html_to_text`` (the fragment reader: tags such as nav,
header, footer, aside and form dropped, ``<main>`` or ``<article>`` preferred),
``page_to_text`` (what ingest now uses for whole pages: trafilatura, with
``html_to_text`` as its fallback), and, for reference, ``trafilatura.extract`` with
the settings of the benchmark's own run (plain text, no comments).

Scoring is the benchmark's own (its ``evaluate.py``), the same for every
extractor: text is split into tokens with the regular expression ``\\w+``
(runs of Unicode letters, digits and underscore; case kept, everything else a
separator, so "Prevent | Funding" is two tokens and the glued "PreventFunding"
one). Tokens are compared as bags of shingles, runs of
``n`` consecutive tokens: 4 by default (the benchmark's figure) and 1 (plain
tokens). Per page, true positives, false positives and false negatives are the
overlap and the excess of the two bags, normalised to sum to 1 so long pages
weigh no more than short ones; precision and recall are the means over pages
(a page with nothing expected and nothing found scores 1), F1 their harmonic
mean, and ± its standard deviation over 1,000 bootstrap resamples of the pages
(seeded: the same every run). "Empty" counts pages with no text at all.

Speed: each extractor is warmed with one call, then timed on this process's CPU
clock over ``--passes`` passes of the whole corpus (``timeit``: the garbage
collector off while timing); the best pass counts, in milliseconds per page. Nothing is asserted: figures are information, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
import timeit
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from services.ingest.html_text import html_to_text  # noqa: E402
from services.ingest.page_text import page_to_text  # noqa: E402

TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def load(corpus: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Pages by id, and the expected article body by id."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for item in truth:
        with gzip.open(corpus / "html" / f"{item}.html.gz", "rt", encoding="utf-8") as page:
            pages[item] = page.read()
    return pages, {item: value.get("articleBody") or "" for item, value in truth.items()}


def shingles(text: str, n: int) -> Counter:
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def counts(expected: str, found: str, n: int) -> Counts:
    """(tp, fp, fn) of one page's shingles, normalised to sum to 1."""
    want, got = shingles(expected, n), shingles(found, n)
    tp, fp, fn = sum((want & got).values()), sum((got - want).values()), sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _ratio(tp: float, other: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == other == 0 else tp / (tp + other)


def scores(per_page: list[Counts]) -> tuple[float, float, float]:
    """(precision, recall, F1) as the benchmark's evaluate.py computes them."""
    precision = [_ratio(tp, fp, fp, fn) for tp, fp, fn in per_page if tp + fp > 0 or fp == fn == 0]
    recall = [_ratio(tp, fn, fp, fn) for tp, fp, fn in per_page if tp + fn > 0 or fp == fn == 0]
    p, r = sum(precision) / len(precision), sum(recall) / len(recall)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def f1_spread(per_page: list[Counts], resamples: int = 1000) -> float:
    draw = random.Random(0)
    values = [scores(draw.choices(per_page, k=len(per_page)))[2] for _ in range(resamples)]
    mean = sum(values) / len(values)
    return (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5


def ms_per_page(extract: Callable[[str], str | None], pages: list[str], passes: int) -> float:
    extract(pages[0])
    times = timeit.repeat(lambda: [extract(page) for page in pages], repeat=passes, number=1,
                          timer=time.process_time)
    return min(times) / len(pages) * 1000


EXTRACTORS: dict[str, Callable[[str], str | None]] = {
    "html_to_text": html_to_text,
    "page_to_text": page_to_text,
    "trafilatura.extract (reference)": lambda page: trafilatura.extract(page, include_comments=False),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="a checkout of github.com/scrapinghub/article-extraction-benchmark")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    if not (args.corpus / "ground-truth.json").is_file():
        parser.error(f"{args.corpus}: no ground-truth.json (clone scrapinghub/article-extraction-benchmark)")
    pages, truth = load(args.corpus)
    ids = sorted(pages)
    print(f"{len(ids)} pages; trafilatura {trafilatura.__version__}; shingles of n tokens (\\w+)")
    print(f"{'extractor':<32} {'n':>2} {'precision':>9} {'recall':>7} {'F1':>13} {'empty':>5} {'ms/page':>8}")
    for name, extract in EXTRACTORS.items():
        found = {item: extract(pages[item]) or "" for item in ids}
        empty = sum(not found[item].strip() for item in ids)
        speed = ms_per_page(extract, [pages[item] for item in ids], args.passes)
        for n in (4, 1):
            per_page = [counts(truth[item], found[item], n) for item in ids]
            p, r, f1 = scores(per_page)
            print(f"{name:<32} {n:>2} {p:>9.3f} {r:>7.3f} {f1:>6.3f} ± {f1_spread(per_page):.3f} "
                  f"{empty:>5} {speed:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
