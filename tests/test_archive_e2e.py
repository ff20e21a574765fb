"""The archive as an archive: WARC captures of every exchange, offline reparse, history of
edits, and articles the sites took down. Real HTTP on 127.0.0.1, the real spider in a
subprocess, the standard WARC tools on the files it leaves."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import signal
import sqlite3
import subprocess
import sys
from base64 import b32encode
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import serve
from crawler.demo.site import SiteSpec, build_site
from crawler.extract import extract
from crawler.items import Article
from tests.conftest import FAST, ServedSite, run_cli, wait_for
from tests.test_crawl_e2e import assert_archive_matches

SiteFactory = Callable[..., ServedSite]
BIN = Path(sys.executable).parent


def crawl(served: ServedSite, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    served.server.log.clear()
    result = run_cli("crawl", served.start_url, "--db", str(db), *FAST, *extra, cwd=db.parent)
    assert result.returncode == 0, result.stderr
    return result


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def warc_files(db: Path) -> list[Path]:
    return sorted((db.parent / "warc").glob("*.warc.gz"))


def records(path: Path) -> list[Any]:
    """Every record of a WARC file, with its headers and content read."""
    found = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            record.content = record.content_stream().read()
            found.append(record)
    return found


def sha1_digest(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode("ascii")


def test_every_exchange_is_a_valid_warc_record_that_standard_tools_read(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=7, page_size=3))  # page 1 + two list.do POSTs
    db = tmp_path / "party.db"
    crawl(served, db)
    served_log = served.server.log.entries

    [warc] = warc_files(db)
    found = records(warc)
    assert found[0].rec_type == "warcinfo"
    assert b"partyfield/" in found[0].content
    responses = [r for r in found if r.rec_type == "response"]
    requests = [r for r in found if r.rec_type == "request"]
    # One response and one request record per exchange the server saw, list.do POSTs too.
    assert len(responses) == len(requests) == len(served_log)
    assert sorted(r.http_headers.get_statuscode() for r in responses) == sorted(
        str(status) for _m, _p, status in served_log
    )
    posts = [r for r in requests if r.http_headers.protocol == "POST"]
    assert sorted(r.content.count(b"currentPage=") for r in posts) == [1, 1]
    assert {b"currentPage=2" in r.content or b"currentPage=3" in r.content for r in posts} == {True}
    for record in found:
        assert record.rec_headers.get_header("WARC-Block-Digest")
    for record in responses:
        assert record.rec_headers.get_header("WARC-Payload-Digest")
    concurrent = {r.rec_headers.get_header("WARC-Concurrent-To") for r in requests}
    assert concurrent == {r.rec_headers.get_header("WARC-Record-ID") for r in responses}

    check = subprocess.run([BIN / "warcio", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([BIN / "cdxj-indexer", str(warc)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    indexed = {json.loads(line.split(" ", 2)[2])["url"] for line in index.stdout.splitlines()}
    assert {served.url(path) for path in served.site.expected} <= indexed
    assert served.url("/robots.txt") in indexed


def test_each_article_names_the_exact_record_it_came_from(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=6, page_size=3))
    db = tmp_path / "party.db"
    crawl(served, db)
    rows = query(
        db,
        "select a.url, c.url, c.warc_file, c.warc_offset, c.warc_length, c.record_id, "
        "c.payload_digest, c.status, c.run_id, a.parser_version from articles a "
        "join captures c on c.id = a.capture_id",
    )
    assert len(rows) == 6
    for url, capture_url, warc_file, offset, length, record_id, digest, status, run, ver in rows:
        assert (capture_url, status, run) == (url, 200, 1) and ver
        with (tmp_path / warc_file).open("rb") as handle:  # relative to the archive's folder
            handle.seek(offset)
            span = handle.read(length)
        kinds = []
        for record in ArchiveIterator(io.BytesIO(span)):  # the span alone is one record
            kinds.append(record.rec_type)
            assert record.rec_headers.get_header("WARC-Target-URI") == url
            assert record.rec_headers.get_header("WARC-Record-ID") == record_id
            assert record.rec_headers.get_header("WARC-Payload-Digest") == digest
            assert sha1_digest(record.raw_stream.read()) == digest
        assert kinds == ["response"]
    # One captures row per response record: robots.txt and list pages included.
    assert query(db, "select count(*) from captures")[0][0] == len(served.server.log.entries)


def test_a_304_is_a_revisit_of_the_stored_capture(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(article_count=4, page_size=4))
    db = tmp_path / "party.db"
    crawl(served, db)
    originals = dict(
        query(db, "select url, record_id from captures where record_type = 'response'")
    )
    before = query(db, "select url, body from articles order by url")
    # An older parser read one article badly: the 304 is answered from its stored capture.
    old_url = before[0][0]
    query(db, "update articles set body = 'misread', parser_version = '2020.1' where url = ?",
          (old_url,))  # fmt: skip
    crawl(served, db, "--refresh")
    assert query(db, "select url, body from articles order by url") == before
    assert query(db, "select url, body, reason, parser_version from article_versions") == [
        (old_url, "misread", "reparse", "2020.1")
    ]
    revisits = [r for path in warc_files(db)[1:] for r in records(path) if r.rec_type == "revisit"]
    assert len(revisits) == 4
    for revisit in revisits:
        url = revisit.rec_headers.get_header("WARC-Target-URI")
        assert revisit.http_headers.get_statuscode() == "304"
        assert revisit.rec_headers.get_header("WARC-Refers-To") == originals[url]
        assert revisit.rec_headers.get_header("WARC-Profile").endswith("server-not-modified")
    # The articles still point at the captures their text came from.
    kept = query(db, "select c.record_type from articles a join captures c on c.id = a.capture_id")
    assert {kind for (kind,) in kept} == {"response"}


def test_reparse_rebuilds_damaged_rows_with_the_server_gone(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", SiteSpec(article_count=8, page_size=4))
    db = tmp_path / "party.db"
    with serve(site.root, port=0) as server:
        result = run_cli("crawl", server.url + site.start_path, "--db", str(db), *FAST,
                         cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        served = ServedSite(site, server)
    query(db, "update articles set body = 'garbage', title = 'x', author = null "
              "where url in (select url from articles order by url limit 3)")  # fmt: skip

    reparsed = run_cli("reparse", "--db", str(db), cwd=tmp_path)  # the server is stopped
    assert reparsed.returncode == 0, reparsed.stderr
    assert "3 changed, 5 unchanged, 0 failed" in reparsed.stdout
    assert_archive_matches(db, served)
    versions = query(db, "select title, body, reason, capture_id from article_versions")
    assert len(versions) == 3
    assert all(v[:3] == ("x", "garbage", "reparse") and v[3] for v in versions)
    assert query(db, "select kind, status, updated from runs order by id desc limit 1") == [
        ("reparse", "ok", 3)
    ]

    again = run_cli("reparse", "--db", str(db), "--dry-run", cwd=tmp_path)
    assert "0 would change, 8 unchanged" in again.stdout


def test_a_parser_change_becomes_reparse_versions(
    served_site: SiteFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler import reparse as reparsing
    from crawler.store import Archive

    served = served_site(SiteSpec(article_count=5, page_size=5))
    db = tmp_path / "party.db"
    crawl(served, db)
    before = dict(query(db, "select url, body from articles"))

    def new_rule(url: str, html: bytes, **kwargs: Any) -> Article | None:
        """A cleaning rule of a later parser: full-width commas become ideographic ones."""
        article = extract(url, html, **kwargs)
        return article and dataclasses.replace(article, body=article.body.replace("，", "、"))

    monkeypatch.setattr("crawler.reparse.extract", new_rule)
    archive = Archive.open(db)
    try:
        preview = list(reparsing.reparse(archive, dry_run=True))
        assert query(db, "select count(*) from article_versions") == [(0,)]  # nothing written
        results = list(reparsing.reparse(archive))
    finally:
        archive.close()
    changed = {r.url for r in results if r.outcome == "changed"}
    assert changed == {url for url, body in before.items() if "，" in body} and changed
    assert {r.url for r in preview if r.outcome == "changed"} == changed
    assert all(r.fields == ("body", "body_html") or r.fields == ("body",) for r in results
               if r.outcome == "changed")  # fmt: skip
    kept = query(db, "select url, body, reason from article_versions")
    assert {(url, body, "reparse") for url, body, _ in kept} == {
        (u, before[u], "reparse") for u in changed
    }
    for url in changed:
        [(body,)] = query(db, "select body from articles where url = ?", (url,))
        assert body == before[url].replace("，", "、")
        [(hit,)] = query(db, "select count(*) from search_text where url = ? and body like '%、%'",
                         (url,))  # fmt: skip
        assert hit == 1  # the search copy follows


def test_an_edited_page_shows_its_diff_in_history(served_site: SiteFactory, tmp_path: Path) -> None:
    base = SiteSpec(article_count=4, page_size=4)
    served = served_site(base)
    db = tmp_path / "party.db"
    crawl(served, db)
    added = "會議要求，各黨支部要把學習成果轉化為推動工作的實際成效。"
    served.site = build_site(served.site.root,
                             dataclasses.replace(base, changes={1: {"append": added}}))  # fmt: skip
    crawl(served, db, "--refresh")
    url = served.url("/news/3001.html")

    shown = run_cli("history", url, "--db", str(db), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"{url}: 2 versions"
    assert any(line.startswith("version 1 ") and "first archived" in line for line in lines)
    assert any(line.startswith("version 2 ") and "edited on site" in line for line in lines)
    assert "--- version 1" in lines and "+++ version 2" in lines
    plus = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert len(plus) == 1 and added.replace("，", "") in plus[0].replace("，", "").replace(",", "")
    assert not [line for line in lines if line.startswith("-") and not line.startswith("---")]

    as_json = json.loads(run_cli("history", url, "--db", str(db), "--json", cwd=tmp_path).stdout)
    assert [v["why"] for v in as_json["versions"]] == ["first archived", "edited on site"]
    assert as_json["versions"][1]["capture_id"] != as_json["versions"][0]["capture_id"]
    unknown = run_cli("history", served.url("/nope.html"), "--db", str(db), cwd=tmp_path)
    assert unknown.returncode == 2 and "not in the archive" in unknown.stderr


def test_taken_down_articles_are_marked_gone_and_kept_and_come_back(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    base = SiteSpec(article_count=8, page_size=4)
    served = served_site(base)
    db = tmp_path / "party.db"
    crawl(served, db)
    removed_page = served.site.linked_paths[2]  # still listed, its page answers 404
    unlisted = served.site.linked_paths[-1]  # the oldest: dropped from the list
    page_file = served.site.root / removed_page.lstrip("/")
    saved = page_file.read_bytes()
    served.site = build_site(served.site.root, dataclasses.replace(base, article_count=7))
    page_file.unlink()

    taken_down = crawl(served, db, "--refresh")
    assert "2 gone" in taken_down.stdout
    assert f"  gone     {served.url(unlisted)}" in taken_down.stdout.splitlines()
    gone = dict(query(db, "select url, gone_at from articles where gone_at is not null"))
    assert set(gone) == {served.url(removed_page), served.url(unlisted)}
    assert query(db, "select count(*) from articles") == [(8,)]  # rows and text stay
    assert query(db, "select count(*) from errors") == [(0,)]  # a 404 of an article is no error
    assert query(db, "select gone from runs order by id desc limit 1") == [(2,)]
    assert "gone" in run_cli("runs", "--db", str(db), cwd=tmp_path).stdout.splitlines()[0]

    # An incremental run that does not walk the whole section says nothing about the list.
    crawl(served, db)
    assert set(
        dict(query(db, "select url, gone_at from articles where gone_at is not null"))
    ) == set(gone)

    served.site = build_site(served.site.root, base)
    page_file.write_bytes(saved)
    crawl(served, db, "--refresh")
    assert query(db, "select count(*) from articles where gone_at is not null") == [(0,)]


def test_a_truncated_warc_file_costs_errors_rows_and_no_text(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=6, page_size=6))
    db = tmp_path / "party.db"
    crawl(served, db)
    before = query(db, "select * from articles order by url")
    [warc] = warc_files(db)
    cut = query(db, "select min(c.warc_offset) from articles a join captures c on c.id = a.capture_id "
                    "where a.url in (select url from articles order by url limit 3)")[0][0]  # fmt: skip
    with warc.open("r+b") as handle:
        handle.truncate(cut + 40)

    result = run_cli("reparse", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 1
    failed = int(result.stdout.split(" failed")[0].rsplit(" ", 1)[1])
    assert failed >= 3
    errors = query(db, "select stage, reason from errors")
    assert len(errors) == failed and all(stage == "reparse" for stage, _ in errors)
    assert any("cut short" in reason or "unreadable" in reason for _s, reason in errors)
    assert query(db, "select * from articles order by url") == before  # nothing lost


def test_a_killed_crawl_leaves_readable_warc_files(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(response_delay=0.3))
    db = tmp_path / "party.db"
    args = [sys.executable, "-m", "crawler.cli", "crawl", served.start_url, "--db", str(db),
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]  # fmt: skip
    process = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(lambda: db.exists() and query(db, "select count(*) from articles")[0][0] >= 5)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    # Every capture the archive names is a whole record, whatever the kill cut off after it.
    reparse = run_cli("reparse", "--db", str(db), cwd=tmp_path)
    assert reparse.returncode == 0, reparse.stdout + reparse.stderr
    assert " 0 failed" in reparse.stdout
    resumed = run_cli("crawl", served.start_url, "--db", str(db), "--resume", *FAST, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert query(db, "select count(*), count(distinct url) from articles") == [(24, 24)]
    assert len(warc_files(db)) == 2  # the next run wrote its own file, the first is untouched
    second = records(warc_files(db)[1])
    assert second[0].rec_type == "warcinfo" and len(second) > 1
    final = run_cli("reparse", "--db", str(db), cwd=tmp_path)
    assert final.returncode == 0 and "0 changed, 24 unchanged, 0 failed" in final.stdout
