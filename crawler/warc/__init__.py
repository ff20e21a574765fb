"""WARC: every HTTP exchange of a run kept as ISO 28500 records, and read back by offset."""

from crawler.warc.exchange import CaptureRef, Exchange
from crawler.warc.reader import CaptureError, CaptureFiles, StoredPage
from crawler.warc.writer import WARC_FOLDER, WarcFiles

__all__ = [
    "WARC_FOLDER",
    "CaptureError",
    "CaptureFiles",
    "CaptureRef",
    "Exchange",
    "StoredPage",
    "WarcFiles",
]
