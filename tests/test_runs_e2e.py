"""Runs that never silently lose a page: failing servers, redirect traps, the run's ledger.

Real HTTP on 127.0.0.1, the real spider in a subprocess, as in test_crawl_e2e.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.site import SiteSpec
from crawler.store import Archive
from tests.conftest import FAST, ServedSite, run_cli

SiteFactory = Callable[..., ServedSite]
QUICK_LAST_TRY = (*FAST, "-s", "PARTYFIELD_RETRY_PAUSE=0.2")


def last_run(db: Path) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """(runs row, its stats, its errors rows) of the newest run."""
    archive = Archive.open(db)
    try:
        run = archive.recent_runs(1)[0]
        return run, json.loads(run["stats"]), archive.errors_of_run(run["id"])
    finally:
        archive.close()


def archived_urls(db: Path) -> set[str]:
    archive = Archive.open(db)
    try:
        return {row["url"] for row in archive.articles.rows}
    finally:
        archive.close()


def assert_every_request_accounted(stats: dict[str, Any]) -> None:
    assert stats["partyfield/ledger/unaccounted"] == 0
    outcomes = ("article", "list_page", "error", "robots", "incremental", "offsite", "duplicate",
                "gone")  # fmt: skip
    assert stats["partyfield/ledger/scheduled"] == sum(
        stats[f"partyfield/ledger/{name}"] for name in outcomes
    )


@pytest.mark.parametrize("failure", ["503", "drop"])
def test_a_flaky_server_costs_only_the_pages_no_retry_could_reach(
    served_site: SiteFactory, tmp_path: Path, failure: str
) -> None:
    spec = SiteSpec(
        article_count=24,
        page_size=5,  # page 1 + list.do pages 2..5
        flaky_list_pages={2: 3, 4: 99},  # page 2 answers at its last try; page 4 never
        flaky_articles={7: 3, 12: 2, 10: 99},  # 7 and 12 answer in the end; 10 never
        failure=failure,
    )
    served = served_site(spec)
    db = tmp_path / "party.db"
    result = run_cli("crawl", served.start_url, "--db", str(db), *QUICK_LAST_TRY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    lost = {served.url(p) for p in served.site.linked_paths[15:20]}  # listed on page 4 only
    lost.add(served.url(served.site.linked_paths[10]))
    expected = {served.url(p) for p in served.site.expected}
    assert archived_urls(db) == expected - lost
    assert served.url(served.site.linked_paths[20]) in expected - lost  # page 5 was walked

    _run, stats, errors = last_run(db)
    assert stats["partyfield/list_pages/failed"] == 1
    by_url = {error["url"]: error["reason"] for error in errors}
    assert len(errors) == 2
    list_reason = by_url[served.url("/comp/portalResNews/list.do")]
    assert list_reason.startswith(f"list page 4 of 5 of section {served.start_url}: ")
    assert served.url(served.site.linked_paths[10]) in by_url
    assert all(error["stage"] == "fetch" for error in errors)
    assert_every_request_accounted(stats)
    assert "1 list page failed" in result.stdout
    archive = Archive.open(db)
    assert not archive.is_section_paged(served.start_url)  # the next run walks it all again
    archive.close()


def test_redirect_loops_off_site_redirects_and_long_chains_are_errors(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=8, page_size=10))
    loop, away, chain, moved = served.site.linked_paths[:4]
    port = served.server.url.rsplit(":", 1)[1]
    hops = {f"/hop/{n}": f"/hop/{n + 1}" for n in range(1, 6)}
    config_path = served.site.root / "site.json"
    config = json.loads(config_path.read_text("utf-8"))
    config["redirect"] = {
        loop: f"{loop}?x=1",
        f"{loop}?x=1": loop,
        away: f"http://localhost:{port}{away}",
        chain: "/hop/1",
        **hops,
        moved: f"{moved}?from=old",
        f"{moved}?from=old": "",
    }
    config_path.write_text(json.dumps(config), "utf-8")
    db = tmp_path / "party.db"
    result = run_cli(
        "crawl",
        served.start_url,
        "--db",
        str(db),
        "-s",
        "REDIRECT_MAX_TIMES=3",
        *FAST,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr

    _run, stats, errors = last_run(db)
    by_path = {error["url"].removeprefix(served.server.url): error["reason"] for error in errors}
    assert (
        by_path[loop]
        == f"redirect loop: {served.url(loop)} → {served.url(loop)}?x=1 → {served.url(loop)}"
    )
    assert by_path[away] == f"redirected to another site: http://localhost:{port}{away}"
    assert by_path[chain] == "more than 3 redirects"
    assert len(errors) == 3
    assert served.url(f"{moved}?from=old") in archived_urls(db)
    assert_every_request_accounted(stats)
