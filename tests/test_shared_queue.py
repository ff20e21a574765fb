"""The leased queue of a shared crawl, against a real Redis: what a dead worker held comes back,
the duplicate filter does not block it, and a ticket is settled once."""

from __future__ import annotations

import time

import pytest
import redis
from scrapy import Request, Spider
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.shared.coordinator import forget_settled
from crawler.shared.link import RESULTS_GROUP, CrawlKeys
from crawler.shared.queue import LeasedQueue, OtherVersion
from crawler.shared.results import Bundle, ResultStream
from crawler.shared.scheduler import SharedScheduler  # noqa: F401  (the module imports cleanly)

VERSION = "1.0+parser.1"


class Fixture(Spider):
    name = "fixture"

    def parse(self, response: object) -> None:
        return None


@pytest.fixture
def server(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def queue_of(server: redis.Redis, holder: str, lease: float = 60.0) -> LeasedQueue:
    return LeasedQueue(server, Fixture(), CrawlKeys(), holder, lease, VERSION)


def test_requests_come_out_by_priority_then_in_the_order_they_went_in(server: redis.Redis) -> None:
    queue = queue_of(server, "a")
    for path, priority in (("/1", 0), ("/2", 0), ("/list", 10), ("/3", 0)):
        queue.push(Request(f"http://x.test{path}", priority=priority))
    popped = [queue.pop() for _ in range(4)]
    assert [p.request.url for p in popped if p] == [
        "http://x.test/list", "http://x.test/1", "http://x.test/2", "http://x.test/3",
    ]  # fmt: skip
    assert queue.pop() is None
    assert len(queue) == 4  # popped is not settled: every ticket still waits for its outcome


def test_the_duplicate_filter_and_the_queue_change_together(server: redis.Redis) -> None:
    queue = queue_of(server, "a")
    assert queue.push(Request("http://x.test/a"), "fp-a") is not None
    assert queue.push(Request("http://x.test/a"), "fp-a") is None  # seen: not queued again
    assert queue.push(Request("http://x.test/a")) is not None  # dont_filter: no fingerprint
    assert server.smembers(CrawlKeys().dupefilter) == {b"fp-a"} and queue.queued() == 2


def test_a_resumed_crawl_forgets_the_requests_already_settled(server: redis.Redis) -> None:
    keys, queue = CrawlKeys(), queue_of(server, "w")
    dupefilter = RFPDupeFilter(server, key=keys.dupefilter)
    done, waiting = Request("http://x.test/done"), Request("http://x.test/waiting")
    for request in (done, waiting):
        queue.push(request, dupefilter.request_fingerprint(request))
    taken = queue.pop()
    assert taken is not None and taken.request.url == done.url
    queue.settle([taken.ticket], RESULTS_GROUP, [])
    forget_settled(server, keys)  # what `crawl --redis --resume` does first
    assert server.smembers(keys.dupefilter) == {dupefilter.request_fingerprint(waiting).encode()}
    assert queue.push(done, dupefilter.request_fingerprint(done)) is not None  # asked again
    assert queue.push(waiting, dupefilter.request_fingerprint(waiting)) is None  # still queued


def test_a_lease_not_renewed_goes_back_to_the_queue(server: redis.Redis) -> None:
    dead, alive = queue_of(server, "dead", lease=1.0), queue_of(server, "alive", lease=1.0)
    dead.push(Request("http://x.test/a"))
    taken = dead.pop()
    assert taken is not None and alive.pop() is None
    time.sleep(1.1)
    again = alive.pop()
    assert again is not None and again.ticket == taken.ticket and again.reclaimed == 1
    assert again.request.url == "http://x.test/a"


def test_a_renewed_lease_stays_with_its_holder(server: redis.Redis) -> None:
    holder, other = queue_of(server, "holder", lease=1.0), queue_of(server, "other", lease=1.0)
    holder.push(Request("http://x.test/a"))
    taken = holder.pop()
    assert taken is not None
    for _ in range(4):
        time.sleep(0.4)
        assert holder.renew([taken.ticket]) == 1
        assert other.pop() is None
    assert other.renew([taken.ticket]) == 0  # only the holder renews


def test_leases_handed_back_are_queued_at_once(server: redis.Redis) -> None:
    stopping, other = queue_of(server, "stopping"), queue_of(server, "other")
    stopping.push(Request("http://x.test/a"))
    taken = stopping.pop()
    assert taken is not None
    assert other.give_back([taken.ticket]) == 0  # not its lease
    assert stopping.give_back([taken.ticket]) == 1
    again = other.pop()
    assert again is not None and again.ticket == taken.ticket


def test_settling_removes_the_ticket_once_and_acknowledges_its_entry(server: redis.Redis) -> None:
    keys = CrawlKeys()
    queue, stream = queue_of(server, "w"), ResultStream(server, keys)
    stream.create_group()
    queue.push(Request("http://x.test/a"))
    taken = queue.pop()
    assert taken is not None
    stream.send(Bundle(taken.ticket, "w", 1, (), (), ("article",)))
    (delivery,) = stream.read(10)
    assert delivery.bundle.outcomes == ("article",)
    assert queue.unsettled([taken.ticket]) == [True]
    assert queue.settle([taken.ticket], RESULTS_GROUP, [delivery.entry_id]) == 1
    assert queue.unsettled([taken.ticket]) == [False] and len(queue) == 0
    assert queue.settle([taken.ticket], RESULTS_GROUP, []) == 0
    assert stream.read(10, again=True) == []  # acknowledged: a resumed reader does not see it
    assert server.xlen(keys.results) == 0


def test_unacknowledged_entries_are_read_again(server: redis.Redis) -> None:
    stream = ResultStream(server, CrawlKeys())
    stream.create_group()
    stream.send(Bundle("7", "w", 1, (), (), ("error",)))
    assert len(stream.read(10)) == 1
    assert stream.read(10) == []  # read once, as new
    (again,) = stream.read(10, again=True)  # a coordinator killed before acknowledging
    assert again.bundle.ticket == "7"


def test_a_process_of_another_version_cannot_take_requests(server: redis.Redis) -> None:
    server.hset(CrawlKeys().crawl, "version", "0.9+parser.0")
    queue = queue_of(server, "w")
    queue.push(Request("http://x.test/a"))
    with pytest.raises(OtherVersion) as raised:
        queue.pop()
    assert raised.value.running == "0.9+parser.0"
    assert server.zcard(CrawlKeys().queue) == 1  # nothing was taken
