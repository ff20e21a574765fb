"""Search the archive: Chinese full text, blind to Traditional/Simplified.

Queries are converted to Simplified and matched against the archive's Simplified copy of each
article (``search_text``), so 安全生产 finds 安全生產 and the reverse; results show the
original text.

Terms of three or more characters use the trigram index, ranked in two tiers:
1. articles whose *title* holds every term;
2. then articles that hold the terms elsewhere.
Each tier is ranked by bm25 among its RANK_WINDOW most recently archived matches: ranking
every match of a phrase half the archive contains would cost ~2 µs a match (bench/).
Shorter terms, which trigrams cannot match, fall back to a substring scan of the same copy,
newest first. Filters narrow every path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crawler.text.script import to_simplified

TRIGRAM = 3  # the shortest term the trigram tokenizer indexes
RANK_WINDOW = 2000  # body matches ranked per query: the most recently archived ones
SNIPPET_CONTEXT = 40  # characters of body shown either side of the first match
HIGHLIGHT = ("[", "]")  # marks around the matched text in snippets
BM25 = "bm25(search_text_fts, 10.0, 4.0, 1.0)"  # weights of title, summary, body


@dataclass(frozen=True)
class SearchFilters:
    site: str | None = None  # exact host
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    category: str | None = None  # 分類, either script
    limit: int = 20


@dataclass(frozen=True)
class SearchHit:
    url: str
    title: str
    site: str
    published_at: str | None
    category: str | None
    snippet: str

    def as_dict(self) -> dict[str, Any]:
        return {"url": self.url, "title": self.title, "site": self.site,
                "published_at": self.published_at, "category": self.category,
                "snippet": self.snippet}  # fmt: skip


def query_terms(query: str) -> list[str]:
    """The Simplified terms of a query; whitespace separates terms, quotes are dropped."""
    return [t for t in re.split(r"\s+", to_simplified(query).replace('"', " ")) if t]


def _conditions(short_terms: list[str], filters: SearchFilters) -> tuple[str, list[Any]]:
    """SQL conditions on ``search_text s`` for the short terms and the filters."""
    clauses = ["1"]
    args: list[Any] = []
    for term in short_terms:
        clauses.append("instr(s.title || ' ' || s.summary || ' ' || s.body, ?) > 0")
        args.append(term)
    for clause, value in (
        ("s.site = ?", filters.site),
        ("s.published_at >= ?", filters.since),
        ("substr(s.published_at, 1, 10) <= ?", filters.until),
        ("s.category = ?", to_simplified(filters.category or "") or None),
    ):
        if value:
            clauses.append(clause)
            args.append(value)
    return " AND ".join(clauses), args  # fmt: skip


FTS_JOIN = "search_text_fts JOIN search_text s ON s.id = search_text_fts.rowid"


def _window_ranked(
    db: sqlite_utils.Database, match: str, where: str, args: list[Any], want: int
) -> list[int]:
    """Ids of the ``want`` best (bm25) among the RANK_WINDOW newest rows matching ``match``."""
    rows = db.execute(
        f"SELECT id FROM (SELECT s.id AS id, {BM25} AS score FROM {FTS_JOIN} "
        f"WHERE search_text_fts MATCH ? AND {where} "
        f"ORDER BY search_text_fts.rowid DESC LIMIT ?) ORDER BY score LIMIT ?",
        [match, *args, RANK_WINDOW, want],
    ).fetchall()
    return [row[0] for row in rows]


def _ranked_ids(
    db: sqlite_utils.Database, long_terms: list[str], where: str, args: list[Any], limit: int
) -> list[int]:
    """Title matches first, then matches elsewhere; each tier ranked within its window."""
    phrase = " AND ".join(f'"{term}"' for term in long_terms)
    ids = _window_ranked(db, f"title : ({phrase})", where, args, limit)
    if len(ids) < limit:
        seen = set(ids)
        others = _window_ranked(db, phrase, where, args, limit + len(ids))
        ids += [i for i in others if i not in seen][: limit - len(ids)]
    return ids  # fmt: skip


def _scanned_ids(db: sqlite_utils.Database, where: str, args: list[Any], limit: int) -> list[int]:
    rows = db.execute(
        f"SELECT s.id FROM search_text s WHERE {where} ORDER BY s.published_at DESC LIMIT ?",
        [*args, limit],
    ).fetchall()
    return [row[0] for row in rows]  # fmt: skip


def search(
    db: sqlite_utils.Database, query: str, filters: SearchFilters | None = None
) -> list[SearchHit]:
    """Articles matching every term of ``query``, best first; [] for an empty query."""
    filters = filters or SearchFilters()
    terms = query_terms(query)
    if not terms:
        return []
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    where, args = _conditions([t for t in terms if len(t) < TRIGRAM], filters)
    if long_terms:
        ids = _ranked_ids(db, long_terms, where, args, filters.limit)
    else:
        ids = _scanned_ids(db, where, args, filters.limit)
    return _hits(db, ids, terms)


def _hits(db: sqlite_utils.Database, ids: list[int], terms: list[str]) -> list[SearchHit]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT s.id, a.url, a.title, a.site, a.published_at, a.category, a.body, s.body "
        f"FROM search_text s JOIN articles a ON a.url = s.url WHERE s.id IN ({marks})",
        ids,
    )
    by_id = {row[0]: row[1:] for row in rows.fetchall()}
    return [_hit(by_id[i], terms) for i in ids if i in by_id]


def _hit(row: tuple[Any, ...], terms: list[str]) -> SearchHit:
    url, title, site, published_at, category, body, body_s = row
    return SearchHit(url, title, site, published_at, category, snippet(body, body_s, terms))


def snippet(original: str, simplified: str, terms: list[str]) -> str:
    """A window of the original body around the first term found, the term marked."""
    positions = [(simplified.find(t), t) for t in terms if simplified.find(t) >= 0]
    if not positions:
        return original[: 2 * SNIPPET_CONTEXT].replace("\n", " ")
    start, term = min(positions)
    # t2s keeps the length of nearly all text; when it did not, show the Simplified copy.
    text = original if len(original) == len(simplified) else simplified
    left = max(0, start - SNIPPET_CONTEXT)
    end = start + len(term)
    right = min(len(text), end + SNIPPET_CONTEXT)
    marked = (text[left:start] + HIGHLIGHT[0] + text[start:end] + HIGHLIGHT[1]
              + text[end:right])  # fmt: skip
    prefix = "…" if left else ""
    suffix = "…" if right < len(text) else ""
    return (prefix + marked + suffix).replace("\n", " ")
