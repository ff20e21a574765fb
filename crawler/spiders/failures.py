"""Why a download failed, in one line, and whether the failure may pass on another try."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import load_object
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web.client import ResponseFailed, ResponseNeverReceived

TRANSIENT_HTTP = frozenset({408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


def transient_errors(settings: BaseSettings) -> tuple[type[BaseException], ...]:
    """The exceptions Scrapy retries (RETRY_EXCEPTIONS): failures that may pass."""
    loaded = (
        load_object(x) if isinstance(x, str) else x for x in settings.getlist("RETRY_EXCEPTIONS")
    )
    return tuple(loaded)


# Why a download failed, by the exception Scrapy reports (Scrapy's own, or Twisted's).
ERROR_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, DNSLookupError), "DNS lookup failed"),
    ((DownloadTimeoutError, TimeoutError, TCPTimedOutError), "timed out"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "connection refused"),
    ((DownloadFailedError, ResponseDataLossError, ResponseFailed, ResponseNeverReceived,
      ConnectionLost, ConnectionDone), "connection lost before the answer was complete"),
)  # fmt: skip


def describe_error(error: BaseException | None) -> str:
    """One line saying why a download failed."""
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, IgnoreRequest):
        return str(error)
    for classes, reason in ERROR_REASONS:
        if isinstance(error, classes):
            return reason
    return f"{type(error).__name__}: {error}".strip()
