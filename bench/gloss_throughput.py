"""Gloss-cleaning throughput: strip_glosses against one naive regex pass, on a ≥ 5 MB corpus.

The corpus is built from the seed article and the fixture sites' articles, glossed as the
fixture sites serve them (a gloss after every 9th Han character on the default sites, every 4th
on the dense one), in equal shares, repeated to the target size. The unit of work is what the
extractor passes to ``clean_text``: one call per title and one per whole article body. Each
share is also timed alone, since throughput depends on how many glosses a text carries.

This VM's speed drifts (up to 2x between minutes), so both cleaners are timed in alternating
passes and the best pass of each counts; the ratio column is the steadier figure.

Run: ``.venv/bin/python -m bench.gloss_throughput [--mb 5] [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import gc
import re
import time
from collections.abc import Callable
from pathlib import Path

from crawler.demo.gloss_injection import GlossInjector
from crawler.demo.site import corpus
from crawler.text.gloss import count_glosses, strip_glosses

SEED = Path(__file__).resolve().parent.parent / "tests" / "pages" / "party-field-article.txt"
NAIVE = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü0-9 ]+[)）]")
FIXTURE_DENSITIES = (9, 4)  # SiteSpec.gloss_every of the default and the dense fixture site


def shares() -> dict[str, list[str]]:
    """Texts as the extractor cleans them (titles, whole bodies), one list per source."""
    seed_lines = [line for line in SEED.read_text("utf-8").splitlines() if line]
    texts = [t for a in corpus() for t in (a["title"], "\n".join(a["paragraphs"]))]
    out = {"seed article": [seed_lines[2], "\n".join(seed_lines[3:])]}
    for every in FIXTURE_DENSITIES:
        inject = GlossInjector(every)
        out[f"fixture sites, gloss every {every}"] = [inject(text) for text in texts]
    return out


def repeated(paragraphs: list[str], megabytes: float) -> list[str]:
    size = sum(len(p.encode("utf-8")) for p in paragraphs)
    return paragraphs * (int(megabytes * 1_000_000 // size) + 1)


def naive(text: str) -> str:
    return NAIVE.sub("", text)


def best_seconds(
    cleaners: list[Callable[[str], str]], texts: list[str], repeat: int
) -> list[float]:
    """Fastest of ``repeat`` passes for each cleaner, passes alternating between cleaners."""
    for clean in cleaners:  # builds the compiled regex and fills the caches, as a crawl does
        for text in texts:
            clean(text)
    best = [float("inf")] * len(cleaners)
    gc.disable()  # as timeit does: a collection landing in one pass is noise, not our cost
    for _ in range(repeat):
        for number, clean in enumerate(cleaners):
            start = time.perf_counter()
            for text in texts:
                clean(text)
            best[number] = min(best[number], time.perf_counter() - start)
    gc.enable()
    return best


def row(name: str, texts: list[str], repeat: int) -> str:
    size = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    glosses = sum(count_glosses(t) for t in texts)
    ours, theirs = (size / s for s in best_seconds([strip_glosses, naive], texts, repeat))
    return (
        f"{name:34} {size:6.2f} {size * 1e6 / max(glosses, 1):9.0f} "
        f"{ours:9.1f} {theirs:9.1f} {ours / theirs:6.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB (default 5)")
    parser.add_argument("--repeat", type=int, default=7, help="passes; the best counts")
    args = parser.parse_args()
    parts = shares()
    share_mb = args.mb / len(parts)
    mixed = [p for paragraphs in parts.values() for p in repeated(paragraphs, share_mb)]
    header = ("corpus (title, body per call)", "MB", "B/gloss", "ours MB/s", "naive MB/s", "ratio")
    print("{:34} {:>6} {:>9} {:>9} {:>9} {:>6}".format(*header))
    print(row("mixed: seed + fixture sites", mixed, args.repeat))
    for name, paragraphs in parts.items():
        print(row(name, repeated(paragraphs, share_mb), args.repeat))
    wrong = [
        t for t in ("(WHO)", "件(a)", "念(háo)", "字母a(ā)", "縣(市、區(qū))") if naive(t) != t
    ]
    print(f"the naive regex also deletes real parentheses: {'  '.join(wrong)}")


if __name__ == "__main__":
    main()
