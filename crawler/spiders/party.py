"""The ``party`` spider: a section's list pages (any LIST_LAYOUTS family) → detail pages.

It discovers and requests; ``crawler.extract`` reads every page, the pipelines store.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from scrapy import FormRequest, Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import call_later
from twisted.python.failure import Failure

from crawler.capture import META_CAPTURE
from crawler.errors import ConfigError, ExtractError, Stage
from crawler.extract import (
    ARTICLE_PAGE,
    SECTION_PAGE,
    ListReading,
    PageRead,
    PageRef,
    file_article,
)
from crawler.extract.urls import check_start_url, is_attachment_url
from crawler.items import (
    Article,
    ListEntry,
    NotModified,
    PageFailure,
    PageGone,
    PageValidators,
    SectionPaged,
)
from crawler.ledger import SCHEDULED, Outcome, outcome_key
from crawler.offload import META_READ_AHEAD, reading_of
from crawler.redirects import same_site
from crawler.settings import user_agent
from crawler.spiders.failures import TRANSIENT_HTTP, describe_error, transient_errors
from crawler.spiders.shared import split_urls
from crawler.spiders.walks import ListPaging, SectionWalks

logger = logging.getLogger(__name__)


# Request meta keys read by crawler.incremental.IncrementalMiddleware.
META_ENTRY = "partyfield_entry"  # on detail requests: the ListEntry the list showed
META_SECTION = "partyfield_section"  # on list.do requests: the section's start URL
META_PREVIOUS_PAGE = "partyfield_previous_page"  # on list.do requests: URLs of the page before
# Request meta keys of the spider's own.
META_LAST_TRY = "partyfield_last_try"  # the one more try a failed page gets at the run's end
META_WALK_CONTINUED = "partyfield_walk_continued"  # the next list page is already asked for
META_VISITED = "partyfield_visited"  # on next-link walks: the section's pages seen so far
MAX_LIST_PAGES = 5000  # a next-link walk longer than this is going round
NOT_ARTICLE = "not an article page"
NOT_LIST = "neither a list of articles nor an article (a front page? try `partyfield discover`)"
LIST_PRIORITY = 10  # list pages go first: the walk of a section is never starved by details
GONE_STATUSES = (404, 410)  # an article page answering these was taken down


class PartySpider(Spider):
    """Walks each section's list pages and requests every article once.

    Every request it makes ends as one outcome of ``crawler.ledger``. A page whose fetch fails
    in a way that may pass (a timeout, a dropped connection, a 5xx) gets one more try when the
    rest of the run is done, after ``PARTYFIELD_RETRY_PAUSE`` seconds; a list page that fails
    does not stop the walk, since the next page's form is known from page 1.
    """

    name = "party"
    retry_pause = 15.0  # PARTYFIELD_RETRY_PAUSE
    transient_errors: tuple[type[BaseException], ...] = ()  # RETRY_EXCEPTIONS
    needs_start_urls = True  # a shared crawl's worker has none: it takes requests from Redis

    def __init__(self, start_url: str | None = None, start_urls: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = split_urls(start_url) + split_urls(start_urls)
        if not self.start_urls and self.needs_start_urls:
            raise ConfigError("no start URL: pass -a start_url=URL (a section list page)")
        for url in self.start_urls:
            check_start_url(url)
        self.allowed_domains = sorted({urlsplit(url).hostname or "" for url in self.start_urls})
        self.awaiting_last_try: list[tuple[Request, str]] = []  # (request, why it failed)
        self.walks = SectionWalks()
        self._last_try_call: Any = None
        self.outcome_sink: list[Outcome] | None = None  # set: outcomes go there, not to stats

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PartySpider:
        spider: PartySpider = super().from_crawler(crawler, *args, **kwargs)
        spider.retry_pause = crawler.settings.getfloat("PARTYFIELD_RETRY_PAUSE")
        spider.transient_errors = transient_errors(crawler.settings)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # The User-Agent names the contact URL; a -s USER_AGENT=… of the user's still wins.
        contact = settings.get("PARTYFIELD_CONTACT_URL")
        settings.set("USER_AGENT", user_agent(contact), priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            # dont_filter: a resumed run walks its sections again (see crawler.runner).
            yield self._made(Request(url, callback=self.parse_section, errback=self.on_error,
                                     meta={META_READ_AHEAD: SECTION_PAGE}, dont_filter=True,
                                     priority=LIST_PRIORITY))  # fmt: skip

    # ------------------------------------------------------------------ list pages

    def parse_section(self, response: Response) -> Iterator[Any]:
        """Page 1 of a section: its articles, then the walk through its other pages."""
        if not isinstance(response, TextResponse):
            yield self._failed(response.url, "extract", "start URL is not an HTML page")
            return
        try:
            listing = reading_of(response, SECTION_PAGE)
        except ExtractError as exc:
            yield self._failed(response.url, exc.stage, exc.reason)
            return
        if not isinstance(listing, ListReading):
            # Not a list page: the user may have given one article's URL.
            yield from self.parse_detail(response, start_page=True)
            return
        request_url = response.request.url if response.request else response.url
        paging = ListPaging(request_url, listing.section, listing.layout, listing.page_urls)
        self._note_known_pages(paging.page_count or 1, listing.page_size)
        yield from self._list_page(response, listing, paging, 1)

    def parse_list_page(self, response: Response, paging: ListPaging, page: int) -> Iterator[Any]:
        """A later page of a section, read by the layout that read its first page."""
        try:
            listing = reading_of(response, _later_page(paging))
        except ExtractError as exc:
            self.walks.broken.add(paging.section_url)
            yield self._failed(response.url, exc.stage, paging.on_page(page, exc.reason))
            if paging.pages:  # a next-link walk ends here: the next page's address is unknown
                yield from self._continue_walk(response.request, paging, page)
            return
        assert isinstance(listing, ListReading)  # a named layout always reads the page
        yield from self._list_page(response, listing, paging, page)

    def _list_page(
        self, response: Response, listing: ListReading, paging: ListPaging, page: int
    ) -> Iterator[Any]:
        """Detail requests for the page's entries, then the next page or ``SectionPaged``.

        An entry linking straight to a file is an article of its own, recorded unfetched.
        """
        self.crawler.stats.inc_value("partyfield/list_pages")
        entries = listing.entries
        if entries:
            self._outcome("list_page")
        else:
            self.walks.broken.add(paging.section_url)
            reason = paging.on_page(page, "list page without article links")
            yield self._failed(response.url, "extract", reason)
        self.walks.saw(paging.section_url, [entry.url for entry in entries])
        for entry in entries:
            if is_attachment_url(entry.url):
                yield file_article(entry, paging.section)
            elif self._is_offsite(entry.url):
                self._drop_offsite(entry.url)
            else:
                yield self._detail_request(entry)
        shown = tuple(entry.url for entry in entries)
        if paging.pages:
            yield from self._continue_walk(response.request, paging, page, shown)
        else:
            yield from self._follow_next(response, listing, paging, page, shown)

    def _detail_request(self, entry: ListEntry) -> Request:
        meta = {META_ENTRY: entry, META_READ_AHEAD: ARTICLE_PAGE}
        return self._made(Request(entry.url, callback=self.parse_detail, errback=self.on_error,
                                  meta=meta))  # fmt: skip

    def _continue_walk(
        self,
        request: Request | None,
        paging: ListPaging,
        page: int,
        previous_page: tuple[str, ...] | None = None,
    ) -> Iterator[Any]:
        """The next of the pages page 1 named (once per page, whatever became of this one), or
        ``SectionPaged`` after the last. Without ``previous_page`` (this page failed) the walk
        never stops early."""
        if request is not None:
            if request.meta.get(META_WALK_CONTINUED):
                return
            request.meta[META_WALK_CONTINUED] = True
        if page > len(paging.pages):
            yield self._walked(paging, page)
            return
        yield self._list_request(paging.pages[page - 1], paging, page + 1, previous_page)

    def _follow_next(
        self,
        response: Response,
        listing: ListReading,
        paging: ListPaging,
        page: int,
        shown: tuple[str, ...],
    ) -> Iterator[Any]:
        """The page this one links to as next, unless the walk went round: a page already
        seen, or one listing just what the page before listed."""
        visited = response.meta.get(META_VISITED, frozenset()) | {response.url}
        following = listing.next_page
        repeated = shown == response.meta.get(META_PREVIOUS_PAGE)
        if page >= MAX_LIST_PAGES:
            self.walks.broken.add(paging.section_url)  # going round, or cut short: not complete
        if following is None or following.url in visited or repeated or page >= MAX_LIST_PAGES:
            yield self._walked(paging, page)
            return
        self._note_known_pages(1, None)
        request = self._list_request(following, paging, page + 1, shown)
        request.meta[META_VISITED] = visited
        yield request

    def _walked(self, paging: ListPaging, pages: int) -> SectionPaged:
        self.walks.ended.add(paging.section_url)
        return SectionPaged(paging.section_url, pages)

    def _list_request(
        self, ref: PageRef, paging: ListPaging, page: int, previous_page: tuple[str, ...] | None
    ) -> Request:
        meta: dict[str, Any] = {META_SECTION: paging.section_url,
                                META_READ_AHEAD: _later_page(paging)}  # fmt: skip
        if previous_page is not None:
            meta[META_PREVIOUS_PAGE] = previous_page
        form = ref.form_dict()
        kwargs: dict[str, Any] = dict(
            callback=self.parse_list_page, errback=self.on_error, meta=meta,
            cb_kwargs={"paging": paging, "page": page}, priority=LIST_PRIORITY,
            dont_filter=True,  # a resumed run walks again; list.do is one URL for many pages
        )  # fmt: skip
        if form is not None:
            return self._made(FormRequest(ref.url, formdata=form, **kwargs))
        return self._made(Request(ref.url, **kwargs))

    # ------------------------------------------------------------------ detail pages

    def parse_detail(self, response: Response, start_page: bool = False) -> Iterator[Any]:
        if response.status == 304:  # asked "changed since?" (crawler.incremental): no
            self._outcome("article")
            yield NotModified(_archived_url(response))
            return
        if not isinstance(response, TextResponse):
            yield self._failed(response.url, "extract", "not an HTML page")
            return
        try:
            article = reading_of(response, ARTICLE_PAGE)
        except ExtractError as exc:  # a crash of the parsers is one too: the crawl goes on
            yield self._failed(response.url, exc.stage, exc.reason)
            return
        if not isinstance(article, Article):
            yield self._failed(response.url, "extract", NOT_LIST if start_page else NOT_ARTICLE)
            return
        self._outcome("article")
        yield replace(article, capture=response.meta.get(META_CAPTURE))
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if etag or modified:
            yield PageValidators(article.url, _text(etag), _text(modified))

    # ------------------------------------------------------------------ failures

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if not self.crawler.crawling:
            return  # stopped (Ctrl-C): not the page's failure; --resume walks to it again
        if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
            self.crawler.stats.inc_value("partyfield/robots_disallowed")
            self._outcome("robots")
            logger.info("robots.txt disallows %s", request.url)
            return
        reason = describe_error(error)
        paging, page = request.cb_kwargs.get("paging"), request.cb_kwargs.get("page", 1)
        gone = _gone_status(request, error)
        if gone is not None:
            self._outcome("gone")
            yield PageGone(_archived_url(request), gone)
        elif self._is_transient(error) and not request.meta.get(META_LAST_TRY):
            logger.info("%s failed (%s); one more try at the end of the run", request.url, reason)
            self.awaiting_last_try.append((request, reason))
        else:
            if isinstance(paging, ListPaging):
                self.walks.broken.add(paging.section_url)
                self.crawler.stats.inc_value("partyfield/list_pages/failed")
                reason = paging.on_page(page, reason)
            first_url = request.meta.get("redirect_urls", [request.url])[0]
            yield self._failed(first_url, "fetch", reason)
        if isinstance(paging, ListPaging) and paging.pages:
            yield from self._continue_walk(request, paging, page)

    def on_idle(self) -> None:
        """Failed pages get their one more try once nothing else is left, after a pause."""
        if not self.awaiting_last_try:
            return
        if self._last_try_call is None:
            logger.info("%d pages failed; trying them once more in %.0f s",
                        len(self.awaiting_last_try), self.retry_pause)  # fmt: skip
            self._last_try_call = call_later(self.retry_pause, self._try_once_more)
        raise DontCloseSpider

    def _try_once_more(self) -> None:
        self._last_try_call = None
        waiting, self.awaiting_last_try = self.awaiting_last_try, []
        assert self.crawler.engine is not None
        for request, _reason in waiting:
            self.crawler.stats.inc_value("partyfield/requests/last_tries")
            meta = {**request.meta, META_LAST_TRY: True, "dont_retry": True}
            self.crawler.engine.crawl(request.replace(dont_filter=True, meta=meta))

    def unsettled_failures(self) -> list[PageFailure]:
        """Pages still waiting for their last try when the run stopped: failures, as they are.
        Called once, by the archive pipeline as the run closes."""
        waiting, self.awaiting_last_try = self.awaiting_last_try, []
        for request, _why in waiting:
            paging = request.cb_kwargs.get("paging")
            if isinstance(paging, ListPaging):
                self.walks.broken.add(paging.section_url)
        reason = "{} (not tried again: the run stopped first)"
        return [self._failed(request.url, "fetch", reason.format(why)) for request, why in waiting]

    def on_dropped(self, request: Request) -> None:
        """The duplicate filter dropped a request: the same page was asked for already."""
        self._outcome("duplicate")

    # ------------------------------------------------------------------ the ledger

    def _made(self, request: RequestT) -> RequestT:
        self.crawler.stats.inc_value(SCHEDULED)
        return request

    def _drop_offsite(self, url: str) -> None:
        """A list links to another site: the request it would be is made and dropped at once."""
        self.crawler.stats.inc_value(SCHEDULED)
        self._outcome("offsite")
        logger.info("not following %s: another site", url)

    def _outcome(self, outcome: Outcome) -> None:
        if self.outcome_sink is not None:  # a shared crawl: counted where the outcome lands
            self.outcome_sink.append(outcome)
            return
        self.crawler.stats.inc_value(outcome_key(outcome))

    def _failed(self, url: str, stage: Stage, reason: str) -> PageFailure:
        self._outcome("error")
        return PageFailure(url, stage, reason)

    def _is_transient(self, error: BaseException | None) -> bool:
        """Failures that may pass: those Scrapy retries, and server overload."""
        if isinstance(error, HttpError):
            return error.response.status in TRANSIENT_HTTP
        return isinstance(error, self.transient_errors) and not isinstance(error, IgnoreRequest)

    def _is_offsite(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return not any(same_site(host, allowed) for allowed in self.allowed_domains)

    def _note_known_pages(self, page_count: int, page_size: int | None) -> None:
        """What progress lines count toward: list pages, and the articles they will list."""
        stats = self.crawler.stats
        stats.inc_value("partyfield/known/list_pages", page_count)
        if page_size:
            stats.inc_value("partyfield/known/articles", page_count * page_size)


RequestT = TypeVar("RequestT", bound=Request)


def _archived_url(response: Response | Request) -> str:
    """The URL the page's article is archived under (the list entry's, before redirects)."""
    entry = response.meta.get(META_ENTRY)
    return entry.url if isinstance(entry, ListEntry) else response.url


def _later_page(paging: ListPaging) -> PageRead:
    """How a section's later list pages are read: by the layout of its first page."""
    return PageRead("list", paging.layout, follows_next=not paging.pages)


def _gone_status(request: Request, error: BaseException | None) -> int | None:
    """404 or 410, when an article page (one a list linked to) answered it."""
    if not isinstance(request.meta.get(META_ENTRY), ListEntry) or not isinstance(error, HttpError):
        return None
    status = error.response.status
    return status if status in GONE_STATUSES else None


def _text(header: bytes | None) -> str | None:
    return header.decode("latin-1") if header else None
