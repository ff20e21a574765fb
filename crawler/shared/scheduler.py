"""The scheduler of a shared crawl: scrapy-redis's, with leased tickets.

On the coordinator, article requests (those a list entry made) go to the shared queue through
scrapy-redis's duplicate filter; list pages stay in a local queue, since walking a section
keeps state in the coordinator's spider and incremental decisions read its archive. Every
process — coordinator and workers — takes article requests from the shared queue, each leased
to it and renewed every third of ``PARTYFIELD_LEASE_SECONDS`` while it works. A retry or
redirect of a leased request stays with the process that holds the lease.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import time
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.shared.link import CrawlKeys, RedisLost, link_of, partyfield_version
from crawler.shared.queue import LeasedQueue, OtherVersion
from crawler.shared.results import META_TICKET, SharedTicket
from crawler.spiders.party import META_ENTRY

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1  # an idle process asks the queue this often
PREFETCH = 2  # leased requests a process keeps waiting for a download slot, at most
PENDING_CACHE_SECONDS = 0.05  # how long "the crawl has work left" may be answered from memory


class SharedScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis has no type hints
    def __init__(self, crawler: Crawler, role: str, holder: str) -> None:
        settings = crawler.settings
        server = link_of(crawler)
        self.keys = CrawlKeys()
        dupefilter = RFPDupeFilter(server, key=self.keys.dupefilter)
        super().__init__(server, persist=True, dupefilter=dupefilter)
        self.crawler = crawler
        self.stats = crawler.stats
        self.role = role  # "coordinator" or "worker"
        self.holder = holder
        self.lease_seconds = settings.getfloat("PARTYFIELD_LEASE_SECONDS")
        self.local: list[tuple[int, int, Request]] = []  # (-priority, order, request)
        self._order = itertools.count()
        self.held: set[str] = set()  # tickets leased to this process, not sent back yet
        self.other_version: str | None = None
        self._pending: tuple[float, bool] = (0.0, True)
        self._loops: list[LoopingCall] = []
        self._found_nothing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        settings = crawler.settings
        return cls(crawler, settings["PARTYFIELD_SHARED_ROLE"], settings["PARTYFIELD_HOLDER"])

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = LeasedQueue(self.server, spider, self.keys, self.holder,
                                 self.lease_seconds, partyfield_version())  # fmt: skip
        renew = LoopingCall(self._renew)
        renew.start(self.lease_seconds / 3, now=False)
        poll = LoopingCall(self._poll)
        poll.start(POLL_SECONDS, now=False)
        self._loops = [renew, poll]

    def close(self, reason: str) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self.held:  # stopping with requests in hand: they go back to the queue at once
            try:
                back = self.queue.give_back(sorted(self.held))
            except RedisLost:
                return  # their leases lapse instead
            logger.info("handed %d leased requests back to the shared queue", back)
            self.held.clear()

    # ------------------------------------------------------------------ in

    def enqueue_request(self, request: Request) -> bool:
        if isinstance(request.meta.get(META_TICKET), SharedTicket):
            self._keep_local(request)  # a retry or redirect of a leased request
            return True
        if self.role == "coordinator" and not request.meta.get(META_ENTRY):
            self._keep_local(request)  # a list page
            return True
        # scrapy-redis's fingerprint and set, checked and queued in one step (see queue.py)
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        try:
            if self.queue.push(request, fingerprint) is None:
                return False
        except RedisLost:
            return True  # the crawl is stopping; a resumed one walks to this request again
        self.stats.inc_value("scheduler/enqueued/redis")
        self._pending = (time.monotonic(), True)
        return True

    def _keep_local(self, request: Request) -> None:
        heapq.heappush(self.local, (-request.priority, next(self._order), request))
        self.stats.inc_value("scheduler/enqueued/memory")

    # ------------------------------------------------------------------ out

    def next_request(self) -> Request | None:
        if self.local:
            return heapq.heappop(self.local)[2]
        if self.other_version is not None or self._waiting_for_slots() >= PREFETCH:
            return None  # what this process cannot download now is left to the others
        try:
            popped = self.queue.pop()
        except OtherVersion as exc:
            self.other_version = exc.running
            return None
        except RedisLost:
            return None
        if popped is None:
            self._found_nothing = True
            return None
        if popped.reclaimed:
            logger.info("%d expired leases went back to the shared queue", popped.reclaimed)
        self.held.add(popped.ticket)
        popped.request.meta[META_TICKET] = SharedTicket(popped.ticket)
        self.stats.inc_value("scheduler/dequeued/redis")
        return popped.request

    def _waiting_for_slots(self) -> int:
        """Requests queued in this process's download slots behind their site's concurrency
        or delay. Scrapy would take up to CONCURRENT_REQUESTS from the queue and hold them
        there; reads the downloader's slots, which Scrapy has no public call for."""
        engine: Any = self.crawler.engine
        slots = getattr(getattr(engine, "downloader", None), "slots", {})
        return sum(len(getattr(slot, "queue", ())) for slot in slots.values())

    def sent_back(self, ticket: str) -> None:
        """The ticket's outcome is on its way to the coordinator: no more renewing."""
        self.held.discard(ticket)

    def has_pending_requests(self) -> bool:
        if self.local:
            return True
        if self.role == "worker":
            return True  # a worker waits for work until it is stopped
        at, pending = self._pending
        if time.monotonic() - at > PENDING_CACHE_SECONDS:
            try:
                pending = len(self.queue) > 0
            except RedisLost:
                return True  # unknown: the stop, not an empty queue, ends this run
            self._pending = (time.monotonic(), pending)
        return pending

    # ------------------------------------------------------------------ timers

    def _renew(self) -> None:
        with contextlib.suppress(RedisLost):  # said once, and the crawl stops
            self.queue.renew(sorted(self.held))

    def _poll(self) -> None:
        """Scrapy asks the scheduler again only every 5 s once it returned nothing; a shared
        queue fills from other processes, so the engine is nudged sooner. Reads the engine's
        slot, which Scrapy has no public call for."""
        if not self._found_nothing:
            return
        self._found_nothing = False
        engine: Any = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()
