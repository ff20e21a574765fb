"""Progress lines while a crawl runs: pages done of pages known, articles, errors, and an ETA.

"Pages known" is what the section lists announce (their page count times their page size) or,
when more, the requests already made; pages done are requests that reached an outcome
(``crawler.ledger``). A line goes out at the start, every PARTYFIELD_PROGRESS_INTERVAL
seconds, and at the end.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.asyncio import create_looping_call

from crawler.ledger import SCHEDULED, ledger

logger = logging.getLogger(__name__)


def progress_line(stats: dict[str, Any], elapsed: float | None) -> str:
    """``120 of ~260 pages done (46%), 30 new, 2 updated, 0 unchanged, 0 errors, ETA 1m10s``;
    no ETA without ``elapsed`` (the last line)."""

    def count(key: str) -> int:
        return int(stats.get(key, 0))

    counts = ledger(stats)
    done = counts["scheduled"] - counts["unaccounted"]
    announced = count("partyfield/known/list_pages") + count("partyfield/known/articles")
    known = max(announced, count(SCHEDULED))
    errors = sum(int(v) for k, v in stats.items() if k.startswith("partyfield/errors/"))
    share = f" ({100 * done // known}%)" if known else ""
    return (
        f"{done} of ~{known} pages done{share}, "
        f"{count('partyfield/articles/new')} new, {count('partyfield/articles/updated')} updated, "
        f"{count('partyfield/articles/unchanged')} unchanged, {errors} errors"
        f"{eta(done, known, elapsed) if elapsed is not None else ''}"
    )


def eta(done: int, known: int, elapsed: float) -> str:
    if done <= 0 or known <= done or elapsed <= 0:
        return ""
    seconds = round((known - done) * elapsed / done)
    minutes, seconds = divmod(seconds, 60)
    return f", ETA {minutes}m{seconds:02d}s" if minutes else f", ETA {seconds}s"


class Progress:
    """Logs a progress line at the start, every ``interval`` seconds, and at the end."""

    def __init__(self, stats: StatsCollector, interval: float) -> None:
        self.stats = stats
        self.interval = interval
        self.task: Any = None
        self.started = time.monotonic()

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
        self.started = time.monotonic()
        logger.info("progress: crawl started")
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        elapsed = time.monotonic() - self.started
        logger.info("progress: %s", progress_line(self.stats.get_stats(), elapsed))

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        logger.info("progress: %s", progress_line(self.stats.get_stats(), None))
