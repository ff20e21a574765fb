"""PARSER_VERSION moves with the extraction's output: ``articles.parser_version`` must tell
an archive which code read each text, or ``partyfield reparse`` cannot be reasoned about."""

from __future__ import annotations

import hashlib
from pathlib import Path

from crawler.extract import PARSER_VERSION

PAGES = Path(__file__).parent / "pages"
PINNED = PAGES / "PARSER_VERSION"  # "<version> <sha256 of every expected.json>"


def expected_outputs_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PAGES.rglob("expected.json")):
        digest.update(path.relative_to(PAGES).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def test_a_change_of_expected_output_comes_with_a_new_parser_version() -> None:
    version, digest = PINNED.read_text("utf-8").split()
    current = expected_outputs_digest()
    if digest != current:
        assert version != PARSER_VERSION, (
            "the expected extraction outputs changed: bump crawler.extract.PARSER_VERSION, then "
            f"write '{PARSER_VERSION} {current}' to {PINNED.relative_to(PAGES.parent.parent)}"
        )
    assert version == PARSER_VERSION, (
        f"PARSER_VERSION is {PARSER_VERSION}: write '{PARSER_VERSION} {current}' to {PINNED.name}"
    )
