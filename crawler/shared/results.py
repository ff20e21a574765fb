"""What one leased request sends back to the coordinator, and the stream that carries it.

A fetch's outcome is one *bundle*: the exchanges it captured (the raw HTTP, for the WARC
files), the items its callback produced, the ledger outcomes it counted, and the pages to try
once more at the end of the run. One bundle per ticket, one stream entry per bundle: the
coordinator applies a bundle whole, then settles its ticket.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.shared.link import RESULTS_GROUP, CrawlKeys, as_text
from crawler.warc import Exchange

META_TICKET = "partyfield_ticket"  # request meta: the SharedTicket of a leased request
CONSUMER = "archive"  # the coordinator's name in the group: a resumed one reads what it left


@dataclass(slots=True)
class SharedTicket:
    """A leased request's ticket, and what its fetch gathered. One object in the meta of the
    request and of every retry or redirect made from it (Scrapy copies meta shallowly)."""

    ticket: str
    exchanges: list[Exchange] = field(default_factory=list)
    downloads: int = 0


@dataclass(frozen=True, slots=True)
class Bundle:
    ticket: str
    holder: str  # the process that fetched it
    downloads: int  # requests it sent for this ticket (retries and redirects included)
    exchanges: tuple[Exchange, ...]
    items: tuple[Any, ...]  # crawler.items records
    outcomes: tuple[str, ...]  # crawler.ledger outcomes
    last_tries: tuple[tuple[dict[str, Any], str], ...] = ()  # (request dict, why it failed)


@dataclass(frozen=True, slots=True)
class Delivery:
    entry_id: str
    bundle: Bundle


class ResultStream:
    """The results stream: workers add, the coordinator reads with its consumer group."""

    def __init__(self, server: redis.Redis, keys: CrawlKeys) -> None:
        self.server = server
        self.key = keys.results

    def create_group(self) -> None:
        try:
            self.server.xgroup_create(self.key, RESULTS_GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):  # it exists: a resumed crawl
                raise

    def send(self, bundle: Bundle) -> None:
        self.server.xadd(self.key, {"b": pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL)})

    def read(self, count: int, *, again: bool = False) -> list[Delivery]:
        """Entries not read yet; with ``again``, those read before but never acknowledged (a
        coordinator killed mid-write left them)."""
        answer: Any = self.server.xreadgroup(
            RESULTS_GROUP, CONSUMER, {self.key: "0" if again else ">"}, count=count
        )
        deliveries: list[Delivery] = []
        for _stream, entries in answer or []:
            for entry_id, fields in entries:
                if fields and b"b" in fields:
                    deliveries.append(Delivery(as_text(entry_id), pickle.loads(fields[b"b"])))
        return deliveries
