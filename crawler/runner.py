"""Run the party spider in this process and hand back the run id the archive recorded.

Crash safety: every crawl keeps its request queue in a Scrapy JOBDIR under the archive's
folder (``jobs/<key>``). A run that finishes removes it; a killed run leaves it, and
``resume=True`` continues from it. The queue is kept but the set of requests already sent is
not: requests in flight at the kill would otherwise never be sent again.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.party import PartySpider


def project_settings(db_path: Path, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(db_path.parent.resolve() / "httpcache"), priority="cmdline")
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
) -> int | None:
    """Crawl ``start_urls`` into ``db_path``; returns the ``runs`` id (None if never opened).

    Blocks until the crawl ends. Twisted's reactor runs once per process, so call this once.
    """
    jobs = job_dir(db_path, start_urls)
    prepare_job_dir(jobs, resume)
    settings = project_settings(db_path, {"JOBDIR": str(jobs), **(overrides or {})})
    # The caller owns logging (partyfield's CLI installs one handler on stderr).
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PartySpider)
    process.crawl(crawler, start_urls=start_urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get("finish_reason") == "finished":
        shutil.rmtree(jobs, ignore_errors=True)
    run_id = stats.get("partyfield/run_id")
    return int(run_id) if run_id is not None else None
