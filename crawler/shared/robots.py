"""robots.txt once per site per shared crawl: the coordinator fetches it, workers read it.

The coordinator asks for a site's robots.txt before its first list page, as on one machine,
and leaves the body in Redis; a worker parses that body instead of fetching the file again
(it keeps the parsed file ``ROBOTS_KEPT_SECONDS``, since a worker outlives crawls). A site
whose robots.txt could not be fetched is left as Scrapy leaves it: everything allowed.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler.shared.link import CrawlKeys, RedisLost, link_of

ROBOTS_KEPT_SECONDS = 600.0
UNREADABLE = b"\x00"  # the coordinator could not fetch it: allow all, as Scrapy does


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.server = link_of(crawler)
        self.keys = CrawlKeys()
        self.is_worker = crawler.settings.get("PARTYFIELD_SHARED_ROLE") == "worker"
        self._read_at: dict[str, float] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        if not self.is_worker:
            return await super().robot_parser(request)
        netloc = urlparse_cached(request).netloc
        read_at = self._read_at.get(netloc)
        if read_at is None or time.monotonic() - read_at >= ROBOTS_KEPT_SECONDS:
            try:
                body: Any = self.server.hget(self.keys.robots, netloc)
            except RedisLost:
                return None  # the crawl is stopping
            if body is None:  # not fetched by the coordinator (it always is): fetch it here
                self._parsers.pop(netloc, None)
                return await super().robot_parser(request)
            self._read_at[netloc] = time.monotonic()
            self._parsers[netloc] = (
                None if body == UNREADABLE
                else build_from_crawler(self._parserimpl, self.crawler, body)
            )  # fmt: skip
        found: Any = self._parsers.get(netloc)
        return found if isinstance(found, RobotParser) else None

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._share(netloc, response.body)
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._share(netloc, UNREADABLE)
        super()._robots_error(exc, netloc)

    def _share(self, netloc: str, body: bytes) -> None:
        with contextlib.suppress(RedisLost):  # the crawl is stopping
            self.server.hset(self.keys.robots, netloc, body)
