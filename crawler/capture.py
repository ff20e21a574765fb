"""Capturing every HTTP exchange of a crawl for the WARC files.

A downloader middleware placed next to the download handler, so that it sees each response
as the server sent it — before decompression, redirects or retries act on it — and each
request with the headers that went out. It turns the two into an ``Exchange``, names its
record in the request's meta (the spider copies that onto the article) and hands it on with
the ``exchange_captured`` signal: the archive pipeline, the archive's only writer, writes it.
robots.txt, list pages (list.do POSTs with their bodies), redirects and error answers pass
through here like article pages do. In a shared crawl, a leased request's exchanges go to the
coordinator with its outcome instead (``crawler.shared.results``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response

from crawler.shared.results import META_TICKET
from crawler.warc import Exchange

exchange_captured = object()  # a Scrapy signal; sent with ``exchange=Exchange``
META_CAPTURE = "partyfield_capture"  # request meta: WARC-Record-ID of its response's record


class CaptureMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureMiddleware:
        if not crawler.settings.getbool("PARTYFIELD_WARC"):
            raise NotConfigured  # no message: Scrapy would log a warning for it
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        exchange = exchange_of(request, response, datetime.now(UTC))
        request.meta[META_CAPTURE] = exchange.record_id
        ticket = request.meta.get(META_TICKET)
        if ticket is not None:  # a shared crawl's leased request: it travels with the outcome
            ticket.exchanges.append(exchange)
        else:
            self.crawler.signals.send_catch_log(exchange_captured, exchange=exchange)
        return response


def exchange_of(request: Request, response: Response, at: datetime) -> Exchange:
    request_headers = _pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in request_headers):
        request_headers = (("Host", urlsplit(request.url).netloc), *request_headers)
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=request_headers,
        request_body=request.body,
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        response_headers=_pairs(response.headers),
        body=response.body,
        fetched_at=at,
    )


def _pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    )
