"""Pages read in processes of their own, so that reading runs on another core than the crawl.

Reading a page (``crawler.extract.read_page``) is a pure function of its URL and bytes, and it
costs the crawl's process as much CPU as all of Scrapy's work for that page. The downloader
middleware ``ReadAheadMiddleware`` hands each page the spider marked (``META_READ_AHEAD``) to
an extraction process (``crawler.reading``) as it arrives and puts the ``Reading`` that came
back in the request's meta (``META_READING``) before the callback runs; the callback takes it
from there (``reading_of``), or reads the page itself when there is none.

The children are fed over pipes that the crawl's asyncio loop reads and writes: no threads in
the crawl's process. ``PARTYFIELD_EXTRACT_PROCESSES`` says how many; 0 reads every page in the
crawl's process, as does a machine with one core. Until a child says it is ready (it takes
about as long as reading the first page here would), and once one dies, pages are read in the
crawl's process: a small crawl never waits for a child, and a dead one costs no page. While
a child is starting, the crawl's process reads without building the compiled gloss pass
(``crawler.text.gloss.without_compiling``): compiling it costs the crawl more than a second,
a fifth of a 600-article crawl, for the few pages it reads before the child is ready.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response, TextResponse

from crawler.extract import PageRead
from crawler.reading import LENGTH, READY, Read, Reading, frame, reading
from crawler.spiders.shared import response_charset
from crawler.text.gloss import without_compiling

logger = logging.getLogger(__name__)

META_READ_AHEAD = "partyfield_read_ahead"  # request meta: the PageRead its response needs
META_READING = "partyfield_reading"  # request meta: the Reading of its response, when read ahead
CLOSE_WAIT = 5.0  # seconds a child gets to finish once its input ends


def reading_of(response: Response, how: PageRead) -> Read:
    """What the page reads as: read ahead in an extraction process, else here and now.
    Raises ExtractError, for a crash of the parsers too (the spider records the page's failure)."""
    ahead = response.meta.pop(META_READING, None)
    if not isinstance(ahead, Reading):
        ahead = reading(how, response.url, response.body, response_charset(response))
    return ahead.result()


# ---------------------------------------------------------------------------- the parent


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    writer: asyncio.WriteTransport
    pending: dict[int, asyncio.Future[Reading | None]] = field(default_factory=dict)
    alive: bool = True
    ready: bool = False  # it said so: its imports and compiled patterns are in place

    def settle(self, job: int, answer: Reading | None) -> None:
        future = self.pending.pop(job, None)
        if future is not None and not future.done():
            future.set_result(answer)


class _Answers(asyncio.Protocol):
    """Reads a child's answer frames as they arrive."""

    def __init__(self, child: _Child) -> None:
        self.child = child
        self.buffer = bytearray()
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._answers(data)
        except Exception:  # an answer this process cannot read: the child is of no more use
            logger.debug("unreadable answer from an extraction process", exc_info=True)
            self.child.writer.close()
            if self.transport is not None:
                self.transport.close()

    def _answers(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= LENGTH.size:
            end = LENGTH.size + LENGTH.unpack_from(self.buffer)[0]
            if len(self.buffer) < end:
                return
            job, answer = pickle.loads(self.buffer[LENGTH.size : end])
            del self.buffer[:end]
            if job == READY:
                self.child.ready = True
            else:
                self.child.settle(job, answer)

    def connection_lost(self, exc: Exception | None) -> None:
        child = self.child
        if child.alive:
            logger.warning("an extraction process stopped; pages are read in the crawl's own")
        child.alive = False
        for job in list(child.pending):
            child.settle(job, None)


class Extractors:
    """``read_page`` in ``processes`` child processes; in this one when none is running."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.children: list[_Child] = []
        self.next_job = 0

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(self.processes):
            process = subprocess.Popen([sys.executable, "-m", "crawler.reading"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
            assert process.stdin is not None and process.stdout is not None
            writer, _ = await loop.connect_write_pipe(asyncio.Protocol, process.stdin)
            child = _Child(process, writer)
            await loop.connect_read_pipe(partial(_Answers, child), process.stdout)
            self.children.append(child)

    async def read(self, how: PageRead, url: str, body: bytes, charset: str | None) -> Reading:
        ready = [child for child in self.children if child.alive and child.ready]
        if ready:
            child = min(ready, key=lambda child: len(child.pending))
            job, self.next_job = self.next_job, self.next_job + 1
            answer: asyncio.Future[Reading | None] = asyncio.get_running_loop().create_future()
            child.pending[job] = answer
            child.writer.write(frame((job, how, url, body, charset)))
            if (read := await answer) is not None:
                return read
        # No child ready, or it died before answering. One still starting is building the
        # gloss pass: building it here too would stall the crawl.
        starting = any(child.alive and not child.ready for child in self.children)
        with without_compiling() if starting else nullcontext():
            return reading(how, url, body, charset)

    async def close(self) -> None:
        """Ends the children's input and waits up to CLOSE_WAIT for them to exit; stops those
        that were not ready yet at once."""
        for child in self.children:
            child.alive = False
            child.writer.close()
            if not child.ready:  # still preparing, so no page of the crawl's: no need to wait
                child.process.terminate()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_WAIT
        while loop.time() < deadline:
            if all(child.process.poll() is not None for child in self.children):
                return
            await asyncio.sleep(0.01)
        for child in self.children:
            if child.process.poll() is None:
                child.process.kill()


# ---------------------------------------------------------------------------- the middleware


class ReadAheadMiddleware:
    """Reads the pages the spider marked in the extraction processes, as they arrive."""

    def __init__(self, processes: int) -> None:
        self.extractors = Extractors(processes)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReadAheadMiddleware:
        # One core is the crawl's: on a single core a child would only add the pipes' cost.
        spare_cores = (os.cpu_count() or 1) - 1
        processes = min(crawler.settings.getint("PARTYFIELD_EXTRACT_PROCESSES"), spare_cores)
        if processes <= 0:
            raise NotConfigured  # no message: Scrapy would log a warning for it
        middleware = cls(processes)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def spider_opened(self) -> None:
        await self.extractors.open()

    async def spider_closed(self) -> None:
        await self.extractors.close()

    async def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        how = request.meta.get(META_READ_AHEAD)
        if not isinstance(how, PageRead) or not isinstance(response, TextResponse):
            return response
        if 200 <= response.status < 300:  # what reaches the callback, but a 304
            charset = response_charset(response)
            read = await self.extractors.read(how, response.url, response.body, charset)
            request.meta[META_READING] = read
        return response
