"""Exceptions of partyfield. Pure: no Scrapy, no I/O.

Every error carries the page URL, the pipeline stage it happened in and a one-line reason, so
the boundary that catches it can record an ``errors`` row without inspecting it further.
"""

from __future__ import annotations

from typing import Literal

Stage = Literal["fetch", "extract", "validate", "store", "reparse"]
STAGES: tuple[Stage, ...] = ("fetch", "extract", "validate", "store", "reparse")


class PartyfieldError(Exception):
    """Base of all partyfield errors: ``url``, ``stage`` and ``reason``."""

    stage: Stage = "extract"

    def __init__(self, url: str, reason: str, *, stage: Stage | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        if stage is not None:
            self.stage = stage


class FetchError(PartyfieldError):
    """The page could not be downloaded (HTTP error, timeout, DNS, refused)."""

    stage: Stage = "fetch"


class ExtractError(PartyfieldError):
    """The page looks like an article of a known layout but cannot be read as one."""

    stage: Stage = "extract"


class ValidationError(PartyfieldError):
    """An extracted article misses what every archived article must have."""

    stage: Stage = "validate"


class StoreError(PartyfieldError):
    """The archive could not store an article."""

    stage: Stage = "store"


class ConfigError(Exception):
    """A user-supplied setting or file is unusable (bad sites file, bad URL, bad path)."""


class ArchiveLocked(Exception):
    """Another crawl holds the archive's lock."""


class SharedCrawlError(Exception):
    """A shared crawl cannot go on: Redis unreachable, not a Redis, or another version."""

    def __init__(self, redis_url: str, reason: str) -> None:
        super().__init__(f"{redis_url}: {reason}")
        self.redis_url = redis_url
        self.reason = reason
