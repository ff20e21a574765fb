"""Run the party spider in this process and hand back the run id the archive recorded.

Crash safety: every crawl keeps its request queue in a Scrapy JOBDIR under the archive's
folder (``jobs/<key>``). A run that finishes removes it; a killed run leaves it, and
``resume=True`` continues from it. The queue is kept but the set of requests already sent is
not: requests in flight at the kill would otherwise never be sent again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import Settings
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.ossignal import install_shutdown_handlers

from crawler.download import run_stopping
from crawler.spiders.party import PartySpider

logger = logging.getLogger(__name__)
STOP_GRACE = 3.0  # seconds pages in flight get to finish after Ctrl-C; then they are dropped


def project_settings(db_path: Path, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def job_dir(db_path: Path, start_urls: list[str]) -> Path:
    """The JOBDIR of a crawl: one per archive and set of start URLs."""
    key = hashlib.sha1("\n".join(sorted(start_urls)).encode()).hexdigest()[:12]
    return db_path.parent / "jobs" / key


def prepare_job_dir(path: Path, resume: bool) -> None:
    if not resume:
        shutil.rmtree(path, ignore_errors=True)
        return
    # Forget which requests were sent: those in flight when the run died were never answered.
    (path / "requests.seen").unlink(missing_ok=True)


def run_crawl(
    start_urls: list[str],
    db_path: Path,
    overrides: dict[str, Any] | None = None,
    *,
    resume: bool = False,
    redis_url: str | None = None,
) -> int | None:
    """Crawl ``start_urls`` into ``db_path``; returns the ``runs`` id (None if never opened).
    With ``redis_url``, as the coordinator of a crawl shared with workers (crawler.shared).

    Blocks until the crawl ends. Twisted's reactor runs once per process, so call this once.
    """
    if redis_url:
        return _run_shared_crawl(start_urls, db_path, overrides, resume, redis_url)
    jobs = job_dir(db_path, start_urls)
    prepare_job_dir(jobs, resume)
    settings = project_settings(db_path, {"JOBDIR": str(jobs), **(overrides or {})})
    stats = _run(settings, PartySpider, start_urls)
    if stats.get("finish_reason") == "finished":
        shutil.rmtree(jobs, ignore_errors=True)
    run_id = stats.get("partyfield/run_id")
    return int(run_id) if run_id is not None else None


def _run_shared_crawl(
    start_urls: list[str],
    db_path: Path,
    overrides: dict[str, Any] | None,
    resume: bool,
    redis_url: str,
) -> int | None:
    """The coordinator's run: its queue lives in Redis, so it needs no JOBDIR."""
    from crawler.shared.coordinator import prepare_crawl
    from crawler.shared.setup import shared_settings
    from crawler.shared.spiders import SharedPartySpider

    settings = project_settings(db_path, overrides)
    shared_settings(settings, redis_url, "coordinator")
    claim, carried = prepare_crawl(settings, str(db_path), resume)
    settings.set("PARTYFIELD_CLAIM", claim.token, priority="cmdline")
    settings.set("PARTYFIELD_SHARED_CARRIED", carried, priority="cmdline")
    try:
        stats = _run(settings, SharedPartySpider, start_urls)
    finally:
        claim.release()
    run_id = stats.get("partyfield/run_id")
    return int(run_id) if run_id is not None else None


def _run(settings: Settings, spider_class: type[PartySpider], start_urls: list[str]) -> Any:
    # The caller owns logging (partyfield's CLI installs one handler on stderr).
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, start_urls=start_urls)
    stop_promptly_on_signals(crawler)
    process.start(install_signal_handlers=False)
    return crawler.stats.get_stats() if crawler.stats else {}


def run_discover(front_pages: list[str], overrides: dict[str, Any] | None = None) -> list[Any]:
    """Run the discover spider over ``front_pages``; returns the items it found, in order."""
    from crawler.spiders.discover import DiscoverSpider

    settings = project_settings(Path(os.devnull), overrides)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DiscoverSpider)
    found: list[Any] = []

    def keep(item: Any) -> None:
        found.append(item)

    # weak=False: the signal dispatcher would otherwise drop this function at once.
    crawler.signals.connect(keep, signal=signals.item_scraped, weak=False)
    process.crawl(crawler, front_pages=front_pages)
    stop_promptly_on_signals(crawler)
    process.start(install_signal_handlers=False)
    return found


def stop_promptly_on_signals(crawler: Crawler) -> None:
    """SIGINT / SIGTERM stop the crawl within a few seconds, whatever it is doing.

    Scrapy's own handler waits for every page in flight (up to DOWNLOAD_TIMEOUT); here they get
    STOP_GRACE seconds, then their connections are dropped. The run closes as ``interrupted``
    either way, its queue kept for ``--resume``; a second signal drops the pages at once.
    """
    from twisted.internet import reactor

    signals_seen = 0

    def on_signal(_signum: int, _frame: Any) -> None:
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            reactor.callFromThread(begin_stop)
        else:
            reactor.callFromThread(drop_pages_in_flight, crawler)

    def begin_stop() -> None:
        logger.warning("stopping: the pages in flight get %.0f s to finish", STOP_GRACE)
        deferred_from_coro(crawler.stop_async())
        call_later(STOP_GRACE, drop_pages_in_flight, crawler)

    event: Any = "startup"  # twisted's stubs type this argument wrongly
    reactor.addSystemEventTrigger("after", event, install_shutdown_handlers, on_signal)


def drop_pages_in_flight(crawler: Crawler) -> None:
    """Fail every download now: those queued behind a download delay, then those on the wire
    (their connections aborted). None is retried: the run is stopping, and ``--resume`` asks
    for them again. Reads the downloader's slots, which Scrapy has no public call for."""
    from twisted.internet import reactor, tcp

    if crawler.engine is None:
        return
    crawler.signals.send_catch_log(run_stopping)
    downloader = crawler.engine.downloader
    for request in downloader.active:
        request.meta["dont_retry"] = True
    stopped = IgnoreRequest("the run stopped before this page was fetched")
    for slot in getattr(downloader, "slots", {}).values():
        while getattr(slot, "queue", None):
            _request, queued = slot.queue.popleft()
            queued.errback(stopped)
    selectables = [*reactor.getReaders(), *reactor.getWriters()]  # type: ignore[misc]
    for selectable in selectables:
        if isinstance(selectable, tcp.Client):
            selectable.abortConnection()
