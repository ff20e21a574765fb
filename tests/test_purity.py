"""The pure core stays pure: crawler.text and crawler.extract load no Scrapy and no SQLite."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("scrapy", "twisted", "sqlite3", "sqlite_utils")


def test_pure_core_imports_no_scrapy_or_sqlite() -> None:
    code = (
        "import sys, crawler.text, crawler.extract, crawler.items, crawler.errors\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
