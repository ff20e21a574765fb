"""Incremental crawling: a re-run requests only what may be new or changed.

A spider middleware between the party spider and the scheduler. It drops
- a detail request for an archived article whose list entry (title, date) still matches the
  archive — a changed entry, or ``--refresh``, lets it through;
- the request for the next list page when the page before held only archived articles and an
  earlier run already walked the whole section (so nothing older can be missing).
A refetch of an archived article carries the validators (ETag, Last-Modified) its page came
with, so an unchanged page costs a 304. The spider keeps discovering; only this component
reads the archive to decide.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.items import ListEntry
from crawler.ledger import outcome_key
from crawler.settings import archive_path
from crawler.spiders.party import META_ENTRY, META_PREVIOUS_PAGE, META_SECTION
from crawler.store import Archive

logger = logging.getLogger(__name__)


def entry_changed(entry: ListEntry, archived: tuple[str, str | None]) -> bool:
    """True when the list shows a title or date other than the archived article's."""
    title, published_at = archived
    shown = entry.title.rstrip(".…").strip()
    if shown and not title.startswith(shown):
        return True
    return bool(entry.date and published_at and entry.date != published_at[:10])


class IncrementalMiddleware(BaseSpiderMiddleware):
    def __init__(self, crawler: Crawler, db_path: Path, refresh: bool) -> None:
        super().__init__(crawler)
        self.db_path = db_path
        self.refresh = refresh
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        middleware = cls(
            crawler,
            archive_path(crawler.settings.get("ARCHIVE_DB")),
            crawler.settings.getbool("PARTYFIELD_REFRESH"),
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self) -> None:
        self.archive = Archive.open(self.db_path)

    def spider_closed(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if self.archive is None:
            return request
        entry = request.meta.get(META_ENTRY)
        if not isinstance(entry, ListEntry):
            return request if self.refresh else self._paging(request)
        if not self.refresh and self._is_unchanged(entry):
            self._skip("partyfield/skipped/archived", request)
            return None
        return self._conditional(request, entry.url)

    def _paging(self, request: Request) -> Request | None:
        previous_page = request.meta.get(META_PREVIOUS_PAGE)
        if previous_page is not None and self._may_stop_paging(request, previous_page):
            self._skip("partyfield/skipped/list_pages", request)
            return None
        return request

    def _conditional(self, request: Request, url: str) -> Request:
        """A refetch of an archived page asks "changed since?" with the validators the server
        sent last time; its 304 reaches the spider, which reports the article unchanged."""
        assert self.archive is not None
        found = self.archive.validators(url)
        if found is None:
            return request
        etag, modified = found
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified
        request.meta["handle_httpstatus_list"] = [304]
        return request

    def _is_unchanged(self, entry: ListEntry) -> bool:
        assert self.archive is not None
        archived = self.archive.title_and_date(entry.url)
        if archived is None:
            return False
        if entry_changed(entry, archived):
            logger.info("list entry changed, refetching %s", entry.url)
            self.crawler.stats.inc_value("partyfield/refetched/changed_entry")
            return False
        return True

    def _may_stop_paging(self, request: Request, previous_page: tuple[str, ...]) -> bool:
        assert self.archive is not None
        section = request.meta.get(META_SECTION, "")
        if not self.archive.is_section_paged(section):
            return False
        return len(self.archive.known_urls(list(previous_page))) == len(set(previous_page))

    def _skip(self, stat: str, request: Request) -> None:
        self.crawler.stats.inc_value(stat)
        self.crawler.stats.inc_value(outcome_key("incremental"))
        logger.debug("skipping %s", request.url)
