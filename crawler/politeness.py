"""AutoThrottle that may only slow a site down: a site's own delay is a floor it never goes under.

Scrapy's AutoThrottle sets every download slot's delay from the latencies it sees, bounded only
by DOWNLOAD_DELAY, so a sites-file ``delay = 3.0`` (a ``DOWNLOAD_SLOTS`` entry) shrinks to the
server's latency within a few pages. A per-site delay is a promise to the site's owner: here
it bounds AutoThrottle's adjustments from below, and the sites file turns jitter off for it
(``crawler.sites``), so no two requests to the site start closer than that.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class PoliteAutoThrottle(AutoThrottle):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {key: float(s["delay"]) for key, s in slots.items() if "delay" in s}

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key in self.floors and slot is not None:
            slot.delay = max(slot.delay, self.floors[key])
