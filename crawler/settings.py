"""Scrapy settings for partyfield. Override any of them with ``-s NAME=VALUE``.

Only ``from_crawler`` methods and ``cli.py`` read settings; nothing reads them at import.
"""

from __future__ import annotations

import os
from pathlib import Path

BOT_NAME = "partyfield"  # the Scrapy project name
SPIDER_MODULES = ["crawler.spiders"]  # where `scrapy crawl party` finds the spider
NEWSPIDER_MODULE = "crawler.spiders"  # where `scrapy genspider` would put a new one

ARCHIVE_DB = ""  # archive path; empty means $PARTYFIELD_DB, else archive/party.db
PARTYFIELD_CONTACT_URL = "https://github.com/partyfield/partyfield"  # named in the User-Agent
PARTYFIELD_MAX_ERROR_RATIO = 0.5  # a run whose failed share of pages passes this fails
PARTYFIELD_REFRESH = False  # True: refetch archived articles and walk every list page
PARTYFIELD_PROGRESS_INTERVAL = 10.0  # seconds between progress lines in the log; 0: none
PARTYFIELD_RETRY_PAUSE = 15.0  # seconds before failed pages get their one more try, at the end
PARTYFIELD_EXTRACT_PROCESSES = 1  # processes reading pages beside the crawl's (crawler/offload.py);
# 0: the crawl's own process reads them. At most one per core beyond the crawl's.
PARTYFIELD_WARC = True  # keep every exchange as WARC records in warc/ beside the archive
PARTYFIELD_WARC_MAX_BYTES = 1024**3  # a run's WARC file passing this size is followed by a new one
PARTYFIELD_REDIS = ""  # redis://HOST:PORT/DB of a shared crawl (`crawl --redis`, `worker --redis`)
PARTYFIELD_LEASE_SECONDS = 120.0  # a shared request a process took goes back after this unrenewed
# Set by `crawl --redis` and `worker` for their own process, never by hand:
PARTYFIELD_SHARED_ROLE = ""  # "coordinator" or "worker"
PARTYFIELD_HOLDER = ""  # this process's name in the shared crawl (host:pid)
PARTYFIELD_CLAIM = ""  # the coordinator's claim on the Redis database
PARTYFIELD_SHARED_CARRIED = 0  # requests a killed coordinator left in Redis (--resume)
USER_AGENT = (
    "partyfield/0.1 (+https://github.com/partyfield/partyfield)"  # own value wins over the contact
)

ROBOTSTXT_OBEY = True  # always ask robots.txt first
CONCURRENT_REQUESTS = 16  # all sites together
CONCURRENT_REQUESTS_PER_DOMAIN = 4  # per site: portals are small servers
CONCURRENT_ITEMS = 16  # outputs of one response handled at once; Scrapy starts this many tasks per
# response, and its default of 100 cost a fifth of a crawl's time (the pipelines are synchronous)
# Scrapy checks every callback for a generator returning a value by reading its source; its
# cache is keyed by the bound method, new at every call, so it parsed the source once per page
# (3% of a crawl). tests/test_quality.py checks instead that no callback returns a value.
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_DELAY = 0.25  # seconds between requests to one site, before AutoThrottle adapts it
AUTOTHROTTLE_ENABLED = True  # slow down when a site slows down
AUTOTHROTTLE_START_DELAY = 0.5  # first delay AutoThrottle uses
AUTOTHROTTLE_MAX_DELAY = 30.0  # never wait longer than this between requests
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # parallel requests AutoThrottle aims at per site
DOWNLOAD_TIMEOUT = 30  # seconds before a request is given up
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # bytes; larger responses are aborted (no article is that big)
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024  # bytes; log a warning above this
RETRY_ENABLED = True  # retry timeouts and 5xx answers
RETRY_TIMES = 2  # retries per request after the first try
COOKIES_ENABLED = False  # the portals need none
TELNETCONSOLE_ENABLED = False  # no listening port on scheduled hosts
REMOTE_CONTROL_ENABLED = False  # nor Scrapy's remote-control HTTP server (on by default)
LOG_LEVEL = "INFO"  # one line per event; DEBUG shows every request
SPIDER_MIDDLEWARES = {  # skip what the archive already has (see crawler/incremental.py)
    "crawler.incremental.IncrementalMiddleware": 950,
}
EXTENSIONS = {  # progress lines; AutoThrottle that keeps a site's own delay as a floor
    "crawler.progress.Progress": 500,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.politeness.PoliteAutoThrottle": 0,
}
DOWNLOAD_HANDLERS = {  # Scrapy's HTTP/1.1 handler, stoppable at once (crawler/download.py)
    "http": "crawler.download.StoppableHTTPHandler",
    "https": "crawler.download.StoppableHTTPHandler",
}
DOWNLOADER_MIDDLEWARES = {  # redirect loops and off-site redirects become errors, not drops;
    # every exchange captured as the server sent it (next to the handler: before decompression);
    # pages read ahead in the extraction processes once decompressed, redirected and retried
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.redirects.CheckedRedirectMiddleware": 600,
    "crawler.capture.CaptureMiddleware": 950,
    "crawler.offload.ReadAheadMiddleware": 50,
}
HTTPCACHE_ENABLED = False  # validators live in the archive instead (crawler/incremental.py)
DEFAULT_REQUEST_HEADERS = {  # what a browser asks for; pages in Chinese first
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh-TW;q=0.9,zh;q=0.8,en;q=0.5",
}
ITEM_PIPELINES = {  # validate, then store: the archive pipeline is the only DB writer
    "crawler.pipelines.ValidationPipeline": 100,
    "crawler.pipelines.ArchivePipeline": 900,
}
FEED_EXPORT_ENCODING = "utf-8"  # `-O items.jsonl` writes readable Chinese

DEFAULT_ARCHIVE = Path("archive") / "party.db"


def archive_path(setting: str | None) -> Path:
    """The archive file: the ARCHIVE_DB setting, else $PARTYFIELD_DB, else archive/party.db."""
    return Path(setting or os.environ.get("PARTYFIELD_DB") or DEFAULT_ARCHIVE)


def user_agent(contact_url: str) -> str:
    return f"partyfield/0.1 (+{contact_url})"
