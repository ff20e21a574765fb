"""The archive pipeline on its own: a store failure is recorded and the run goes on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.items import PageFailure
from crawler.pipelines import ArchivePipeline, run_status
from crawler.store import Archive
from tests.test_store import make_article


def test_store_failure_becomes_an_error_row_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawler = get_crawler(Spider, {"ARCHIVE_DB": str(tmp_path / "p.db")})
    pipeline = ArchivePipeline.from_crawler(crawler)
    spider = Spider(name="party", start_urls=["http://x.cn/news/12/"])
    pipeline.spider_opened(spider)
    assert pipeline.archive is not None

    def disk_full(article: object, run_id: object = None, **_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    broken = make_article(url="http://x.cn/news/1.html")
    with monkeypatch.context() as patch:
        patch.setattr(pipeline.archive, "store_article", disk_full)
        pipeline.process_item(broken)
    pipeline.process_item(make_article(url="http://x.cn/news/2.html"))
    pipeline.process_item(PageFailure("http://x.cn/news/3.html", "fetch", "HTTP 404"))
    pipeline.spider_closed(spider, "finished")

    archive = Archive.open(tmp_path / "p.db")
    errors = [(e["url"], e["stage"], e["reason"]) for e in archive.db.table("errors").rows]
    run = archive.recent_runs(1)[0]
    assert errors == [
        ("http://x.cn/news/1.html", "store", "OperationalError: database or disk is full"),
        ("http://x.cn/news/3.html", "fetch", "HTTP 404"),
    ]
    assert archive.count_articles() == 1
    assert (run["status"], run["new"], run["errors"]) == ("failed", 1, 2)  # 2 of 3 pages failed


@pytest.mark.parametrize(
    ("reason", "counts", "status"),
    [
        ("finished", {"new": 3, "updated": 0, "unchanged": 0, "errors": 1}, "ok"),
        ("finished", {"new": 0, "updated": 0, "unchanged": 0, "errors": 2}, "failed"),
        ("finished", {"new": 1, "updated": 0, "unchanged": 0, "errors": 2}, "failed"),
        ("finished", {"new": 0, "updated": 0, "unchanged": 0, "errors": 0}, "ok"),
        ("shutdown", {"new": 5, "updated": 0, "unchanged": 0, "errors": 0}, "interrupted"),
    ],
)
def test_run_status(reason: str, counts: dict[str, int], status: str) -> None:
    assert run_status(reason, counts, max_error_ratio=0.5) == status
