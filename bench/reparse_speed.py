"""``partyfield reparse`` speed on portal-weight pages, against bare extraction of the same pages.

Builds a yun300 fixture site with ``portal_weight`` (~90 KB detail pages: head scripts, a
mega-menu, a sidebar, a footer), then an archive of ``--articles`` articles: each page is
written to the archive's WARC files as a crawl would write it (request + response record,
gzip per record) and its article stored with its capture. Then, side by side in this process:

- ``extract only``: ``crawler.extract.extract`` on the page bytes held in memory — the floor;
- ``reparse, unchanged``: the real ``crawler.reparse.reparse`` over the whole archive (read
  each record by its span, gunzip, parse the HTTP message, extract, compare, commit);
- ``reparse, all changed``: the same after every row was damaged, so each one is rewritten
  and its old text kept in ``article_versions``;
- ``reparse --dry-run``.

It also prints the archive's size per 1,000 articles (WARC files and SQLite).
Target: at least 300 pages/s on one core.

Run: ``.venv/bin/python -m bench.reparse_speed [--articles 1000]``.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.demo.site import SiteSpec, build_site
from crawler.extract import extract
from crawler.reparse import reparse
from crawler.store import Archive
from crawler.warc import Exchange, WarcFiles

HOST = "http://www.example-mining.cn"


def fixture_pages(folder: Path) -> list[bytes]:
    site = build_site(folder / "site", SiteSpec(portal_weight=True))
    return [(folder / "site" / path.lstrip("/")).read_bytes() for path in site.expected]


def build_archive(db: Path, pages: list[bytes], articles: int) -> list[tuple[str, bytes]]:
    """An archive of ``articles`` captured articles; returns (url, page) of each."""
    archive = Archive.open(db)
    run_id = archive.start_run("crawl", [HOST])
    warc = WarcFiles(archive.folder, run_id)
    stored = []
    with archive.db.atomic():
        for number in range(articles):
            url, page = f"{HOST}/news/{10_000 + number}.html", pages[number % len(pages)]
            ref = warc.write_exchange(_exchange(url, page))
            article = extract(url, page, http_charset="utf-8")
            assert article is not None
            archive.store_article(article, capture_id=archive.add_capture(ref, run_id))
            stored.append((url, page))
    warc.close()
    archive.close()
    return stored


def _exchange(url: str, page: bytes) -> Exchange:
    return Exchange(
        url=url, method="GET", request_headers=(("Host", "www.example-mining.cn"),),
        request_body=b"", protocol="HTTP/1.1", status=200,
        response_headers=(("Content-Type", "text/html; charset=utf-8"),
                          ("Content-Length", str(len(page)))),
        body=page, fetched_at=datetime.now(UTC),
    )  # fmt: skip


def best_of(repeat: int, runners: dict[str, Callable[[], int]]) -> dict[str, tuple[float, int]]:
    """(best seconds, pages) of each runner over ``repeat`` alternating passes: this VM's
    speed drifts, so the lines are measured side by side and the best pass counts."""
    best: dict[str, tuple[float, int]] = {}
    for _ in range(repeat):
        for label, run in runners.items():
            gc.collect()
            start = time.perf_counter()
            count = run()
            seconds = time.perf_counter() - start
            if label not in best or seconds < best[label][0]:
                best[label] = (seconds, count)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "archive" / "party.db"
        pages = fixture_pages(folder)
        stored = build_archive(db, pages, args.articles)
        warc_bytes = sum(p.stat().st_size for p in (db.parent / "warc").glob("*.warc.gz"))
        db_bytes = db.stat().st_size
        archive = Archive.open(db)

        def extract_only() -> int:
            return sum(extract(url, page, http_charset="utf-8") is not None for url, page in stored)

        def reparse_all(dry_run: bool = False) -> int:
            return sum(1 for _ in reparse(archive, dry_run=dry_run))

        def all_changed() -> int:
            return sum(1 for r in reparse(archive) if r.outcome == "changed")

        def damage() -> int:  # not timed: between the changed passes
            with archive.db.atomic():
                archive.db.execute("UPDATE articles SET body = 'damaged'")
            return 1

        reparse_all()  # the first pass records parser_version: later unchanged passes write nothing
        lines = best_of(args.repeat, {
            "extract only (floor)": extract_only,
            "reparse, unchanged": reparse_all,
            "reparse --dry-run": lambda: reparse_all(dry_run=True),
        })  # fmt: skip
        changed_passes = []
        for _ in range(args.repeat):
            damage()
            changed_passes.append(best_of(1, {"reparse, all changed": all_changed}))
        lines["reparse, all changed"] = min(p["reparse, all changed"] for p in changed_passes)
        changed = archive.db.execute("select count(*) from article_versions").fetchone()[0]
        archive.close()

    size = sum(len(page) for page in pages) / len(pages) / 1024
    print(f"{args.articles} portal-weight articles ({size:.0f} KB pages), one core, "
          f"best of {args.repeat}\n")  # fmt: skip
    print(f"{'':24} {'pages/s':>8} {'ms/page':>8}")
    for label, (seconds, count) in lines.items():
        print(f"{label:24} {count / seconds:8.0f} {seconds / count * 1000:8.2f}")
    per_thousand = 1000 / args.articles / 1024 / 1024
    print(f"\nversions written by the {args.repeat} changed passes: {changed}")
    print(f"per 1,000 articles: WARC {warc_bytes * per_thousand:.1f} MB, "
          f"SQLite {db_bytes * per_thousand:.1f} MB (before reparse)")  # fmt: skip


if __name__ == "__main__":
    main()
