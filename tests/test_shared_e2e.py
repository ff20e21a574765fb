"""A crawl shared over Redis: a coordinator (`crawl --redis`) and workers (`worker`) as real
processes, a real redis-server, fixture sites over real HTTP on 127.0.0.1. What must hold: the
archive equals a single-machine crawl's, a worker or coordinator killed with -9 loses nothing,
and one per-site delay holds across all the processes."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from crawler.demo.site import SiteSpec
from crawler.report import fetched_by
from crawler.shared.link import CrawlKeys
from crawler.shared.local_redis import LocalRedis, free_port
from tests.conftest import FAST, ROOT, ServedSite, run_cli, wait_for
from tests.test_crawl_e2e import assert_archive_matches

SiteFactory = Callable[..., ServedSite]
COMPARED = ("url", "site", "section", "title", "category", "author", "source", "published_at",
            "views", "summary", "body", "body_html", "images", "attachments", "content_hash")  # fmt: skip


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """``partyfield ARGS`` as a background process (stderr kept for the assertion messages)."""
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--log-level", "INFO", *args],
        cwd=ROOT if cwd is None else cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Factory of worker processes, each returned once it waits for requests; every one left
    is stopped with SIGTERM at the end."""
    started: list[subprocess.Popen[str]] = []

    def make(redis_url: str, *settings: str) -> subprocess.Popen[str]:
        process = start("worker", "--redis", redis_url, *settings, cwd=tmp_path)
        started.append(process)
        client = redis.Redis.from_url(redis_url)
        wait_for(lambda: client.hexists(CrawlKeys().workers, holder(process)), timeout=60)
        return process

    yield make
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        process.communicate(timeout=30)


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return err


def rows(db: Path) -> dict[str, tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        found = conn.execute(f"select {', '.join(COMPARED)} from articles order by url")
        return {row[0]: row for row in found}


def last_run(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        run = dict(conn.execute("select * from runs order by id desc limit 1").fetchone())
    run["stats"] = json.loads(run["stats"])
    return run


def pages_by_process(run: dict[str, Any]) -> dict[str, int]:
    return dict(fetched_by(run["stats"]))


def holder(process: subprocess.Popen[str]) -> str:
    return f"{os.uname().nodename}:{process.pid}"


def leased_to(client: redis.Redis, processes: list[subprocess.Popen[str]]) -> list[Any]:
    """Those of ``processes`` that hold a lease on a shared request now."""
    names = set(client.hvals(CrawlKeys().holders))
    return [process for process in processes if holder(process).encode() in names]


def test_a_coordinator_and_two_workers_archive_what_one_machine_does(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    served = served_site(SiteSpec(page_size=5, response_delay=0.1))
    alone = tmp_path / "alone" / "party.db"
    single = run_cli("crawl", served.start_url, "--db", str(alone), *FAST, cwd=tmp_path)
    assert single.returncode == 0, single.stderr

    # Pages read in each process itself: three extraction processes starting beside three
    # crawling ones on a 2-core machine could keep a worker from its share of 24 pages.
    inline = (*FAST, "-s", "PARTYFIELD_EXTRACT_PROCESSES=0")
    first, second = workers(redis_url, *inline), workers(redis_url, *inline)
    shared = tmp_path / "shared" / "party.db"
    served.server.log.clear()
    # The coordinator itself fetches two pages at a time, the site allows six: the workers
    # get their share whatever the timing.
    result = run_cli("crawl", served.start_url, "--db", str(shared), "--redis", redis_url,
                     *inline, "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=6",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "24 new" in result.stdout

    assert served.server.log.paths().count("/robots.txt") == 1  # once per site per crawl
    assert rows(shared) == rows(alone)
    assert_archive_matches(shared, served)
    run = last_run(shared)
    fetched = pages_by_process(run)
    assert fetched.get(holder(first), 0) > 0 and fetched.get(holder(second), 0) > 0, fetched
    assert run["stats"]["partyfield/ledger/unaccounted"] == 0
    assert run["requests"] == sum(fetched.values())  # the coordinator's share and the workers'
    assert len(fetched) == 3
    with sqlite3.connect(shared) as conn:  # every article points at its WARC record
        assert conn.execute(
            "select count(*) from articles where capture_id is null"
        ).fetchone() == (0,)
    shown = run_cli("runs", "--db", str(shared), "--show", str(run["id"]), cwd=tmp_path)
    assert holder(first) in shown.stdout and holder(second) in shown.stdout, shown.stdout
    stop(first), stop(second)


def test_a_worker_killed_mid_crawl_loses_no_article(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    served = served_site(SiteSpec(page_size=5, response_delay=0.4))
    lease = ("-s", "PARTYFIELD_LEASE_SECONDS=2")
    pair = [workers(redis_url, *FAST, *lease), workers(redis_url, *FAST, *lease)]
    db = tmp_path / "party.db"
    coordinator = start("crawl", served.start_url, "--db", str(db), "--redis", redis_url, *FAST,
                        *lease, "-s", "CONCURRENT_REQUESTS=2", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                        cwd=tmp_path)  # fmt: skip
    client = redis.Redis.from_url(redis_url)
    wait_for(lambda: bool(leased_to(client, pair)), timeout=60)
    doomed = leased_to(client, pair)[0]
    survivor = next(process for process in pair if process is not doomed)
    doomed.kill()  # SIGKILL: it holds leased requests and never hands them back
    out, err = coordinator.communicate(timeout=180)
    assert coordinator.returncode == 0, err
    assert "24 new" in out and "0 errors" in out, out
    assert_archive_matches(db, served)
    run = last_run(db)
    assert run["stats"]["partyfield/shared/leases_expired"] >= 1
    assert run["stats"]["partyfield/ledger/unaccounted"] == 0
    stop(survivor)


def test_a_coordinator_killed_mid_crawl_resumes_with_every_article_once(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    served = served_site(SiteSpec(page_size=5, response_delay=0.2))
    lease = ("-s", "PARTYFIELD_LEASE_SECONDS=2")
    helper = workers(redis_url, *FAST, *lease)
    db = tmp_path / "party.db"
    command = ("crawl", served.start_url, "--db", str(db), "--redis", redis_url, *FAST, *lease)
    coordinator = start(*command, cwd=tmp_path)

    def archived() -> int:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])

    wait_for(lambda: archived() >= 5, timeout=60)
    coordinator.kill()
    coordinator.communicate(timeout=30)
    assert archived() < 24  # killed mid-crawl

    resumed = run_cli(*command, "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert_archive_matches(db, served)
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "select count(*) from articles where capture_id is null"
        ).fetchone() == (0,)
        statuses = [row[0] for row in conn.execute("select status from runs order by id")]
    assert statuses == ["killed", "ok"]
    assert last_run(db)["stats"]["partyfield/ledger/unaccounted"] == 0
    stop(helper)


def test_one_delay_per_site_holds_across_every_process(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    served = served_site(SiteSpec(page_size=4, article_count=12))
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "fixture"\nsections = ["{served.start_url}"]\n'
                     "delay = 0.4\nconcurrency = 2\n")  # fmt: skip
    helpers = [workers(redis_url), workers(redis_url)]
    served.server.log.clear()
    result = run_cli("crawl", "--sites", str(sites), "--db", str(tmp_path / "party.db"),
                     "--redis", redis_url, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    arrivals = served.server.log.arrivals()
    assert len(arrivals) >= 12
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # Arrivals are stamped by the server's threads, late by up to tens of ms on a loaded
    # machine: one late stamp makes the next gap that much short (0.436 s then 0.363 s). So each
    # gap gets test_politeness's 10%, and the whole run the full delay between every request.
    assert min(gaps) >= 0.4 * 0.9, gaps
    assert arrivals[-1] - arrivals[0] >= 0.4 * len(gaps) - 0.02, gaps
    fetched = pages_by_process(last_run(tmp_path / "party.db"))
    assert len([name for name, pages in fetched.items() if pages]) >= 2, fetched
    for process in helpers:
        stop(process)


def test_an_unreachable_redis_or_no_redis_is_one_line_and_exit_1(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=2))
    nothing = f"redis://127.0.0.1:{free_port()}/0"
    http = served.server.url.replace("http://", "redis://") + "/0"  # an HTTP server, no Redis
    for url, says in ((nothing, "cannot reach Redis"), (http, "not a Redis")):
        for args in (("crawl", served.start_url, "--db", str(tmp_path / "p.db")), ("worker",)):
            result = run_cli(*args, "--redis", url, cwd=tmp_path, timeout=60)
            assert result.returncode == 1, result.stderr
            assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr


def test_a_worker_of_another_version_refuses_to_join(tmp_path: Path, redis_url: str) -> None:
    redis.Redis.from_url(redis_url).hset(CrawlKeys().crawl, "version", "0.0.1+parser.old")
    result = run_cli("worker", "--redis", redis_url, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "0.0.1+parser.old" in result.stderr and "same version" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_shared_reruns_are_incremental_and_a_refresh_costs_304s(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    served = served_site(SiteSpec(page_size=5))
    helper = workers(redis_url, *FAST)
    db = tmp_path / "party.db"
    command = ("crawl", served.start_url, "--db", str(db), "--redis", redis_url, *FAST,
               "-s", "CONCURRENT_REQUESTS=2")  # fmt: skip
    assert "24 new" in run_cli(*command, cwd=tmp_path).stdout
    served.server.log.clear()
    again = run_cli(*command, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 updated, 0 unchanged, 24 not refetched" in again.stdout, again.stdout
    assert not [path for path in served.server.log.paths() if path.startswith("/news/3")]
    refresh = run_cli(*command, "--refresh", cwd=tmp_path)
    assert refresh.returncode == 0, refresh.stderr
    assert "24 unchanged" in refresh.stdout, refresh.stdout
    with sqlite3.connect(db) as conn:  # each 304 kept as a revisit of the capture it confirms
        revisits = conn.execute("select count(*) from captures where record_type = 'revisit'")
        assert revisits.fetchone() == (24,)
    stop(helper)


def test_losing_redis_mid_crawl_stops_every_process_with_one_line(
    served_site: SiteFactory, tmp_path: Path, private_redis: LocalRedis
) -> None:
    own = private_redis  # this test's alone: it kills it
    client, redis_url = redis.Redis(port=own.port), own.url
    served = served_site(SiteSpec(page_size=5, response_delay=0.3))
    worker = start("worker", "--redis", redis_url, cwd=tmp_path)
    wait_for(lambda: client.hlen(CrawlKeys().workers) == 1, timeout=60)
    db = tmp_path / "party.db"
    coordinator = start("crawl", served.start_url, "--db", str(db), "--redis", redis_url,
                        *FAST, cwd=tmp_path)  # fmt: skip

    def archived() -> int:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])

    wait_for(lambda: archived() >= 2, timeout=60)
    own.process.kill()
    own.process.wait()
    out, err = coordinator.communicate(timeout=60)
    assert coordinator.returncode == 1 and "interrupted" in out, (out, err)
    assert "Traceback" not in err and err.count("lost Redis") == 1, err
    _out, err = worker.communicate(timeout=60)
    assert worker.returncode == 1 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith("partyfield: ") and "lost Redis" in err, err


def test_a_stopped_worker_hands_its_requests_back_at_once(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    # Pages slower than the stop's grace: the leaving worker's are still on the wire.
    served = served_site(SiteSpec(page_size=4, article_count=4, response_delay=4.0))
    pair = [workers(redis_url, *FAST), workers(redis_url, *FAST)]
    db = tmp_path / "party.db"
    # The default lease (120 s): a request not handed back would hold the crawl that long.
    coordinator = start("crawl", served.start_url, "--db", str(db), "--redis", redis_url, *FAST,
                        "-s", "CONCURRENT_REQUESTS=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                        cwd=tmp_path)  # fmt: skip
    client = redis.Redis.from_url(redis_url)

    wait_for(lambda: bool(leased_to(client, pair)), timeout=60)
    leaving = leased_to(client, pair)[0]
    staying = next(process for process in pair if process is not leaving)
    err = stop(leaving)
    assert "handed" in err and "back to the shared queue" in err, err
    assert holder(leaving).encode() not in client.hvals(CrawlKeys().holders)
    out, err = coordinator.communicate(timeout=100)
    assert coordinator.returncode == 0 and "4 new" in out, err
    assert last_run(db)["stats"]["elapsed_time_seconds"] < 60
    assert last_run(db)["stats"]["partyfield/shared/leases_expired"] == 0
    stop(staying)


def test_a_second_coordinator_on_the_same_redis_exits_3(
    served_site: SiteFactory, tmp_path: Path, redis_url: str
) -> None:
    served = served_site(SiteSpec(article_count=2))
    claim = json.dumps({"holder": "other-host:1", "db": "/srv/other/party.db", "since": "now"})
    redis.Redis.from_url(redis_url).set(CrawlKeys().coordinator, claim, px=60_000)
    result = run_cli("crawl", served.start_url, "--db", str(tmp_path / "p.db"), "--redis",
                     redis_url, cwd=tmp_path, timeout=60)  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "other-host:1" in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_a_flaky_server_costs_a_shared_crawl_only_what_no_retry_could_reach(
    served_site: SiteFactory, tmp_path: Path, redis_url: str, workers: Callable[..., Any]
) -> None:
    """As on one machine (tests/test_runs_e2e.py): pages that fail get their one more try at
    the end of the run, wherever they failed, and what never answers is an errors row."""
    from tests.test_runs_e2e import QUICK_LAST_TRY, archived_urls, assert_every_request_accounted

    spec = SiteSpec(article_count=24, page_size=5, flaky_list_pages={2: 3, 4: 99},
                    flaky_articles={7: 3, 12: 2, 10: 99})  # fmt: skip
    served = served_site(spec)
    helpers = [workers(redis_url, *QUICK_LAST_TRY), workers(redis_url, *QUICK_LAST_TRY)]
    db = tmp_path / "party.db"
    result = run_cli("crawl", served.start_url, "--db", str(db), "--redis", redis_url,
                     *QUICK_LAST_TRY, "-s", "CONCURRENT_REQUESTS=2", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lost = {served.url(p) for p in served.site.linked_paths[15:20]}  # listed on page 4 only
    lost.add(served.url(served.site.linked_paths[10]))
    assert archived_urls(db) == {served.url(p) for p in served.site.expected} - lost
    run = last_run(db)
    assert run["stats"]["partyfield/requests/last_tries"] >= 3
    assert all(pages for pages in pages_by_process(run).values()), pages_by_process(run)
    assert_every_request_accounted(run["stats"])
    with sqlite3.connect(db) as conn:
        failed = {url for (url,) in conn.execute("select url from errors")}
    assert failed == {served.url("/comp/portalResNews/list.do"),
                      served.url(served.site.linked_paths[10])}  # fmt: skip
    for process in helpers:
        stop(process)
