"""Connecting to the shared crawl's Redis: clear errors instead of hangs, and its key names."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any
from urllib.parse import urlsplit

import redis

from crawler.errors import ConfigError, SharedCrawlError

logger = logging.getLogger(__name__)
CONNECT_TIMEOUT = 5.0  # seconds: an unreachable Redis is an error, not a hang
COMMAND_TIMEOUT = 30.0  # seconds a command may take (a busy Redis still answers in ms)
LEAST_REDIS = (6, 2)  # ZADD GT, XAUTOCLAIM, Lua scripts reading TIME


def partyfield_version() -> str:
    """What a worker must match to join: the package and the parser that reads the pages."""
    from crawler.extract import PARSER_VERSION

    return f"{version('partyfield')}+parser.{PARSER_VERSION}"


def check_redis_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ConfigError(f"--redis {url}: expected redis://HOST:PORT/DB")
    return url


class RedisLost(Exception):
    """The connection to the crawl's Redis broke off: the process stops, and says so once."""


class GuardedRedis(redis.Redis):
    """A client that, when Redis cannot be reached any more (after redis-py's own retries),
    calls ``on_lost`` once and from then on fails at once with RedisLost: the components of
    a crawl catch that and let the crawl stop, instead of each logging a traceback."""

    on_lost: Callable[[str], None] | None = None
    lost: str | None = None

    def execute_command(self, *args: Any, **options: Any) -> Any:
        if self.lost is not None:
            raise RedisLost(self.lost)
        try:
            return super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self.lost = _first_line(exc)
            if self.on_lost is not None:
                self.on_lost(self.lost)
            raise RedisLost(self.lost) from None


def link_of(crawler: Any) -> GuardedRedis:
    """The crawl's one Redis client, made on first use and kept on the crawler. Losing it
    stops the crawl (interrupted: ``--resume`` continues it) with one line on stderr."""
    client: GuardedRedis | None = getattr(crawler, "partyfield_redis", None)
    if client is None:
        url = crawler.settings["PARTYFIELD_REDIS"]
        client = connect(url)

        def lost(reason: str) -> None:
            from scrapy.utils.defer import deferred_from_coro

            logger.error("lost Redis at %s (%s): stopping this process", url, reason)
            if crawler.crawling:
                deferred_from_coro(crawler.stop_async())

        client.on_lost = lost
        crawler.partyfield_redis = client
    return client


def connect(url: str) -> GuardedRedis:
    """A client of the Redis at ``url``, checked: it answers, it is a Redis, and new enough."""
    client: GuardedRedis = GuardedRedis.from_url(  # type: ignore[assignment]
        check_redis_url(url),
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT,
        health_check_interval=30,
    )
    try:
        info = client.info("server")
    except redis.AuthenticationError as exc:
        raise SharedCrawlError(url, f"Redis refused the login: {exc}") from None
    except (redis.ConnectionError, RedisLost) as exc:
        if _answers_tcp(client):
            raise SharedCrawlError(url, f"not a Redis server: {_first_line(exc)}") from None
        raise SharedCrawlError(url, f"cannot reach Redis: {_first_line(exc)}") from None
    except (redis.ResponseError, redis.RedisError) as exc:
        raise SharedCrawlError(url, f"not a Redis server: {_first_line(exc)}") from None
    found = str(info.get("redis_version", "0"))
    numbers = tuple(int(part) for part in found.split(".")[:2] if part.isdigit())
    if numbers < LEAST_REDIS:
        least = ".".join(map(str, LEAST_REDIS))
        raise SharedCrawlError(url, f"Redis {found} is too old: {least} or newer is needed")
    return client


def _answers_tcp(client: redis.Redis) -> bool:
    """Whether something listens where the client points (then it is no Redis)."""
    kwargs = client.connection_pool.connection_kwargs
    if "host" not in kwargs:
        return False
    try:
        socket.create_connection(
            (kwargs["host"], kwargs.get("port", 6379)), CONNECT_TIMEOUT
        ).close()
    except OSError:
        return False
    return True


def as_text(value: bytes | str) -> str:
    """A Redis reply as text (the clients answer bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@dataclass(frozen=True)
class CrawlKeys:
    """The Redis keys of the crawl on one Redis database. One crawl per database at a time."""

    prefix: str = "partyfield"

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    @property
    def crawl(self) -> str:  # HASH: version, run, state of the current crawl
        return self.key("crawl")

    @property
    def coordinator(self) -> str:  # STRING with expiry: who coordinates
        return self.key("coordinator")

    @property
    def queue(self) -> str:  # ZSET ticket -> order (priority first, then first in)
        return self.key("queue")

    @property
    def requests(self) -> str:  # HASH ticket -> encoded request, until settled
        return self.key("requests")

    @property
    def order(self) -> str:  # HASH ticket -> its queue order, to put it back
        return self.key("order")

    @property
    def leases(self) -> str:  # ZSET ticket -> deadline (ms, Redis clock)
        return self.key("leases")

    @property
    def holders(self) -> str:  # HASH ticket -> process holding its lease
        return self.key("holders")

    @property
    def tickets(self) -> str:  # STRING counter, never reset: a ticket is unique across crawls
        return self.key("tickets")

    @property
    def dupefilter(self) -> str:  # SET of request fingerprints (scrapy-redis RFPDupeFilter)
        return self.key("dupefilter")

    @property
    def results(self) -> str:  # STREAM of outcome bundles
        return self.key("results")

    @property
    def robots(self) -> str:  # HASH netloc -> robots.txt body, fetched once per site per run
        return self.key("robots")

    @property
    def pace(self) -> str:  # HASH site -> "delay concurrency"
        return self.key("pace")

    def pace_state(self, site: str) -> str:  # ZSET of downloads in progress; "next" time
        return self.key(f"pace:{site}")

    @property
    def workers(self) -> str:  # HASH worker name -> JSON (version, since): workers running now
        return self.key("workers")

    def crawl_keys(self) -> list[str]:
        """Everything a fresh crawl starts without (the pace state keys are found by scan). The
        ticket counter stays: a worker's late result for a ticket of a crawl before is then
        never taken for one of this crawl's."""
        return [self.crawl, self.queue, self.requests, self.order, self.leases, self.holders,
                self.dupefilter, self.results, self.robots, self.pace]  # fmt: skip


RESULTS_GROUP = "coordinator"  # the stream's consumer group
