"""End-to-end: fixture sites served over real HTTP on 127.0.0.1, crawled by the real spider
in a subprocess, and the archive checked row by row against what the site builder wrote."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.site import SiteSpec
from crawler.store import Archive
from tests.conftest import CRAWL_TIMEOUT, ROOT, ServedSite, run_cli

SiteFactory = Callable[..., ServedSite]


def archived(db: Path) -> dict[str, dict[str, Any]]:
    archive = Archive.open(db)
    try:
        return {row["url"]: row for row in archive.articles.rows}
    finally:
        archive.close()


def assert_archive_matches(db: Path, served: ServedSite) -> None:
    rows = archived(db)
    expected_urls = {served.url(path) for path in served.site.expected}
    assert set(rows) == expected_urls
    for path, fields in served.site.expected.items():
        row = rows[served.url(path)]
        for name, value in fields.items():
            got = json.loads(row[name]) if name in ("images", "attachments") else row[name]
            if name == "images":
                value = [served.url(u) for u in value]
            if name == "attachments":
                value = [{"url": served.url(a["url"]), "name": a["name"]} for a in value]
            assert got == value, f"{path} {name}"
        assert row["site"] == "127.0.0.1"


def test_crawl_archives_every_article_exactly_and_a_refetch_changes_nothing(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec())
    db = tmp_path / "party.db"
    first = run_cli("crawl", served.start_url, "--db", str(db), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "24 new" in first.stdout
    assert_archive_matches(db, served)
    assert served.server.log.paths().count("/comp/portalResNews/list.do") == 4
    before = archived(db)

    second = run_cli("crawl", served.start_url, "--db", str(db), "--refresh", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert (
        "0 new, 0 updated, 24 unchanged, 0 not refetched (24 archived); 0 errors" in second.stdout
    )
    after = archived(db)
    strip = ("last_seen_at",)
    assert {u: {k: v for k, v in r.items() if k not in strip} for u, r in after.items()} == {
        u: {k: v for k, v in r.items() if k not in strip} for u, r in before.items()
    }


def test_gbk_site_without_header_charset_with_robots_file_notice_and_broken_pages(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    spec = SiteSpec(
        encoding="gbk",
        traditional=False,
        charset_in_header=False,
        list_markup=1,
        page_size=4,
        article_count=14,
        robots_disallow=(2,),
        server_errors=(4,),
        bodyless=(6,),
        empty=(8,),
        file_notice=True,
    )
    served = served_site(spec)
    db = tmp_path / "party.db"
    result = run_cli(
        "crawl", served.start_url, "--db", str(db), "-s", "PARTYFIELD_RETRY_PAUSE=0.1", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr  # broken pages do not fail the run
    assert_archive_matches(db, served)
    forbidden = served.site.linked_paths[3]  # after the notice that opens the list
    assert forbidden not in served.server.log.paths()
    assert not [p for p in served.server.log.paths() if p.endswith(".pdf")]  # recorded, unfetched
    archive = Archive.open(db)
    errors = {
        (e["url"].rsplit("/", 1)[1], e["stage"], e["reason"])
        for e in archive.db.table("errors").rows
    }
    run = archive.recent_runs(1)[0]
    archive.close()
    assert errors == {
        (served.site.linked_paths[5].rsplit("/", 1)[1], "fetch", "HTTP 500"),
        (
            served.site.linked_paths[7].rsplit("/", 1)[1],
            "extract",
            "yun300 page without an article body element",
        ),
        (
            served.site.linked_paths[9].rsplit("/", 1)[1],
            "validate",
            "no body text and no attachment",
        ),
    }
    assert (run["status"], run["new"], run["errors"]) == ("ok", 11, 3)


@pytest.mark.parametrize(
    "spec",
    [
        SiteSpec(
            list_markup=2, old_generation=True, encoding="big5", article_count=10, page_size=3
        ),
        SiteSpec(
            list_markup=3, encoding="gb18030", traditional=False, article_count=10, page_size=3
        ),
        SiteSpec(list_markup=4, gloss_every=4, article_count=10, page_size=3),
        SiteSpec(encoding="gbk", header_charset="utf-8", article_count=6, page_size=3),
        SiteSpec(meta_charset="gb2312", charset_in_header=False, article_count=6, page_size=3),
    ],
    ids=[
        "old-generation-big5",
        "markup3-gb18030",
        "markup4-dense-glosses",
        "gbk-under-a-utf8-header",
        "utf8-under-a-gb2312-meta",
    ],
)
def test_template_variants(served_site: SiteFactory, tmp_path: Path, spec: SiteSpec) -> None:
    served = served_site(spec)
    db = tmp_path / "party.db"
    result = run_cli("crawl", served.start_url, "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_archive_matches(db, served)


def test_scrapy_native_command(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(article_count=7, page_size=3))
    db = tmp_path / "native.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "party",
            "-a",
            f"start_url={served.start_url}",
            "-s",
            f"ARCHIVE_DB={db}",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert_archive_matches(db, served)
    # The same captures as `partyfield crawl`: WARC files beside the archive, one per article.
    assert len(list((tmp_path / "warc").glob("*.warc.gz"))) == 1
    with sqlite3.connect(db) as conn:
        captured = conn.execute("select count(*) from articles where capture_id is not null")
        assert captured.fetchone()[0] == len(served.site.expected)


def test_unreachable_site_fails_with_one_line_reason(tmp_path: Path) -> None:
    result = run_cli(
        "crawl",
        "http://127.0.0.1:9/news/12/",
        "--db",
        str(tmp_path / "p.db"),
        "-s",
        "RETRY_TIMES=0",
        "-s",
        "PARTYFIELD_RETRY_PAUSE=0",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("partyfield: run 1 failed")


def test_bad_url_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "not-a-url", "--db", str(tmp_path / "p.db"), cwd=tmp_path)
    assert result.returncode == 2
    assert "not an http(s) URL" in result.stderr
