"""Progress lines while a crawl runs: pages fetched, articles new/updated/unchanged, errors."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger(__name__)


def progress_line(stats: dict[str, Any]) -> str:
    def count(key: str) -> int:
        return int(stats.get(key, 0))

    errors = sum(int(v) for k, v in stats.items() if k.startswith("partyfield/errors/"))
    return (
        f"{count('response_received_count')} pages fetched, "
        f"{count('partyfield/articles/new')} new, {count('partyfield/articles/updated')} updated, "
        f"{count('partyfield/articles/unchanged')} unchanged, {errors} errors"
    )


class Progress:
    """Logs one progress line every PARTYFIELD_PROGRESS_INTERVAL seconds (0: never)."""

    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("PARTYFIELD_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler.stats, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        logger.info("progress: %s", progress_line(self.stats.get_stats()))

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
