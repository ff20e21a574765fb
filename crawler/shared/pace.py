"""One pace per site for the whole shared crawl: its delay and concurrency, through Redis.

Each process's Scrapy keeps its own download delay, so N processes would ask a small server N
times as often. Here every download, whichever process makes it, first takes a turn from
Redis: no two downloads from one site start closer than the site's delay, and no more than
its concurrency run at once. The turn is taken in the download handler, just before the
request goes out, so local queues and AutoThrottle (which may only slow a site further) come
first. A process that dies holding turns frees them after ``HOLD_MS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

import redis
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

from crawler.shared.link import CrawlKeys, RedisLost

WAIT_WHEN_FULL_MS = 20  # a site at its concurrency: ask again this soon
HOLD_MARGIN_MS = 5_000  # a download's turn lapses this long after its timeout would

# KEYS: pace config, the site's downloads in progress, the site's next allowed start;
# ARGV: site, token, hold ms. Returns 0 (the turn is taken) or the ms to wait first.
_TAKE_TURN = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local conf = redis.call('HGET', KEYS[1], ARGV[1]) or redis.call('HGET', KEYS[1], '*') or '0 8'
local delay, most = string.match(conf, '(%S+) (%S+)')
delay, most = tonumber(delay), tonumber(most)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ms)
if redis.call('ZCARD', KEYS[2]) >= most then return WAIT_MS end
local next_start = tonumber(redis.call('GET', KEYS[3]) or '0')
if next_start > ms then return next_start - ms end
if delay > 0 then redis.call('SET', KEYS[3], ms + delay, 'PX', math.floor(delay) + 60000) end
redis.call('ZADD', KEYS[2], ms + tonumber(ARGV[3]), ARGV[2])
return 0
""".replace("WAIT_MS", str(WAIT_WHEN_FULL_MS))


def pace_config(settings: BaseSettings) -> dict[str, str]:
    """What the coordinator publishes: ``"delay_ms concurrency"`` per site and as ``*``."""

    def entry(delay: float, concurrency: int) -> str:
        return f"{round(delay * 1000)} {max(1, concurrency)}"

    default_delay = settings.getfloat("DOWNLOAD_DELAY")
    default_concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    config = {"*": entry(default_delay, default_concurrency)}
    for site, slot in settings.getdict("DOWNLOAD_SLOTS").items():
        config[site] = entry(float(slot.get("delay", default_delay)),
                             int(slot.get("concurrency", default_concurrency)))  # fmt: skip
    return config


class SharedPace:
    def __init__(self, server: redis.Redis, keys: CrawlKeys, holder: str, timeout: float) -> None:
        self.server = server
        self.keys = keys
        self.holder = holder
        self.hold_ms = int(timeout * 1000) + HOLD_MARGIN_MS
        self._take_turn = server.register_script(_TAKE_TURN)
        self._tokens = itertools.count()
        self.stopping = False

    async def take_turn(self, request: Request) -> str:
        """Wait for the site's turn; returns the token to give back when the download ends."""
        site = urlparse_cached(request).hostname or ""
        token = f"{self.holder}:{next(self._tokens)}"
        state = self.keys.pace_state(site)
        keys = [self.keys.pace, f"{state}:active", f"{state}:next"]
        while True:
            if self.stopping:
                raise IgnoreRequest("the run stopped before this page was fetched")
            try:
                wait_ms = int(self._take_turn(keys=keys, args=[site, token, self.hold_ms]))
            except RedisLost as exc:
                raise IgnoreRequest(f"lost Redis: {exc}") from None
            if wait_ms <= 0:
                return token
            await asyncio.sleep(wait_ms / 1000)

    def end_turn(self, request: Request, token: str) -> None:
        site = urlparse_cached(request).hostname or ""
        with contextlib.suppress(RedisLost):  # else the turn lapses by itself
            self.server.zrem(f"{self.keys.pace_state(site)}:active", token)

    def end_turns_of(self, holder: str) -> None:
        """Free the turns a process that is known dead still held."""
        prefix = f"{holder}:".encode()
        for key in self.server.scan_iter(match=self.keys.pace_state("*") + ":active"):
            held: list[Any] = self.server.zrange(key, 0, -1)
            tokens = [token for token in held if token.startswith(prefix)]
            if tokens:
                self.server.zrem(key, *tokens)

    def publish(self, config: dict[str, str]) -> None:
        self.server.delete(self.keys.pace)
        self.server.hset(self.keys.pace, mapping=dict(config))  # type: ignore[arg-type]
