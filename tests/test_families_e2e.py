"""End-to-end crawls of party sections on 博达 VSB, TRS WCM, 大汉 Hanweb and a plain CMS: the
real spider over real HTTP stores every article once with every field, and a list page that
keeps failing costs only its own articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.demo.families import FamilySpec
from crawler.demo.markup.plain import COMMENTED_OUT
from crawler.store import Archive
from tests.conftest import FAST, ServedSite, run_cli
from tests.test_crawl_e2e import archived, assert_archive_matches

SiteFactory = Callable[..., ServedSite]
FAMILIES = ("vsb", "trs", "hanweb", "generic")
QUICK = (*FAST, "-s", "PARTYFIELD_RETRY_PAUSE=0.1")


def errors(db: Path) -> list[dict[str, object]]:
    archive = Archive.open(db)
    try:
        return list(archive.db["errors"].rows)
    finally:
        archive.close()


@pytest.mark.parametrize("family", FAMILIES)
def test_section_is_archived_article_for_article(
    family: str, served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family=family))
    db = tmp_path / "party.db"
    result = run_cli("crawl", served.start_url, "--db", str(db), *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "24 new" in result.stdout and "0 errors" in result.stdout
    assert_archive_matches(db, served)
    assert errors(db) == []
    detail_requests = [p for p in served.server.log.paths() if p in served.site.expected]
    assert sorted(detail_requests) == sorted(served.site.expected)  # each article fetched once

    served.server.log.clear()
    again = run_cli("crawl", served.start_url, "--db", str(db), *FAST, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 new, 0 updated, 0 unchanged, 24 not refetched (24 archived)" in again.stdout
    assert not any(p in served.site.expected for p in served.server.log.paths())


def test_vsb_pages_count_down_and_each_is_asked_for_once(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family="vsb"))
    result = run_cli("crawl", served.start_url, "--db", str(tmp_path / "p.db"), *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lists = [p for p in served.server.log.paths("/dwgz/")]
    assert lists == ["/dwgz/djgz.htm", "/dwgz/djgz/4.htm", "/dwgz/djgz/3.htm",
                     "/dwgz/djgz/2.htm", "/dwgz/djgz/1.htm"]  # fmt: skip


def test_hanweb_records_come_from_the_page_and_dataproxy(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family="hanweb", page_size=3))
    result = run_cli("crawl", served.start_url, "--db", str(tmp_path / "p.db"), *FAST, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "24 new" in result.stdout
    # 9 records embedded in the column page (3 pages of 3), 15 more in two dataproxy answers
    assert (
        served.server.log.paths("/module/web/jpage/dataproxy.jsp")
        == ["/module/web/jpage/dataproxy.jsp"] * 2
    )


def test_plain_cms_walks_next_links_and_ignores_commented_entries(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family="generic", flaky_list_pages={3: 1}))
    db = tmp_path / "p.db"
    result = run_cli("crawl", served.start_url, "--db", str(db), *QUICK, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_archive_matches(db, served)
    assert COMMENTED_OUT not in served.server.log.paths()
    assert not any(p.startswith("/zt/") for p in served.server.log.paths())  # the sidebar
    archive = Archive.open(db)
    try:
        assert archive.is_section_paged(served.start_url)
    finally:
        archive.close()


@pytest.mark.parametrize("family", ("vsb", "trs", "hanweb"))
def test_a_list_page_that_keeps_failing_costs_only_its_own_articles(
    family: str, served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family=family, page_size=4, flaky_list_pages={2: 99}))
    db = tmp_path / "p.db"
    result = run_cli("crawl", served.start_url, "--db", str(db), *QUICK, cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # a failed page is recorded; the run is ok
    assert "1 list page failed" in result.stdout
    rows = archived(db)
    lost = len(served.site.expected) - len(rows)
    group = 4 * 3 if family == "hanweb" else 4  # a dataproxy answer holds three pages
    assert lost == group
    [error] = errors(db)
    assert "list page 2 of" in str(error["reason"]) and "HTTP 503" in str(error["reason"])
    archive = Archive.open(db)
    try:
        assert not archive.is_section_paged(served.start_url)
    finally:
        archive.close()


def test_a_front_page_given_as_a_section_says_to_discover(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family="trs", article_count=3))
    db = tmp_path / "p.db"
    result = run_cli("crawl", served.url("/index.html"), "--db", str(db), *FAST, cwd=tmp_path)
    assert result.returncode == 1
    [error] = errors(db)
    assert "partyfield discover" in str(error["reason"])
