"""Scheduled runs: incremental re-runs, edits and additions, kill and resume, no overlap."""

from __future__ import annotations

import dataclasses
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.site import SiteSpec, build_site
from crawler.errors import ConfigError
from crawler.sites import load_sites
from tests.conftest import FAST, ServedSite, run_cli, wait_for
from tests.test_crawl_e2e import assert_archive_matches

SiteFactory = Callable[..., ServedSite]
LIST_PATHS = ("/news/12/", "/comp/portalResNews/list.do")


def list_requests(served: ServedSite) -> int:
    return sum(1 for path in served.server.log.paths() if path in LIST_PATHS)


def detail_requests(served: ServedSite) -> int:
    return sum(1 for path in served.server.log.paths() if path.endswith(".html"))


def crawl(served: ServedSite, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    served.server.log.clear()
    result = run_cli("crawl", served.start_url, "--db", str(db), *FAST, *extra, cwd=db.parent)
    assert result.returncode == 0, result.stderr
    return result


def rebuild(served: ServedSite, spec: SiteSpec) -> None:
    """Change the served site in place (same root, same server)."""
    served.site = build_site(served.site.root, spec)


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_reruns_fetch_only_what_is_new_or_changed(served_site: SiteFactory, tmp_path: Path) -> None:
    base = SiteSpec(article_count=12, page_size=4)
    served = served_site(base)
    db = tmp_path / "party.db"

    crawl(served, db)  # run 1: everything
    assert list_requests(served) == 3 and detail_requests(served) == 12
    assert_archive_matches(db, served)

    second = crawl(served, db)  # run 2: nothing changed
    assert list_requests(served) == 1 and detail_requests(served) == 0
    assert served.server.log.paths() == ["/robots.txt", "/news/12/"]
    assert "0 new, 0 updated, 0 unchanged, 12 not refetched (12 archived)" in second.stdout

    # One article edited (its title, so the list shows it) and one added on top, newest.
    edited, added = 4, 12
    title_edit = {"title": "集团召开安全生产专题会议(扩大)"}

    def republish(changes: dict[int, dict[str, str]]) -> None:
        rebuild(served, dataclasses.replace(base, newest=(added,), changes=changes))

    republish({added: {"date": "2024-06-01"}, edited: title_edit})
    third = crawl(served, db)
    assert "1 new, 1 updated, 0 unchanged, 11 not refetched (13 archived)" in third.stdout
    assert f"  updated  {served.url(f'/news/{3000 + edited}.html')}" in third.stdout.splitlines()
    assert detail_requests(served) == 2
    assert_archive_matches(db, served)
    versions = query(db, "select url, title from article_versions")
    assert [(url.rsplit("/", 1)[1], title) for url, title in versions] == [
        (f"{3000 + edited}.html", "集團召開安全生產專題會議")
    ]

    # A body-only edit does not show in the list: --refresh finds it.
    republish(
        {added: {"date": "2024-06-01", "append": "會議還通報了典型案例。"}, edited: title_edit}
    )
    assert "0 new, 0 updated" in crawl(served, db).stdout
    refreshed = crawl(served, db, "--refresh")
    assert "0 new, 1 updated, 12 unchanged" in refreshed.stdout
    assert list_requests(served) == 4 and detail_requests(served) == 13
    assert_archive_matches(db, served)
    assert query(db, "select count(*) from article_versions") == [(2,)]


def test_conditional_get_revalidates_cached_pages(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(article_count=6, page_size=3))
    db = tmp_path / "party.db"
    crawl(served, db)
    before = query(db, "select url, content_hash, last_changed_at from articles order by url")
    refreshed = crawl(served, db, "--refresh")
    statuses = [status for _m, path, status in served.server.log.entries if path.endswith(".html")]
    assert statuses and set(statuses) == {304}  # asked "changed since?", answered "no"
    assert (
        "0 new, 0 updated, 6 unchanged, 0 not refetched (6 archived); 0 errors" in refreshed.stdout
    )
    after = query(db, "select url, content_hash, last_changed_at from articles order by url")
    assert after == before
    assert len(query(db, "select url from page_validators")) == 6


def test_killed_run_resumes_without_loss(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(response_delay=0.4))
    db = tmp_path / "party.db"
    args = [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        served.start_url,
        "--db",
        str(db),
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
    ]
    process = subprocess.Popen(
        args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(lambda: db.exists() and query(db, "select count(*) from articles")[0][0] >= 5)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    killed_at = query(db, "select count(*) from articles")[0][0]
    assert 5 <= killed_at < 24
    assert (tmp_path / "jobs").exists()  # the queue survived the kill

    resumed = run_cli("crawl", served.start_url, "--db", str(db), "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "killed" in resumed.stderr
    assert query(db, "pragma integrity_check") == [("ok",)]
    assert query(db, "select count(*), count(distinct url) from articles") == [(24, 24)]
    assert query(db, "select status from runs order by id") == [("killed",), ("ok",)]
    assert_archive_matches(db, served)


def test_concurrent_crawl_is_refused(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(article_count=8, response_delay=0.5))
    db = tmp_path / "party.db"
    args = [sys.executable, "-m", "crawler.cli", "crawl", served.start_url, "--db", str(db)]
    first = subprocess.Popen(
        args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: Path(f"{db}.lock").exists() and Path(f"{db}.lock").read_text() != "")
        started = time.monotonic()
        second = run_cli("crawl", served.start_url, "--db", str(db), cwd=tmp_path, timeout=60)
        assert time.monotonic() - started < 15
        assert second.returncode == 3
        assert second.stderr.strip().startswith("partyfield: another crawl holds")
    finally:
        _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert query(db, "select count(*) from runs") == [(1,)]


def test_sites_file_and_runs_table(served_site: SiteFactory, tmp_path: Path) -> None:
    one = served_site(SiteSpec(article_count=4, page_size=2))
    two = served_site(SiteSpec(article_count=3, page_size=2, encoding="gbk", traditional=False))
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "one"\nsections = ["{one.start_url}"]\ndelay = 0.1\nconcurrency = 1\n\n'
        f'[[site]]\nname = "two"\nsections = ["{two.start_url}"]\n',
        "utf-8",
    )
    db = tmp_path / "party.db"
    result = run_cli("crawl", "--sites", str(sites), "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "7 new" in result.stdout
    table = run_cli("runs", "--db", str(db), cwd=tmp_path, timeout=60)
    header, row = table.stdout.splitlines()
    columns = "id kind started_at finished_at status requests new updated unchanged gone errors"
    assert header.split() == [*columns.split(), "processes"]
    assert row.split()[:2] == ["1", "crawl"] and row.split()[4:7] == ["ok", "13", "7"]
    assert row.split()[-1] == "1"  # one machine


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("", "no [[site]] table"),
        ("[[site]]\nname = 'x'\n", "`sections` must be a non-empty list"),
        ("[[site]]\nsections = ['ftp://x.cn/']\n", "not an http(s) URL"),
        ("[[site]]\nsections = ['http://x.cn/news/1/']\ndelay = -1\n", "`delay` must be"),
        ("[[site]]\nsections = ['http://x.cn/news/1/']\nspeed = 2\n", "unknown key(s) speed"),
        ("[[site]\n", "not valid TOML"),
    ],
)
def test_bad_sites_files_are_named(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(toml, "utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_sites(path)


def test_progress_lines_while_crawling(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(article_count=6, response_delay=0.3))
    result = run_cli("crawl", served.start_url, "--db", str(tmp_path / "p.db"), "--progress",
                     "-s", "PARTYFIELD_PROGRESS_INTERVAL=0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert lines[0] == "progress: crawl started", result.stderr
    assert any(re.search(r", ETA \d+s$", line) for line in lines[1:-1]), lines
    # the list announces 5 articles a page: 2 list pages and 10 articles, of which 6 exist
    assert (
        lines[-1] == "progress: 8 of ~12 pages done (66%), 6 new, 0 updated, 0 unchanged, 0 errors"
    )


def test_progress_on_a_short_crawl_still_says_start_and_end(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=2))
    result = run_cli("crawl", served.start_url, "--db", str(tmp_path / "p.db"), "--progress",
                     "-s", "DOWNLOAD_DELAY=0", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert lines == ["progress: crawl started",
                     "progress: 3 of ~6 pages done (50%), 2 new, 0 updated, 0 unchanged, 0 errors"]  # fmt: skip
