"""The party spider in a shared crawl: article outcomes go to the coordinator as bundles.

``SharedPartySpider`` is the coordinator's: it walks the sections as ``PartySpider`` does.
``WorkerSpider`` has no sections: it only answers the article requests the shared queue
leases to it. In both, the callbacks of a leased request do not hand their items to Scrapy:
they are bundled, with the request's exchanges and ledger outcomes, and sent on the results
stream, so that the coordinator archives them whoever fetched them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.capture import META_CAPTURE
from crawler.ledger import Outcome
from crawler.shared.link import RedisLost
from crawler.shared.results import META_TICKET, Bundle, ResultStream, SharedTicket
from crawler.spiders.party import PartySpider


class SharedPartySpider(PartySpider):
    name = "party-shared"
    _results: ResultStream | None = None

    def parse_detail(self, response: Response, start_page: bool = False) -> Iterator[Any]:
        produced = super().parse_detail(response, start_page)
        ticket = response.meta.get(META_TICKET)
        return self._bundled(ticket, produced) if ticket is not None else produced

    def on_error(self, failure: Failure) -> Iterator[Any]:
        produced = super().on_error(failure)
        ticket = failure.request.meta.get(META_TICKET)  # type: ignore[attr-defined]
        return self._bundled(ticket, produced) if ticket is not None else produced

    def _bundled(self, ticket: SharedTicket, produced: Iterator[Any]) -> Iterator[Any]:
        """Sends what a leased request's callback produced as one bundle; yields nothing.
        Nothing produced (the run is stopping) sends nothing: the lease goes back instead."""
        outcomes: list[Outcome] = []
        waiting = len(self.awaiting_last_try)
        self.outcome_sink = outcomes
        try:
            items = list(produced)
        finally:
            self.outcome_sink = None
        last_tries = self.awaiting_last_try[waiting:]
        del self.awaiting_last_try[waiting:]
        if not (items or outcomes or last_tries):
            return iter(())
        scheduler: Any = self.crawler.engine.scheduler if self.crawler.engine else None
        bundle = Bundle(
            ticket=ticket.ticket,
            holder=scheduler.holder,
            downloads=ticket.downloads,
            exchanges=tuple(ticket.exchanges),
            items=tuple(items),
            outcomes=tuple(outcomes),
            last_tries=tuple((self._portable(request), why) for request, why in last_tries),
        )
        if self._results is None:
            self._results = ResultStream(scheduler.server, scheduler.keys)
        try:
            self._results.send(bundle)
        except RedisLost:
            return iter(())  # not sent: its lease lapses, and another process fetches it again
        scheduler.sent_back(ticket.ticket)
        return iter(())

    def _portable(self, request: Request) -> dict[str, Any]:
        """The request as the coordinator can queue it again, without this process's ticket."""
        meta = {k: v for k, v in request.meta.items() if k not in (META_TICKET, META_CAPTURE)}
        return request.replace(meta=meta).to_dict(spider=self)


class WorkerSpider(SharedPartySpider):
    name = "party-worker"
    needs_start_urls = False

    async def start(self) -> AsyncIterator[Request]:
        return
        yield  # an async generator of no requests: all come from the shared queue
