"""The run's ledger: every request the spider makes ends as exactly one outcome.

Counts live in the crawl's stats (so ``runs.stats`` keeps them): ``partyfield/requests/
scheduled`` for each request made, and one ``partyfield/requests/<outcome>`` for each ending.
A run that finished has nothing unaccounted; an interrupted one has what was still queued.
Pure: no Scrapy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Outcome = Literal[
    "article",  # a detail page read as an article (then stored, or an errors row)
    "list_page",  # a section list page read
    "error",  # an errors row: fetch or extract failed, or the page is no article
    "robots",  # robots.txt forbids it
    "incremental",  # the archive already has it unchanged (crawler.incremental)
    "offsite",  # a link to another site, not followed
    "duplicate",  # the same page was already asked for in this run
    "gone",  # an article page answered 404/410 (archived: gone_at set; else an errors row)
]
OUTCOMES: tuple[Outcome, ...] = (
    "article", "list_page", "error", "robots", "incremental", "offsite", "duplicate", "gone",
)  # fmt: skip
SCHEDULED = "partyfield/requests/scheduled"


def outcome_key(outcome: Outcome) -> str:
    return f"partyfield/requests/{outcome}"


def ledger(stats: Mapping[str, Any]) -> dict[str, int]:
    """Requests scheduled, each outcome, and ``unaccounted`` (scheduled minus outcomes)."""
    counts: dict[str, int] = {o: int(stats.get(outcome_key(o), 0)) for o in OUTCOMES}
    scheduled = int(stats.get(SCHEDULED, 0))
    return {"scheduled": scheduled, **counts, "unaccounted": scheduled - sum(counts.values())}
