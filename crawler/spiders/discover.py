"""The ``discover`` spider: front pages → links named as party columns → is each a list?

It only follows links: ``crawler.extract.columns`` names the candidates, ``parse_list`` says
whether a candidate lists articles and in which layout. Nothing is archived.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.errors import ConfigError, ExtractError
from crawler.extract import parse_list, selector_for
from crawler.extract.columns import ColumnLink, party_columns, sitemap_link
from crawler.extract.urls import check_start_url
from crawler.items import DiscoveredColumn, FrontPageFailure, RejectedColumn
from crawler.spiders.failures import describe_error
from crawler.spiders.shared import response_charset, split_urls

logger = logging.getLogger(__name__)
SITEMAP_RANKS = 10_000  # columns found on a sitemap rank after the front page's


class DiscoverSpider(Spider):
    name = "discover"
    # Nothing is archived: no archive pipelines, no incremental skips, no progress lines.
    custom_settings = {  # noqa: RUF012 (Scrapy's own attribute, read once per crawl)
        "ITEM_PIPELINES": {},
        "SPIDER_MIDDLEWARES": {"crawler.incremental.IncrementalMiddleware": None},
        "EXTENSIONS": {"crawler.progress.Progress": None},
        "RETRY_TIMES": 1,
        "PARTYFIELD_WARC": False,  # it archives nothing
    }

    def __init__(self, front_pages: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.front_pages = [check_start_url(url) for url in split_urls(front_pages)]
        if not self.front_pages:
            raise ConfigError("no front page: pass -a front_pages=URL")
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.front_pages})

    async def start(self) -> AsyncIterator[Request]:
        for url in self.front_pages:
            yield Request(url, callback=self.parse_front, errback=self.on_front_error,
                          cb_kwargs={"front": url}, dont_filter=True)  # fmt: skip

    def parse_front(
        self, response: Response, front: str, from_sitemap: bool = False
    ) -> Iterator[Any]:
        """Candidates from the front page (or its sitemap), each asked for once."""
        if not isinstance(response, TextResponse):
            if not from_sitemap:
                yield FrontPageFailure(front, "not an HTML page")
            return
        try:
            sel = selector_for(
                response.body, url=response.url, http_charset=response_charset(response)
            )
        except ExtractError as exc:
            yield FrontPageFailure(front, exc.reason)
            return
        first = SITEMAP_RANKS if from_sitemap else 0
        for rank, column in enumerate(party_columns(response.url, sel), start=first):
            yield Request(column.url, callback=self.parse_column, errback=self.on_column_error,
                          cb_kwargs={"front": front, "column": column, "rank": rank})  # fmt: skip
        sitemap = sitemap_link(response.url, sel)
        if sitemap and not from_sitemap:
            yield Request(sitemap, callback=self.parse_front, errback=self.on_sitemap_error,
                          cb_kwargs={"front": front, "from_sitemap": True})  # fmt: skip

    def parse_column(
        self, response: Response, front: str, column: ColumnLink, rank: int
    ) -> Iterator[Any]:
        try:
            listing = parse_list(
                response.url, response.body, http_charset=response_charset(response)
            )
        except ExtractError as exc:
            yield RejectedColumn(front, column.url, column.name, exc.reason)
            return
        if listing is None or not listing.article_entries():
            yield RejectedColumn(front, column.url, column.name, "not a list of articles")
            return
        yield DiscoveredColumn(front, column.url, column.name, listing.layout, rank)

    def on_front_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        yield FrontPageFailure(request.cb_kwargs["front"], describe_error(failure.value))

    def on_column_error(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        column: ColumnLink = request.cb_kwargs["column"]
        reason = describe_error(failure.value)
        yield RejectedColumn(request.cb_kwargs["front"], column.url, column.name, reason)

    def on_sitemap_error(self, failure: Failure) -> None:
        url = failure.request.url  # type: ignore[attr-defined]
        logger.info("no sitemap at %s: %s", url, describe_error(failure.value))
