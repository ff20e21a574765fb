"""The ``party`` spider: section list pages → list.do pages → detail pages.

It discovers and requests; ``crawler.extract`` reads every page, the pipelines store.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import FormRequest, Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawler.errors import ConfigError, ExtractError
from crawler.extract import Yun300List, extract, file_article, parse_list
from crawler.extract.urls import check_start_url
from crawler.items import Article, PageFailure, SectionPaged
from crawler.settings import user_agent

logger = logging.getLogger(__name__)


# Request meta keys read by crawler.incremental.IncrementalMiddleware.
META_ENTRY = "partyfield_entry"  # on detail requests: the ListEntry the list showed
META_SECTION = "partyfield_section"  # on list.do requests: the section's start URL
META_PREVIOUS_PAGE = "partyfield_previous_page"  # on list.do requests: URLs of the page before


@dataclass(frozen=True)
class ListPaging:
    """What later list.do requests of one section need from its first page."""

    section_url: str
    section: str | None  # the column's name, from page 1 (list.do fragments do not show it)
    endpoint: str
    form: tuple[tuple[str, str], ...]  # list.do fields except currentPage
    page_count: int

    def form_for(self, page: int) -> dict[str, str]:
        return {**dict(self.form), "currentPage": str(page)}


def split_urls(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]


class PartySpider(Spider):
    name = "party"

    def __init__(self, start_url: str | None = None, start_urls: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.start_urls = split_urls(start_url) + split_urls(start_urls)
        if not self.start_urls:
            raise ConfigError("no start URL: pass -a start_url=URL (a section list page)")
        for url in self.start_urls:
            check_start_url(url)
        self.allowed_domains = sorted({urlsplit(url).hostname or "" for url in self.start_urls})

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # The User-Agent names the contact URL; a -s USER_AGENT=… of the user's still wins.
        contact = settings.get("PARTYFIELD_CONTACT_URL")
        settings.set("USER_AGENT", user_agent(contact), priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.start_urls:
            # dont_filter: a resumed run walks its sections again (see crawler.runner).
            yield Request(url, callback=self.parse_section, errback=self.on_error, dont_filter=True)

    def parse_section(self, response: Response) -> Iterator[Any]:
        """Page 1 of a section: its articles, then the chain of list.do pages."""
        if not isinstance(response, TextResponse):
            yield PageFailure(response.url, "extract", "start URL is not an HTML page")
            return
        listing = parse_list(response.url, response.body, http_charset=_charset(response))
        if listing.component_id() is None:
            # Not a yun300 list: the user may have given one article's URL.
            yield from self.parse_detail(response)
            return
        paging = ListPaging(
            section_url=response.request.url if response.request else response.url,
            section=listing.section(),
            endpoint=listing.list_endpoint(),
            form=tuple((k, v) for k, v in listing.list_do_form(1).items() if k != "currentPage"),
            page_count=listing.page_count(),
        )
        yield from self._list_page(response, listing, paging, 1)

    def parse_list_page(self, response: Response, paging: ListPaging, page: int) -> Iterator[Any]:
        """A list.do fragment: its articles, then the next page while there is one."""
        listing = parse_list(paging.section_url, response.body, http_charset=_charset(response))
        yield from self._list_page(response, listing, paging, page)

    def _list_page(
        self, response: Response, listing: Yun300List, paging: ListPaging, page: int
    ) -> Iterator[Any]:
        """Detail requests for the page's entries, then the next page or ``SectionPaged``.

        An entry linking straight to a file is an article of its own, recorded unfetched.
        """
        self.crawler.stats.inc_value("partyfield/list_pages")
        entries, files = listing.entries(), listing.file_entries()
        if not entries and not files:
            yield PageFailure(response.url, "extract", "list page without article links")
        for entry in files:
            yield file_article(entry, paging.section)
        for entry in entries:
            yield Request(
                entry.url,
                callback=self.parse_detail,
                errback=self.on_error,
                meta={META_ENTRY: entry},
            )
        if page < paging.page_count:
            yield FormRequest(
                paging.endpoint,
                formdata=paging.form_for(page + 1),
                callback=self.parse_list_page,
                errback=self.on_error,
                cb_kwargs={"paging": paging, "page": page + 1},
                meta={
                    META_SECTION: paging.section_url,
                    META_PREVIOUS_PAGE: tuple(entry.url for entry in entries + files),
                },
            )
        else:
            yield SectionPaged(paging.section_url, paging.page_count)

    def parse_detail(self, response: Response) -> Iterator[Article | PageFailure]:
        if not isinstance(response, TextResponse):
            yield PageFailure(response.url, "extract", "not an HTML page")
            return
        try:
            article = extract(response.url, response.body, http_charset=_charset(response))
        except ExtractError as exc:
            yield PageFailure(response.url, "extract", exc.reason)
            return
        except Exception as exc:  # a page the parsers choke on: recorded, the crawl goes on
            logger.exception("extraction crashed on %s", response.url)
            yield PageFailure(response.url, "extract", f"{type(exc).__name__}: {exc}")
            return
        if article is None:
            yield PageFailure(response.url, "extract", "not an article page")
        else:
            yield article

    def on_error(self, failure: Failure) -> Iterator[PageFailure]:
        request: Request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
            self.crawler.stats.inc_value("partyfield/robots_disallowed")
            logger.info("robots.txt disallows %s", request.url)
            return
        yield PageFailure(request.url, "fetch", describe_error(error))


def describe_error(error: BaseException | None) -> str:
    """One line saying why a download failed."""
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, DNSLookupError):
        return "DNS lookup failed"
    if isinstance(error, TimeoutError | TCPTimedOutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return f"{type(error).__name__}: {error}"


def _charset(response: Response) -> str | None:
    content_type = response.headers.get("Content-Type")
    if not content_type:
        return None
    return http_content_type_encoding(content_type.decode("latin-1"))
