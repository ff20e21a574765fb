"""Logging on stderr for the partyfield command: one line per event, tracebacks only at DEBUG.

Cron mails whatever a scheduled run prints on stderr, so a failure is one line (the archive's
own "recorded … error" line), not Scrapy's retry message plus a Twisted traceback.
"""

from __future__ import annotations

import logging

# Log records that repeat a failure the archive records (and logs in one line) itself.
REPEATS_A_FAILURE = {
    "scrapy.downloadermiddlewares.retry": "Gave up retrying",
    "scrapy.downloadermiddlewares.robotstxt": "Error downloading",
}


class OneLineFormatter(logging.Formatter):
    """A record on one line: no traceback, the exception's own message appended instead."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().splitlines()[0] if record.getMessage() else ""
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += (
                f": {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            )
        plain = {"msg": message, "args": None, "exc_info": None, "exc_text": None}
        copy = logging.makeLogRecord({**record.__dict__, **plain, "stack_info": None})
        return super().format(copy)


def _is_not_a_repeat(record: logging.LogRecord) -> bool:
    prefix = REPEATS_A_FAILURE.get(record.name)
    return prefix is None or not str(record.msg).startswith(prefix)


def log_to_stderr(level: str) -> None:
    """One line per event on stderr; tracebacks only at DEBUG."""
    handler = logging.StreamHandler()
    handler.setLevel(level)
    line = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if level == "DEBUG":
        handler.setFormatter(logging.Formatter(line))
    else:
        handler.setFormatter(OneLineFormatter(line))
        handler.addFilter(_is_not_a_repeat)
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(level)


def show_progress() -> None:
    """Progress lines on stderr whatever the log level (they are INFO records)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    progress = logging.getLogger("crawler.progress")
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False
