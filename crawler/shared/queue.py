"""The shared request queue: scrapy-redis's queue, with leases so that no request is lost.

scrapy-redis pops a request and forgets it: a worker killed with requests in hand loses them,
and the shared duplicate filter keeps every later run from asking for them again. Here each
request is a *ticket*: its encoded request stays in Redis until the ticket is *settled* (its
outcome is in the archive). Popping leases the ticket to its process until a deadline, which
the process renews while it works; a lease past its deadline is put back in the queue by the
next pop, whoever makes it, and needs no pass through the duplicate filter. Every step is one
Lua script, so it is atomic, and reads the time from Redis, so the machines' clocks do not
matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request, Spider
from scrapy_redis.queue import Base

from crawler.shared.link import CrawlKeys, as_text

RECLAIM_PER_POP = 50  # expired leases a pop puts back at most

_NOW_MS = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
"""

# KEYS: tickets requests order queue dupefilter; ARGV: encoded request, priority, fingerprint
# ("" when the request is not filtered). Returns the ticket, or 0 for a request seen before.
# The duplicate filter and the queue change in one step: a process killed between the two
# would leave a request marked seen that is in no queue, lost to every later run.
_PUSH = """
if ARGV[3] ~= '' and redis.call('SADD', KEYS[5], ARGV[3]) == 0 then return 0 end
local t = redis.call('INCR', KEYS[1])
local order = -tonumber(ARGV[2]) * 1e10 + t
redis.call('HSET', KEYS[2], t, ARGV[1])
redis.call('HSET', KEYS[3], t, order)
redis.call('ZADD', KEYS[4], order, t)
return t
"""

# KEYS: queue requests order leases holders crawl; ARGV: lease ms, holder, version.
# Returns {status, reclaimed, ticket, request}: status 1 popped, 0 empty, -1 other version.
_POP = (
    _NOW_MS
    + """
local running = redis.call('HGET', KEYS[6], 'version')
if running and running ~= ARGV[3] then return {-1, 0, running} end
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ms, 'LIMIT', 0, RECLAIM)
if #expired > 0 then redis.call('HINCRBY', KEYS[6], 'leases_expired', #expired) end
for _, t in ipairs(expired) do
  redis.call('ZREM', KEYS[4], t)
  redis.call('HDEL', KEYS[5], t)
  local order = redis.call('HGET', KEYS[3], t)
  if order then redis.call('ZADD', KEYS[1], order, t) end
end
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return {0, #expired} end
local t = popped[1]
redis.call('ZADD', KEYS[4], ms + tonumber(ARGV[1]), t)
redis.call('HSET', KEYS[5], t, ARGV[2])
return {1, #expired, t, redis.call('HGET', KEYS[2], t)}
"""
).replace("RECLAIM", str(RECLAIM_PER_POP))

# KEYS: leases holders; ARGV: lease ms, holder, tickets... Returns how many it renewed.
_RENEW = (
    _NOW_MS
    + """
local renewed = 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[2] then
    redis.call('ZADD', KEYS[1], 'XX', ms + tonumber(ARGV[1]), ARGV[i])
    renewed = renewed + 1
  end
end
return renewed
"""
)

# KEYS: leases holders order queue; ARGV: holder, tickets... Returns how many went back.
_GIVE_BACK = """
local back = 0
for i = 2, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
    redis.call('ZREM', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    local order = redis.call('HGET', KEYS[3], ARGV[i])
    if order then redis.call('ZADD', KEYS[4], order, ARGV[i]) end
    back = back + 1
  end
end
return back
"""

# KEYS: requests order leases holders queue results; ARGV: group, count, tickets..., ids...
# Settles the tickets and acknowledges (and drops) their stream entries, in one step.
_SETTLE = """
local n = tonumber(ARGV[2])
local settled = 0
for i = 3, 2 + n do
  local t = ARGV[i]
  if redis.call('HDEL', KEYS[1], t) == 1 then settled = settled + 1 end
  redis.call('HDEL', KEYS[2], t)
  redis.call('ZREM', KEYS[3], t)
  redis.call('HDEL', KEYS[4], t)
  redis.call('ZREM', KEYS[5], t)
end
if #ARGV > 2 + n then
  local ids = {unpack(ARGV, 3 + n)}
  redis.call('XACK', KEYS[6], ARGV[1], unpack(ids))
  redis.call('XDEL', KEYS[6], unpack(ids))
end
return settled
"""


@dataclass(frozen=True, slots=True)
class Popped:
    ticket: str
    request: Request
    reclaimed: int  # expired leases this pop put back in the queue


class OtherVersion(Exception):
    """The crawl in Redis is run by another partyfield version: this process must not join."""

    def __init__(self, running: str) -> None:
        super().__init__(running)
        self.running = running


class LeasedQueue(Base):  # type: ignore[misc]  # scrapy-redis has no type hints
    """Tickets in a sorted set (priority first, then first in), requests in a hash, leases in
    a sorted set of deadlines. Encoding is scrapy-redis's (``request.to_dict``, pickled)."""

    def __init__(self, server: redis.Redis, spider: Spider, keys: CrawlKeys, holder: str,
                 lease_seconds: float, version: str) -> None:  # fmt: skip
        super().__init__(server, spider, keys.queue)
        self.keys = keys
        self.holder = holder
        self.lease_ms = int(lease_seconds * 1000)
        self.version = version
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._renew = server.register_script(_RENEW)
        self._give_back = server.register_script(_GIVE_BACK)
        self._settle = server.register_script(_SETTLE)

    def __len__(self) -> int:
        """Tickets not settled yet: queued, leased, or with an outcome on its way."""
        return int(self.server.hlen(self.keys.requests))

    def push(self, request: Request, fingerprint: str = "") -> str | None:
        """Queue the request; with its duplicate-filter ``fingerprint``, only when the filter
        has not seen it (None then)."""
        k = self.keys
        encoded = self._encode_request(request)
        ticket = self._push(keys=[k.tickets, k.requests, k.order, k.queue, k.dupefilter],
                            args=[encoded, request.priority, fingerprint])  # fmt: skip
        return str(ticket) if int(ticket) else None

    def pop(self, timeout: int = 0) -> Popped | None:
        """The first ticket of the queue, leased to this process; None when the queue is empty.
        Raises OtherVersion when the running crawl is another partyfield version's."""
        k = self.keys
        answer: list[Any] = self._pop(
            keys=[k.queue, k.requests, k.order, k.leases, k.holders, k.crawl],
            args=[self.lease_ms, self.holder, self.version],
        )
        status = int(answer[0])
        if status == -1:
            raise OtherVersion(as_text(answer[2]))
        if status == 0 or answer[3] is None:
            return None
        return Popped(as_text(answer[2]), self._decode_request(answer[3]), int(answer[1]))

    def renew(self, tickets: list[str]) -> int:
        if not tickets:
            return 0
        k = self.keys
        return int(self._renew(keys=[k.leases, k.holders],
                               args=[self.lease_ms, self.holder, *tickets]))  # fmt: skip

    def give_back(self, tickets: list[str]) -> int:
        """Leases handed back at once (a worker stopping): their tickets are queued again."""
        if not tickets:
            return 0
        k = self.keys
        return int(self._give_back(keys=[k.leases, k.holders, k.order, k.queue],
                                   args=[self.holder, *tickets]))  # fmt: skip

    def unsettled(self, tickets: list[str]) -> list[bool]:
        """For each ticket, whether it still waits for its outcome."""
        if not tickets:
            return []
        found = self.server.hmget(self.keys.requests, tickets)
        return [value is not None for value in found]

    def settle(self, tickets: list[str], group: str, entry_ids: list[str]) -> int:
        """Tickets whose outcomes are archived, and their stream entries acknowledged."""
        k = self.keys
        return int(self._settle(
            keys=[k.requests, k.order, k.leases, k.holders, k.queue, k.results],
            args=[group, len(tickets), *tickets, *entry_ids],
        ))  # fmt: skip

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.queue))

    def clear(self) -> None:
        """scrapy-redis's flush (never called: a shared crawl's queue outlives its processes)."""
        k = self.keys
        self.server.delete(k.queue, k.requests, k.order, k.leases, k.holders)
