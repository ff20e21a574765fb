"""reparse without a crawl: an archive written the way the pipeline writes it, then read back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.extract import extract
from crawler.reparse import reparse
from crawler.spiders.walks import SectionWalks
from crawler.store import Archive
from crawler.warc import Exchange, WarcFiles

PAGE = """<html><head><meta charset="utf-8"><title>{title}_示例集團</title></head><body>
<div class="article"><h1>{title}</h1><p>發布時間：{date}</p>
<div class="article-content"><p>{title}。會議強調，要把學習成果轉化為推動工作的實際成效。</p>
<p>各黨支部要結合實際，認真抓好落實。</p></div></div></body></html>"""


def captured_archive(folder: Path) -> Archive:
    """Four articles of two sites and two years, each stored with its capture."""
    archive = Archive.open(folder / "party.db")
    run_id = archive.start_run("crawl", [])
    warc = WarcFiles(archive.folder, run_id)
    for host, year in (("a.cn", 2023), ("a.cn", 2024), ("b.cn", 2023), ("b.cn", 2024)):
        url = f"http://{host}/news/{year}.html"
        body = PAGE.format(title=f"黨建工作會議{year}", date=f"{year}-03-01").encode()
        ref = warc.write_exchange(Exchange(
            url=url, method="GET", request_headers=(("Host", host),), request_body=b"",
            protocol="HTTP/1.1", status=200,
            response_headers=(("Content-Type", "text/html; charset=utf-8"),), body=body,
            fetched_at=datetime.now(UTC),
        ))  # fmt: skip
        article = extract(url, body, http_charset="utf-8")
        assert article is not None and article.published_at == f"{year}-03-01"
        archive.store_article(article, capture_id=archive.add_capture(ref, run_id))
    warc.close()
    return archive


def test_site_and_since_select_what_is_read_again(tmp_path: Path) -> None:
    archive = captured_archive(tmp_path)
    try:
        seen = {r.url for r in reparse(archive, site="a.cn", dry_run=True)}
        assert seen == {"http://a.cn/news/2023.html", "http://a.cn/news/2024.html"}
        seen = {r.url for r in reparse(archive, since="2024-01-01", dry_run=True)}
        assert seen == {"http://a.cn/news/2024.html", "http://b.cn/news/2024.html"}
        results = list(reparse(archive, site="b.cn", since="2024-01-01"))
        assert [(r.url, r.outcome) for r in results] == [
            ("http://b.cn/news/2024.html", "unchanged")
        ]
        assert archive.recent_runs(1)[0]["kind"] == "reparse"
    finally:
        archive.close()


def test_only_a_walk_that_reached_its_end_without_a_failed_page_is_complete() -> None:
    walks = SectionWalks()
    walks.saw("http://a.cn/s1/", ["http://a.cn/1.html", "http://a.cn/2.html"])
    walks.saw("http://a.cn/s2/", ["http://a.cn/3.html"])
    walks.saw("http://a.cn/s3/", ["http://a.cn/4.html"])
    walks.ended |= {"http://a.cn/s1/", "http://a.cn/s2/"}  # s3 stopped early (incremental)
    walks.broken.add("http://a.cn/s2/")  # a list page of s2 failed
    walks.saw("http://a.cn/s1/", ["http://a.cn/5.html"])  # its last page, after a retry
    assert walks.complete() == [
        ("http://a.cn/s1/", {"http://a.cn/1.html", "http://a.cn/2.html", "http://a.cn/5.html"})
    ]
