"""A page read as one value, and the extraction process that reads pages for a crawl.

``reading(how, url, body, http_charset)`` runs ``crawler.extract.read_page`` and keeps what it
returned or raised as a ``Reading``, which pickles whole. ``python -m crawler.reading`` is the
extraction process of ``crawler.offload``: it prepares what reading needs (imports, the compiled
gloss pass), says it is ready, then answers (job, PageRead, url, body, http_charset) frames on
its input with (job, Reading) frames on its output until its input ends. Frames are a 4-byte
length and a pickle. No Scrapy here: the process starts in a fraction of a crawl's time.
"""

from __future__ import annotations

import logging
import pickle
import signal
import struct
import sys
from dataclasses import dataclass
from typing import BinaryIO

from crawler.errors import STAGES, ExtractError
from crawler.extract import ListReading, PageRead, read_page
from crawler.items import Article
from crawler.text.gloss import one_char_gloss_regex

logger = logging.getLogger(__name__)

LENGTH = struct.Struct(">I")
READY = -1  # the job number of the frame that says the process is ready

Read = Article | ListReading | None


@dataclass(frozen=True, slots=True)
class Reading:
    """What ``read_page`` returned for a page, or the error it raised, as one value."""

    value: Read = None
    error: tuple[str, str, str] | None = None  # ExtractError's (url, reason, stage)
    crash: str | None = None  # "TypeError: …": the parsers choked on the page

    def result(self) -> Read:
        """The value; raises the ExtractError the reading raised (a crash is one too)."""
        if self.error is not None:
            url, reason, stage = self.error
            raise ExtractError(url, reason, stage=next(s for s in STAGES if s == stage))
        if self.crash is not None:
            raise ExtractError("", self.crash)
        return self.value


def reading(how: PageRead, url: str, body: bytes, http_charset: str | None) -> Reading:
    try:
        return Reading(read_page(how, url, body, http_charset=http_charset))
    except ExtractError as exc:
        return Reading(error=(exc.url, exc.reason, exc.stage))
    except Exception as exc:  # the spider records it as the page's failure
        logger.debug("reading %s crashed", url, exc_info=True)
        return Reading(crash=f"{type(exc).__name__}: {exc}")


def frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return LENGTH.pack(len(data)) + data


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Says it is ready, then answers each request frame in turn until the input ends."""
    one_char_gloss_regex()  # built now, not while the first page waits
    answers.write(frame((READY, None)))
    answers.flush()
    while (header := _read_exactly(requests, LENGTH.size)) is not None:
        data = _read_exactly(requests, LENGTH.unpack(header)[0])
        if data is None:
            return
        job, how, url, body, http_charset = pickle.loads(data)
        answers.write(frame((job, reading(how, url, body, http_charset))))
        answers.flush()


def main() -> None:
    # Ctrl-C reaches the whole process group; the crawl stops this process by ending its
    # input, once the pages in flight are answered.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    # Run from the imported module, not this __main__ copy: the Readings it pickles must name
    # crawler.reading.Reading for the crawl to read them back.
    from crawler.reading import main as child_main

    child_main()
