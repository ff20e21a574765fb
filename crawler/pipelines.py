"""Item pipelines: validate, then store. The archive pipeline is the only database writer.

Run bookkeeping hangs off the ``spider_opened`` / ``spider_closed`` signals; dropped items
become ``errors`` rows through ``item_dropped``; the exchanges ``crawler.capture`` sends are
written to the run's WARC files and their ``captures`` rows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.capture import exchange_captured
from crawler.errors import StoreError, ValidationError
from crawler.items import (
    Article,
    NotModified,
    PageFailure,
    PageGone,
    PageValidators,
    SectionPaged,
    validate_article,
)
from crawler.ledger import ledger
from crawler.reparse import reparse_from_capture
from crawler.settings import archive_path
from crawler.store import Archive, RunCounts
from crawler.warc import Exchange, WarcFiles

logger = logging.getLogger(__name__)


class ValidationPipeline:
    """Drops articles that miss a URL, a title, or both body and attachments."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            try:
                validate_article(item)
            except ValidationError as exc:
                raise DropItem(exc.reason) from exc
        return item


class ArchivePipeline:
    """Upserts articles, records failures, and keeps the ``runs`` row of the crawl."""

    def __init__(
        self, db_path: Path, stats: StatsCollector, max_error_ratio: float, warc_max_bytes: int
    ) -> None:
        self.db_path = db_path
        self.stats = stats
        self.max_error_ratio = max_error_ratio
        self.warc_max_bytes = warc_max_bytes
        self.archive: Archive | None = None
        self.warc: WarcFiles | None = None
        self.run_id: int | None = None
        self.counts = {"new": 0, "updated": 0, "unchanged": 0, "errors": 0, "gone": 0}
        self.paged_sections: list[SectionPaged] = []
        self.validators: list[tuple[str, str | None, str | None]] = []  # written at the end

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(
            archive_path(crawler.settings.get("ARCHIVE_DB")),
            crawler.stats,
            crawler.settings.getfloat("PARTYFIELD_MAX_ERROR_RATIO"),
            crawler.settings.getint("PARTYFIELD_WARC_MAX_BYTES"),
        )
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.exchange_captured, signal=exchange_captured)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def spider_opened(self, spider: Spider) -> None:
        self.archive = Archive.open(self.db_path)
        self.run_id = self.archive.start_run("crawl", list(getattr(spider, "start_urls", [])))
        self.stats.set_value("partyfield/run_id", self.run_id)
        self.stats.set_value("partyfield/archive", str(self.db_path))
        self.warc = WarcFiles(self.archive.folder, self.run_id, max_bytes=self.warc_max_bytes)
        logger.info("run %s archiving into %s", self.run_id, self.db_path)

    def exchange_captured(self, exchange: Exchange, once: bool = False) -> None:
        """One exchange into the WARC files, then its ``captures`` row: a row never points at
        bytes that are not written. A 304 is a revisit of the capture the article came from.
        With ``once`` (an exchange a shared crawl may deliver twice) a kept one is skipped."""
        assert self.archive is not None and self.warc is not None
        if once and self.archive.capture_id_of(exchange.record_id) is not None:
            return
        try:
            original = (
                self.archive.capture_of_article(exchange.url) if exchange.status == 304 else None
            )
            if original is not None:
                ref = self.warc.write_revisit(exchange, original)
            else:
                ref = self.warc.write_exchange(exchange)
            self.archive.add_capture(ref, self.run_id)
        except Exception as exc:  # a full disk, a removed folder: recorded, the crawl goes on
            logger.debug("capture of %s failed", exchange.url, exc_info=True)
            self._record(
                exchange.url, "store", f"cannot keep the capture: {type(exc).__name__}: {exc}"
            )
            return
        self.stats.inc_value("partyfield/captures")
        self.stats.inc_value("partyfield/captures/bytes", ref.length)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageFailure):
            self._record(item.url, item.stage, item.reason)
        elif isinstance(item, Article):
            self._store(item)
        elif isinstance(item, SectionPaged):
            self.paged_sections.append(item)
        elif isinstance(item, PageValidators):
            self.validators.append((item.url, item.etag, item.last_modified))
        elif isinstance(item, NotModified):
            self._unchanged(item.url)
        elif isinstance(item, PageGone):
            self._gone(item)
        return item

    def _gone(self, item: PageGone) -> None:
        assert self.archive is not None
        newly = self.archive.mark_gone(item.url, item.status, self.run_id)
        if newly is None:
            self._record(item.url, "fetch", f"HTTP {item.status} (the page was never archived)")
        elif newly:
            self.counts["gone"] += 1
            self.stats.inc_value("partyfield/articles/gone")
            logger.info("gone from its site (HTTP %d): %s", item.status, item.url)

    def _unchanged(self, url: str) -> None:
        assert self.archive is not None
        if self.archive.mark_unchanged(url):
            self.counts["unchanged"] += 1
            self.stats.inc_value("partyfield/articles/unchanged")
            logger.info("unchanged article %s (304)", url)
            self._reread_capture(url)
        else:
            self._record(url, "store", "answered 304 but is not in the archive")

    def _reread_capture(self, url: str) -> None:
        """A 304 is answered from the stored capture: read by an older parser, it is read again
        with the current one (as ``partyfield reparse`` would), so a refresh brings every text
        up to date without fetching unchanged pages."""
        assert self.archive is not None
        result = reparse_from_capture(self.archive, url)
        if result is None:
            return
        self.stats.inc_value(f"partyfield/reparsed/{result.outcome}")
        if result.outcome == "failed":
            self._record(url, "reparse", result.reason)
        elif result.outcome == "changed":
            logger.info("reparsed article %s from its capture (%s)", url, ", ".join(result.fields))

    def _store(self, article: Article) -> None:
        assert self.archive is not None
        try:
            capture_id = self.archive.capture_id_of(article.capture) if article.capture else None
            outcome = self.archive.store_article(article, self.run_id, capture_id=capture_id)
        except Exception as exc:  # any database failure: recorded, and the crawl goes on
            failure = StoreError(article.url, f"{type(exc).__name__}: {exc}")
            self._record(failure.url, failure.stage, failure.reason)
            return
        self.counts[outcome] += 1
        self.stats.inc_value(f"partyfield/articles/{outcome}")
        logger.info("%s article %s", outcome, article.url)

    def _record(self, url: str, stage: Any, reason: str) -> None:
        assert self.archive is not None
        self.archive.record_error(self.run_id, url, stage, reason)
        self.counts["errors"] += 1
        self.stats.inc_value(f"partyfield/errors/{stage}")

    def item_dropped(
        self, item: Any, response: Any, exception: BaseException, spider: Spider
    ) -> None:
        url = getattr(item, "url", "") or getattr(response, "url", "")
        self._record(url, "validate", str(exception))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        settle = getattr(spider, "unsettled_failures", None)
        for failure in settle() if settle else []:
            self._record(failure.url, failure.stage, failure.reason)
        self._close_ledger(reason)
        if self.warc is not None:
            self.warc.close()
            self.stats.set_value("partyfield/warc_files", self.warc.files)
        if reason == "finished":
            self._apply_listings(spider)
        self.archive.keep_validators(self.validators)  # one write; a lost one costs a full GET
        stats = self.stats.get_stats()
        requests = int(stats.get("downloader/request_count", 0))
        requests += int(stats.get("partyfield/shared/remote_requests", 0))  # other machines
        status = run_status(reason, self.counts, self.max_error_ratio)
        self.stats.set_value("partyfield/status", status)
        if status == "ok" and not self.counts["errors"]:
            # Only a clean walk lets later runs stop early: a page that failed must be met again.
            for section in self.paged_sections:
                self.archive.mark_section_paged(
                    section.url, urlsplit(section.url).hostname or "", section.pages, self.run_id
                )
        self.archive.finish_run(
            self.run_id,
            status=status,
            counts=RunCounts(**self.counts),
            requests=requests,
            stats=stats,
        )
        self.archive.close()
        logger.info("run %s %s: %s", self.run_id, status, self.counts)

    def _apply_listings(self, spider: Spider) -> None:
        """Complete walks of sections: articles they no longer list are gone (never deleted)."""
        assert self.archive is not None
        walks = getattr(spider, "walks", None)
        for section_url, listed in walks.complete() if walks is not None else []:
            gone = self.archive.apply_listing(section_url, listed, self.run_id)
            self.counts["gone"] += len(gone)
            self.stats.inc_value("partyfield/articles/gone", len(gone))

    def _close_ledger(self, reason: str) -> None:
        """Every request made ends as one outcome; what is left was still queued at a stop."""
        counts = ledger(self.stats.get_stats())
        for name, value in counts.items():
            self.stats.set_value(f"partyfield/ledger/{name}", value)
        if counts["unaccounted"] and reason == "finished":
            logger.warning("%d requests of this run ended unaccounted", counts["unaccounted"])


def run_status(reason: str, counts: dict[str, int], max_error_ratio: float) -> str:
    """``ok``; ``failed`` when no page became an article while some failed, or when failed
    pages pass ``max_error_ratio`` of all pages handled; ``interrupted`` when stopped early."""
    if reason != "finished":
        return "interrupted"
    articles = counts["new"] + counts["updated"] + counts["unchanged"]
    errors = counts["errors"]
    if errors and not articles:
        return "failed"
    if articles + errors and errors / (articles + errors) > max_error_ratio:
        return "failed"
    return "ok"
