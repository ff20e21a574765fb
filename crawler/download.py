"""The HTTP download handler: Scrapy's, with Twisted's quiet second try off once a run stops.

Twisted's connection pool sends a GET again, unseen, when the connection it went out on drops
before an answer: right for a stale keep-alive connection, wrong when partyfield aborts the
connections itself to stop within seconds (``crawler.runner``), since the page would then be
asked for again and the stop would wait for it. The runner sends ``run_stopping`` first.

In a shared crawl (``PARTYFIELD_REDIS``) every download first takes its site's turn from
Redis (``crawler.shared.pace``), and a leased request counts its downloads on its ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response

if TYPE_CHECKING:
    from crawler.shared.pace import SharedPace

run_stopping = object()  # a Scrapy signal: the run is stopping, drop rather than resend


class StoppableHTTPHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        crawler.signals.connect(self.stop_resending, signal=run_stopping)
        self.pace = shared_pace(crawler)

    def stop_resending(self) -> None:
        self._pool.retryAutomatically = False
        if self.pace is not None:
            self.pace.stopping = True

    async def download_request(self, request: Request) -> Response:
        from crawler.shared.results import META_TICKET

        ticket = request.meta.get(META_TICKET)
        if ticket is not None:
            ticket.downloads += 1
        if self.pace is None:
            return await super().download_request(request)
        token = await self.pace.take_turn(request)
        try:
            return await super().download_request(request)
        finally:
            self.pace.end_turn(request, token)


def shared_pace(crawler: Crawler) -> SharedPace | None:
    url = crawler.settings.get("PARTYFIELD_REDIS")
    if not url:
        return None
    from crawler.shared.link import CrawlKeys, link_of
    from crawler.shared.pace import SharedPace

    holder = crawler.settings.get("PARTYFIELD_HOLDER") or "partyfield"
    timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
    return SharedPace(link_of(crawler), CrawlKeys(), holder, timeout)
