"""A shared crawl (coordinator + two workers over Redis) against a single-machine crawl.

Builds a yun300 site of N articles, serves it on 127.0.0.1, starts a redis-server on a free
port (persistence off) and, with politeness off, crawls the site in alternating rounds: once
with ``partyfield crawl`` alone, once with ``partyfield crawl --redis`` and two ``partyfield
worker`` processes on the same machine; the best round of each counts, since this VM's speed
drifts. Reports pages per second, the ratio of the shared rate to the single one, how the
pages split between the processes, and Redis's commands per article (from ``INFO
commandstats``, scripts' inner calls included).

Run: ``.venv/bin/python -m bench.shared_crawl [--articles 5000] [--rounds 2]``
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
from typing import Any

import redis

from crawler.demo.server import serve
from crawler.demo.site import SiteSpec, build_site
from crawler.report import fetched_by
from crawler.shared.link import CrawlKeys
from crawler.shared.local_redis import local_redis, redis_server_binary

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]  # fmt: skip
CLI = [sys.executable, "-m", "crawler.cli"]


def last_run(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        run = dict(conn.execute("select * from runs order by id desc limit 1").fetchone())
    run["stats"] = json.loads(str(run["stats"]))
    return run


def single(url: str, db: Path) -> dict[str, Any]:
    subprocess.run([*CLI, "crawl", url, "--db", str(db), *FAST], check=True, capture_output=True)
    return last_run(db)


def commands(client: redis.Redis) -> int:
    stats: Any = client.info("commandstats")
    return sum(int(entry["calls"]) for entry in stats.values())


def shared(url: str, db: Path, redis_url: str, client: redis.Redis) -> tuple[dict[str, Any], int]:
    """The coordinator's run row, and Redis commands the crawl cost."""
    workers = [subprocess.Popen([*CLI, "worker", "--redis", redis_url, *FAST],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(2)]  # fmt: skip
    try:
        while client.hlen(CrawlKeys().workers) < len(workers):
            time.sleep(0.1)
        before = commands(client)
        subprocess.run([*CLI, "crawl", url, "--db", str(db), "--redis", redis_url, *FAST],
                       check=True, capture_output=True)  # fmt: skip
        spent = commands(client) - before
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    return last_run(db), spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    binary = redis_server_binary()
    if binary is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    with local_redis(binary) as server, tempfile.TemporaryDirectory() as folder:
        client = redis.Redis(port=server.port)
        compare(Path(folder), args.articles, args.rounds, server.url, client)


def compare(folder: Path, articles: int, rounds: int, redis_url: str, client: redis.Redis) -> None:
    root = folder / "site"
    site = build_site(root, SiteSpec(article_count=articles, page_size=10))
    alone: list[tuple[float, int]] = []  # (seconds, pages)
    together: list[tuple[float, int, int, dict[str, int]]] = []  # + Redis commands, split
    with serve(root) as http:
        url = http.url + site.start_path
        for number in range(rounds):
            run = single(url, folder / f"single-{number}.db")
            alone.append((float(run["stats"]["elapsed_time_seconds"]), int(run["requests"])))
            run, spent = shared(url, folder / f"shared-{number}.db", redis_url, client)
            split = dict(fetched_by(run["stats"]))
            together.append((float(run["stats"]["elapsed_time_seconds"]), int(run["requests"]),
                             spent, split))  # fmt: skip
    best_alone, best_together = min(alone), min(together, key=lambda r: r[0])
    rate_alone = best_alone[1] / best_alone[0]
    rate_together = best_together[1] / best_together[0]
    print(f"{'run':34} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'ratio':>6} {'redis/art':>9}")
    print(f"{'single machine (one process)':34} {best_alone[1]:>6} {best_alone[0]:8.2f} "
          f"{rate_alone:8.1f} {1:6.2f}")  # fmt: skip
    print(f"{'coordinator + 2 workers (Redis)':34} {best_together[1]:>6} {best_together[0]:8.2f} "
          f"{rate_together:8.1f} {rate_together / rate_alone:6.2f} "
          f"{best_together[2] / articles:9.1f}")  # fmt: skip
    shares = ", ".join(f"{name} {pages}"
                       for name, pages in sorted(best_together[3].items()))  # fmt: skip
    print(f"pages by process (best shared round): {shares}")
    print(f"all rounds, seconds: single {[round(r[0], 1) for r in alone]}, "
          f"shared {[round(r[0], 1) for r in together]}")  # fmt: skip


if __name__ == "__main__":
    main()
