"""The Scrapy settings of a shared crawl's processes, and the worker's run.

The coordinator and the workers run partyfield's own settings with four changes: the
scheduler is ``SharedScheduler``; robots.txt is read through Redis; the coordinator gains
``ResultConsumer``; a worker has no item pipelines, incremental middleware or progress lines,
since it archives nothing itself.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from crawler.errors import SharedCrawlError
from crawler.shared.coordinator import holder_name
from crawler.shared.link import CrawlKeys, connect, partyfield_version
from crawler.store.schema import utc_now

logger = logging.getLogger(__name__)
ROBOTS = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"


def shared_settings(settings: Settings, redis_url: str, role: str) -> None:
    """Turn ``settings`` into those of a coordinator's or a worker's process."""
    settings.set("PARTYFIELD_REDIS", redis_url, priority="cmdline")
    settings.set("PARTYFIELD_SHARED_ROLE", role, priority="cmdline")
    settings.set("PARTYFIELD_HOLDER", holder_name(), priority="cmdline")
    settings.set("SCHEDULER", "crawler.shared.scheduler.SharedScheduler", priority="cmdline")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares.update({ROBOTS: None, "crawler.shared.robots.SharedRobotsTxtMiddleware": 100})
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")
    if role == "coordinator":
        extensions["crawler.shared.coordinator.ResultConsumer"] = 600
    else:
        extensions["crawler.progress.Progress"] = None
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        settings.set("SPIDER_MIDDLEWARES", {}, priority="cmdline")
    settings.set("EXTENSIONS", extensions, priority="cmdline")


def check_can_join(redis_url: str) -> redis.Redis:
    """Redis, once checked usable and not running another version's crawl (else raises
    SharedCrawlError)."""
    server = connect(redis_url)
    running: Any = server.hget(CrawlKeys().crawl, "version")
    if running is not None and running.decode() != partyfield_version():
        raise SharedCrawlError(redis_url, _other_version(running.decode()))
    return server


def _other_version(running: str) -> str:
    return (f"this worker is partyfield {partyfield_version()}, the crawl's coordinator "
            f"runs {running}: install the same version to join")  # fmt: skip


def run_worker(settings: Settings, redis_url: str) -> str:
    """Serve the shared queue until SIGTERM/SIGINT; returns why it stopped. Blocks."""
    from crawler.runner import stop_promptly_on_signals
    from crawler.shared.spiders import WorkerSpider

    server = check_can_join(redis_url)
    shared_settings(settings, redis_url, "worker")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WorkerSpider)
    stopped: dict[str, Any] = {}

    def watch_version() -> None:
        scheduler: Any = crawler.engine.scheduler if crawler.engine else None
        if scheduler is not None and scheduler.other_version and "why" not in stopped:
            stopped["why"] = _other_version(scheduler.other_version)
            deferred_from_coro(crawler.stop_async())

    watchers: list[LoopingCall] = []  # made once the crawl installed its reactor

    keys, name = CrawlKeys(), holder_name()
    about = json.dumps({"version": partyfield_version(), "since": utc_now()})

    def opened() -> None:
        watchers.append(LoopingCall(watch_version))
        watchers[0].start(1.0, now=False)
        server.hset(keys.workers, name, about)
        logger.info("worker %s waiting for requests on %s", name, redis_url)

    def closed() -> None:
        for watcher in watchers:
            if watcher.running:
                watcher.stop()
        server.hdel(keys.workers, name)

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
    process.crawl(crawler)
    stop_promptly_on_signals(crawler)
    process.start(install_signal_handlers=False)
    if "why" in stopped:
        raise SharedCrawlError(redis_url, stopped["why"])
    lost = getattr(crawler, "partyfield_redis", None)
    if lost is not None and lost.lost is not None:
        raise SharedCrawlError(redis_url, f"lost Redis ({lost.lost})")
    return str((crawler.stats.get_stats() if crawler.stats else {}).get("finish_reason", ""))
