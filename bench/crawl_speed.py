"""Crawl throughput against a bare Scrapy spider, the cost of repeat runs, and peak memory.

Builds a yun300 site of N articles, serves it on 127.0.0.1 and, with politeness off (the server
is local), crawls it with ``partyfield crawl`` and with ``bench.bare_spider`` — a Scrapy spider
that fetches exactly the same pages and does nothing else — in alternating rounds, since this
VM's speed drifts; the best round of each counts. Then an unchanged re-run and a ``--refresh``
run show what incremental crawling saves. Peak RSS is that of the crawl's process plus that of
its extraction process (each one's VmHWM, read from /proc while the crawl runs). The CPU
columns are the seconds of CPU the crawl's own process and its children (the extraction
process) used, start-up included, from /proc too: on a 2-core machine they tell whether the
crawl's process is the bottleneck or the machine is.

Run: ``.venv/bin/python -m bench.crawl_speed [--articles 600 5000] [--rounds 2] [--portal]``
(``--portal``: ~90 KB detail pages, as real portals serve them, instead of ~4 KB ones).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from crawler.demo.server import serve
from crawler.demo.site import SiteSpec, build_site

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]  # fmt: skip


@dataclass(frozen=True)
class Usage:
    """What a process and its children used, as /proc showed them last before they ended."""

    peak_rss: int  # bytes: the sum of each one's VmHWM
    cpu: float  # seconds of CPU of the process itself
    children_cpu: float  # seconds of CPU of its children


def partyfield(url: str, db: Path, *extra: str) -> dict[str, object]:
    """One crawl; its runs row with the stats decoded, and ``usage``: the peak RSS and CPU of
    the crawl's process and of its extraction process (crawler/offload.py)."""
    command = [sys.executable, "-m", "crawler.cli", "crawl", url, "--db", str(db), *FAST, *extra]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
        usage = watch(process)
        if process.returncode:
            log.seek(0)
            raise SystemExit(f"crawl failed:\n{log.read().decode()[-2000:]}")
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        run = dict(conn.execute("select * from runs order by id desc limit 1").fetchone())
    run["stats"] = json.loads(str(run["stats"]))
    run["usage"] = usage
    return run


def watch(process: subprocess.Popen[bytes]) -> Usage:
    """``process`` and its children polled from /proc every 50 ms until it exits."""
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    while process.poll() is None:
        for pid in (process.pid, *_children(process.pid)):
            peaks[pid] = max(peaks.get(pid, 0), _vm_hwm(pid))
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        time.sleep(0.05)
    own = cpu.pop(process.pid, 0.0)
    return Usage(sum(peaks.values()), own, sum(cpu.values()))


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` (its threads included), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def _vm_hwm(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else 0


def bare(url: str) -> tuple[int, float, Usage]:
    """(pages, seconds, usage) of the bare spider."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen([sys.executable, "-m", "bench.bare_spider", url], stdout=out)
        usage = watch(process)
        if process.returncode:
            raise SystemExit("the bare spider failed")
        out.seek(0)
        pages, seconds = out.read().decode().split()
    return int(pages), float(seconds), usage


def compare(articles: int, rounds: int, folder: Path, portal: bool) -> None:
    root = folder / f"site{articles}"
    spec = SiteSpec(article_count=articles, page_size=10, portal_weight=portal)
    site = build_site(root, spec)
    with serve(root) as server:
        url = server.url + site.start_path
        ours: list[tuple[int, float, Usage]] = []  # pages, seconds, usage
        theirs: list[tuple[int, float, Usage]] = []
        for number in range(rounds):
            run = partyfield(url, folder / f"{articles}-{number}.db")
            stats, usage = run["stats"], run["usage"]
            assert isinstance(stats, dict) and isinstance(usage, Usage)
            pages, seconds = stats["response_received_count"], stats["elapsed_time_seconds"]
            ours.append((int(pages), float(seconds), usage))
            theirs.append(bare(url))
        best_ours = min(ours, key=lambda r: r[1])
        best_bare = min(theirs, key=lambda r: r[1])
        rate, bare_rate = best_ours[0] / best_ours[1], best_bare[0] / best_bare[1]
        peak = max(r[2].peak_rss for r in ours) / 2**20
        print(f"{articles:>8} {'partyfield crawl':22} {best_ours[0]:>6} {best_ours[1]:8.2f} "
              f"{rate:8.1f} {rate / bare_rate:6.2f} {peak:8.0f} {_cpu(best_ours[2])}")  # fmt: skip
        print(f"{articles:>8} {'bare Scrapy spider':22} {best_bare[0]:>6} {best_bare[1]:8.2f} "
              f"{bare_rate:8.1f} {1:6.2f} {'':>8} {_cpu(best_bare[2])}")  # fmt: skip
        db = folder / f"{articles}-0.db"
        for name, extra in (("unchanged re-run", ()), ("--refresh (conditional)", ("--refresh",))):
            run = partyfield(url, db, *extra)
            stats = run["stats"]
            assert isinstance(stats, dict)
            print(f"{articles:>8} {name:22} {run['requests']:>6} "
                  f"{float(stats['elapsed_time_seconds']):8.2f}")  # fmt: skip


def _cpu(usage: Usage) -> str:
    return f"{usage.cpu:9.2f} {usage.children_cpu:9.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, nargs="+", default=[600, 5000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--portal", action="store_true", help="~90 KB detail pages (head scripts, menus, footer)"
    )
    args = parser.parse_args()
    print(f"{'articles':>8} {'run':22} {'pages':>6} {'seconds':>8} {'pages/s':>8} "
          f"{'ratio':>6} {'peak MB':>8} {'cpu s':>9} {'child cpu':>9}")  # fmt: skip
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for articles in args.articles:
            compare(articles, args.rounds, Path(folder), args.portal)
    print(f"({time.perf_counter() - start:.0f} s in all)")


if __name__ == "__main__":
    main()
