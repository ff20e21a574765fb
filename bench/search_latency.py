"""Search latency on a large archive: p50/p95 of 2-, 3- and 6-character queries, and size.

Builds an archive of N synthetic articles (default 100,000) from the bundled corpus and the seed
article: each has a title and 6–14 paragraphs drawn at random (about 1,000 characters, the
length of a typical party-building news item), half of them in Traditional script. Queries are
substrings of real titles, typed in Simplified. Building takes a few minutes; the archive is
kept in --db for later runs (delete it to rebuild).

Run: ``.venv/bin/python -m bench.search_latency [--articles 100000] [--db /tmp/bench.db]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from opencc import OpenCC

from crawler.demo.site import corpus
from crawler.items import Article, content_hash_of
from crawler.store import Archive
from crawler.store.search import SearchFilters, search
from crawler.text.script import to_simplified

SEED = Path(__file__).resolve().parent.parent / "tests" / "pages" / "party-field-article.txt"
SITES = [f"www.example-{n:02d}.cn" for n in range(40)]
QUERIES_PER_LENGTH = 60


def source_texts() -> tuple[list[str], list[str]]:
    titles = [a["title"] for a in corpus()]
    paragraphs = [p for a in corpus() for p in a["paragraphs"]]
    paragraphs += [line for line in SEED.read_text("utf-8").splitlines()[17:] if len(line) > 40]
    return titles, [to_simplified(p) for p in paragraphs]


def synthetic(
    number: int,
    rng: random.Random,
    titles: list[str],
    paragraphs: list[str],
    to_traditional: OpenCC,
) -> Article:
    title = f"{rng.choice(titles)}（{number}）"
    body = "\n".join(rng.sample(paragraphs, rng.randint(6, 14)))
    if number % 2:
        title, body = to_traditional.convert(title), to_traditional.convert(body)
    site = SITES[number % len(SITES)]
    return Article(
        url=f"https://{site}/news/{number}.html", site=site, section="党群园地", title=title,
        category=rng.choice(["党建动态", "理论学习", "工会工作", "纪检监察"]), author=None,
        source=None,
        published_at=f"20{18 + number % 7}-{1 + number % 12:02d}-{1 + number % 28:02d}",
        views=None, summary=None, body=body, body_html="",
        content_hash=content_hash_of(title, body),
    )  # fmt: skip


def build(db: Path, count: int) -> float:
    titles, paragraphs = source_texts()
    rng, to_traditional = random.Random(7), OpenCC("s2tw")
    archive = Archive.open(db)
    start = time.perf_counter()
    for first in range(archive.count_articles(), count, 1000):
        batch = [synthetic(n, rng, titles, paragraphs, to_traditional)
                 for n in range(first, min(first + 1000, count))]  # fmt: skip
        archive.store_articles(batch)
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.close()
    return time.perf_counter() - start


def queries(length: int, rng: random.Random) -> list[str]:
    titles = [to_simplified(a["title"]) for a in corpus()]
    words = [t[i : i + length] for t in titles for i in range(len(t) - length + 1)]
    words = [w for w in words if w.isalnum()]
    return rng.sample(words, min(QUERIES_PER_LENGTH, len(words)))


def latency_ms(archive: Archive, query: str, filters: SearchFilters | None = None) -> float:
    start = time.perf_counter()
    search(archive.db, query, filters or SearchFilters(limit=20))
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/partyfield-bench/search.db"))
    args = parser.parse_args()
    built = build(args.db, args.articles)
    archive = Archive.open(args.db)
    size_mb = sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*")) / 1e6
    print(f"archive: {archive.count_articles():,} articles, {size_mb:,.0f} MB "
          f"(built in {built:,.0f} s)")  # fmt: skip
    rng = random.Random(11)
    print(f"{'query length':>12} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8} {'path':>15}")
    site_filter = SearchFilters(site=SITES[3], limit=20)  # one site of 40
    for length, filters in ((2, None), (3, None), (6, None), (3, site_filter), (6, site_filter)):
        sample = queries(length, rng)
        latency_ms(archive, sample[0], filters)  # warm the page cache
        timings = sorted(latency_ms(archive, q, filters) for q in sample)
        p95 = timings[int(0.95 * (len(timings) - 1))]
        path = ("scan" if length < 3 else "trigram") + (" + site" if filters else "")
        print(f"{length:>12} {len(sample):>8} {statistics.median(timings):8.1f} {p95:8.1f} "
              f"{path:>15}")  # fmt: skip
    archive.close()


if __name__ == "__main__":
    main()
