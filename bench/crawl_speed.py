"""Crawl throughput and incremental cost on a fixture site served on 127.0.0.1.

Builds a yun300 site of N articles, crawls it with the real spider (``partyfield crawl`` in a
subprocess, politeness delays off since the server is local), crawls it again unchanged, and
prints requests, seconds and pages/second per run.

Run: ``.venv/bin/python -m bench.crawl_speed [--articles 240] [--page-size 10]``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.demo.server import serve
from crawler.demo.site import SiteSpec, build_site

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]  # fmt: skip


def crawl(url: str, db: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", url, "--db", str(db), *FAST,
                    *extra], check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def last_run(db: Path) -> dict[str, object]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from runs order by id desc limit 1").fetchone())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=240)
    parser.add_argument("--page-size", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root, db = Path(folder) / "site", Path(folder) / "party.db"
        site = build_site(root, SiteSpec(article_count=args.articles, page_size=args.page_size))
        with serve(root) as server:
            url = server.url + site.start_path
            print(
                f"{'run':28} {'requests':>8} {'new':>5} {'wall s':>7} {'crawl s':>8} {'pages/s':>8}"
            )
            for name, extra in (
                ("1: first crawl", ()),
                ("2: unchanged re-run", ()),
                ("3: --refresh (conditional)", ("--refresh",)),
            ):
                wall = crawl(url, db, *extra)
                run = last_run(db)
                stats = json.loads(str(run["stats"]))
                seconds = float(stats["elapsed_time_seconds"])
                pages = int(stats.get("response_received_count", 0))
                print(
                    f"{name:28} {run['requests']:>8} {run['new']:>5} {wall:7.2f} "
                    f"{seconds:8.2f} {pages / seconds:8.1f}"
                )


if __name__ == "__main__":
    main()
