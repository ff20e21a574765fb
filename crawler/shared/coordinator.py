"""The coordinator of a shared crawl: claims the Redis database, and archives what comes back.

``prepare_crawl`` runs before the crawl: it claims the database for this coordinator (one at
a time, renewed while it runs), starts a fresh crawl (or, with ``--resume``, keeps the queue,
leases and unread results of a killed one), and publishes the version workers must match and
every site's pace. ``ResultConsumer`` reads the results stream while the crawl runs: each
bundle's exchanges go to the WARC files, its items through the item pipelines (validation,
then the archive), its outcomes into the run's ledger; then its ticket is settled and its
entry acknowledged, in one step, after the archive committed. A bundle whose ticket is
already settled (a lease that expired while its worker was slow) is acknowledged unread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from twisted.internet.task import LoopingCall

from crawler.capture import exchange_captured
from crawler.errors import ArchiveLocked
from crawler.ledger import SCHEDULED, outcome_key
from crawler.shared.link import (
    RESULTS_GROUP,
    CrawlKeys,
    RedisLost,
    connect,
    link_of,
    partyfield_version,
)
from crawler.shared.pace import SharedPace, pace_config
from crawler.shared.queue import LeasedQueue
from crawler.shared.results import Bundle, Delivery, ResultStream
from crawler.store.schema import utc_now

logger = logging.getLogger(__name__)
CLAIM_SECONDS = 15  # a coordinator that stops renewing its claim loses it after this
READ_EVERY = 0.02  # seconds between reads of the results stream
BATCH = 200  # stream entries read and settled at once


@dataclass(frozen=True)
class Claim:
    """This process coordinates the crawl on the Redis database."""

    server: redis.Redis
    keys: CrawlKeys
    token: str  # JSON naming the holder
    took_over: str | None = None  # the killed coordinator whose claim this one took

    def renew(self) -> bool:
        return bool(self.server.set(self.keys.coordinator, self.token, xx=True,
                                    px=CLAIM_SECONDS * 1000))  # fmt: skip

    def release(self) -> None:
        with contextlib.suppress(RedisLost):  # else the claim lapses by itself
            if self.server.get(self.keys.coordinator) == self.token.encode():
                self.server.delete(self.keys.coordinator)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(server: redis.Redis, keys: CrawlKeys, db: str, redis_url: str) -> Claim:
    """Claim the database, or raise ArchiveLocked naming who has it. A claim left by a killed
    coordinator on this host is taken over at once (its process is gone)."""
    token = json.dumps({"holder": holder_name(), "db": db, "since": utc_now()})
    if server.set(keys.coordinator, token, nx=True, px=CLAIM_SECONDS * 1000):
        return Claim(server, keys, token)
    raw = server.get(keys.coordinator)
    held = json.loads(raw) if raw else {}
    host, _, pid = str(held.get("holder", "")).rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        server.set(keys.coordinator, token, px=CLAIM_SECONDS * 1000)
        return Claim(server, keys, token, took_over=str(held["holder"]))
    raise ArchiveLocked(
        f"another coordinator ({held.get('holder')}, archive {held.get('db')}) runs a crawl "
        f"on {redis_url}; a killed one's claim lapses within {CLAIM_SECONDS} s"
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_crawl(settings: BaseSettings, db: str, resume: bool) -> tuple[Claim, int]:
    """Claim the database and set the crawl up; returns the claim and how many requests a
    killed crawl left unsettled (they are this run's too)."""
    url = settings["PARTYFIELD_REDIS"]
    server = connect(url)
    keys = CrawlKeys()
    held = claim(server, keys, db, url)
    if held.took_over:  # the killed coordinator's turns at its sites would block them a while
        SharedPace(server, keys, "coordinator", 0).end_turns_of(held.took_over)
    if resume:
        forget_settled(server, keys)
    else:
        paced = list(server.scan_iter(match=keys.pace_state("*")))
        server.delete(*keys.crawl_keys(), *paced)
    carried = int(server.hlen(keys.requests))
    ResultStream(server, keys).create_group()
    server.hset(keys.crawl, mapping={"version": partyfield_version(), "state": "running",
                                     "started": utc_now(), "db": db})  # fmt: skip
    SharedPace(server, keys, "coordinator", 0).publish(pace_config(settings))
    return held, carried


def forget_settled(server: redis.Redis, keys: CrawlKeys) -> None:
    """A resumed crawl's duplicate filter holds only the requests still unsettled, as a
    resumed single-machine crawl forgets which requests it sent: the walk asks again for
    pages that failed before the kill, or waited for their one more try in the dead
    coordinator's memory; those still queued or leased are not asked for twice."""
    dupefilter = RFPDupeFilter(server, key=keys.dupefilter)
    fingerprints = []
    for _ticket, encoded in server.hscan_iter(keys.requests):
        fields = picklecompat.loads(encoded)
        request = Request(fields["url"], method=fields["method"], body=fields["body"])
        fingerprints.append(dupefilter.request_fingerprint(request))
    server.delete(keys.dupefilter)
    if fingerprints:
        server.sadd(keys.dupefilter, *fingerprints)


class ResultConsumer:
    """A Scrapy extension of the coordinator: applies the bundles of the results stream."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.server = link_of(crawler)
        self.keys = CrawlKeys()
        self.stream = ResultStream(self.server, self.keys)
        self.holder = crawler.settings["PARTYFIELD_HOLDER"]
        self.queue: LeasedQueue | None = None
        self.claim: Claim | None = None
        self._loops: list[LoopingCall] = []
        self._busy = False
        self._again = True  # first, what a killed coordinator read and never acknowledged

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResultConsumer:
        if crawler.settings.get("PARTYFIELD_SHARED_ROLE") != "coordinator":
            raise NotConfigured
        consumer = cls(crawler)
        crawler.signals.connect(consumer.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(consumer.spider_closed, signal=signals.spider_closed)
        return consumer

    def spider_opened(self) -> None:
        scheduler: Any = self.crawler.engine.scheduler if self.crawler.engine else None
        self.queue = scheduler.queue
        carried = self.crawler.settings.getint("PARTYFIELD_SHARED_CARRIED")
        if carried:
            self.stats.inc_value(SCHEDULED, carried)
            logger.info("resuming: %d requests of the killed run are still in Redis", carried)
        read = LoopingCall(self._tick)
        read.start(READ_EVERY, now=False)
        self.claim = Claim(self.server, self.keys, self.crawler.settings["PARTYFIELD_CLAIM"])
        keep = LoopingCall(self._keep_claim)
        keep.start(CLAIM_SECONDS / 3, now=False)
        self._loops = [read, keep]

    def spider_closed(self, reason: str) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        own = int(self.stats.get_value("downloader/request_count", 0))
        self.stats.set_value(f"partyfield/workers/{self.holder}/pages", own)
        with contextlib.suppress(RedisLost):  # else the claim lapses by itself
            self._close_crawl(reason)

    def _close_crawl(self, reason: str) -> None:
        state = "finished" if reason == "finished" else "interrupted"
        self.server.hset(self.keys.crawl, "state", state)
        expired = int(self.server.hget(self.keys.crawl, "leases_expired") or 0)
        self.stats.set_value("partyfield/shared/leases_expired", expired)
        if self.claim is not None:
            self.claim.release()

    def _keep_claim(self) -> None:
        try:
            renewed = self.claim is None or self.claim.renew()
        except RedisLost:
            return
        if not renewed:
            logger.error("lost the claim on the Redis database: stopping")
            deferred_from_coro(self.crawler.stop_async())

    def _tick(self) -> None:
        if self._busy:
            return
        self._busy = True
        done = deferred_from_coro(self._drain())
        done.addErrback(self._failed)
        done.addBoth(self._not_busy)

    def _failed(self, failure: Any) -> None:
        if not failure.check(RedisLost):  # a lost Redis is said once, by crawler.shared.link
            logger.error("archiving results failed: %s", failure.getErrorMessage())

    def _not_busy(self, _result: Any) -> None:
        self._busy = False

    async def _drain(self) -> None:
        while True:
            deliveries = self.stream.read(BATCH, again=self._again)
            if not deliveries:
                if not self._again:
                    return
                self._again = False
                continue
            await self._apply_all(deliveries)

    async def _apply_all(self, deliveries: list[Delivery]) -> None:
        assert self.queue is not None
        tickets = [delivery.bundle.ticket for delivery in deliveries]
        applied: set[str] = set()
        for delivery, unsettled in zip(deliveries, self.queue.unsettled(tickets), strict=True):
            ticket = delivery.bundle.ticket
            if unsettled and ticket not in applied:
                applied.add(ticket)
                await self._apply(delivery.bundle)
            else:
                self.stats.inc_value("partyfield/shared/late_results")
        self.queue.settle(tickets, RESULTS_GROUP, [delivery.entry_id for delivery in deliveries])

    async def _apply(self, bundle: Bundle) -> None:
        for exchange in bundle.exchanges:
            self.crawler.signals.send_catch_log(exchange_captured, exchange=exchange, once=True)
        scraper: Any = self.crawler.engine.scraper if self.crawler.engine else None
        for item in bundle.items:
            await scraper.start_itemproc_async(item, response=None)
        for outcome in bundle.outcomes:
            self.stats.inc_value(outcome_key(outcome))  # type: ignore[arg-type]
        if bundle.holder != self.holder:
            self.stats.inc_value(f"partyfield/workers/{bundle.holder}/pages", bundle.downloads)
            self.stats.inc_value("partyfield/shared/remote_requests", bundle.downloads)
        spider: Any = self.crawler.spider
        for request_dict, why in bundle.last_tries:
            spider.awaiting_last_try.append((request_from_dict(request_dict, spider=spider), why))
