"""The HTTP download handler: Scrapy's, with Twisted's quiet second try off once a run stops.

Twisted's connection pool sends a GET again, unseen, when the connection it went out on drops
before an answer: right for a stale keep-alive connection, wrong when partyfield aborts the
connections itself to stop within seconds (``crawler.runner``), since the page would then be
asked for again and the stop would wait for it. The runner sends ``run_stopping`` first.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler

run_stopping = object()  # a Scrapy signal: the run is stopping, drop rather than resend


class StoppableHTTPHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        crawler.signals.connect(self.stop_resending, signal=run_stopping)

    def stop_resending(self) -> None:
        self._pool.retryAutomatically = False
