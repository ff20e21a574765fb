"""Run the party spider in this process and hand back the run id the archive recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.spiders.party import PartySpider


def project_settings(db_path: Path, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    start_urls: list[str], db_path: Path, overrides: dict[str, Any] | None = None
) -> int | None:
    """Crawl ``start_urls`` into ``db_path``; returns the ``runs`` id (None if never opened).

    Blocks until the crawl ends. Twisted's reactor runs once per process, so call this once.
    """
    settings = project_settings(db_path, overrides)
    # The caller owns logging (partyfield's CLI installs one handler on stderr).
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PartySpider)
    process.crawl(crawler, start_urls=start_urls)
    process.start()
    run_id = crawler.stats.get_value("partyfield/run_id") if crawler.stats else None
    return int(run_id) if run_id is not None else None
