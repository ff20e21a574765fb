"""``partyfield history URL``: the versions of one article, oldest first, each with a diff of
its title and body lines against the one before (like ``git log -p``). Pure text from rows."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Any

FIRST = "first archived"


@dataclass(frozen=True)
class Version:
    number: int
    since: str | None  # when this text was first archived (UTC)
    why: str  # "first archived", or why the previous text was replaced
    content_hash: str
    capture_id: int | None
    parser_version: str | None
    title: str
    body: str

    @property
    def lines(self) -> list[str]:
        return [self.title, *(self.body.split("\n") if self.body else [])]


def versions_of(article: dict[str, Any], kept: list[dict[str, Any]]) -> list[Version]:
    """The article's texts, oldest first: the ``article_versions`` rows, then its row."""
    texts = [*kept, article]
    found = []
    for number, text in enumerate(texts, start=1):
        before = texts[number - 2] if number > 1 else None
        found.append(
            Version(
                number=number,
                since=_since(before, article) if before else article["first_seen_at"],
                why=(before.get("reason") or "edited on site") if before else FIRST,
                content_hash=text["content_hash"],
                capture_id=text.get("capture_id"),
                parser_version=text.get("parser_version"),
                title=text["title"],
                body=text["body"],
            )
        )
    return found


def _since(before: dict[str, Any], article: dict[str, Any]) -> str | None:
    """When the text after ``before`` was archived: when ``before`` was replaced (versions
    kept before that was recorded only know when they were last seen)."""
    return before.get("replaced_at") or before.get("seen_at") or article.get("last_changed_at")


def diff_lines(before: Version, after: Version) -> list[str]:
    return list(
        difflib.unified_diff(
            before.lines, after.lines, f"version {before.number}", f"version {after.number}",
            lineterm="",
        )
    )  # fmt: skip


def format_history(url: str, versions: list[Version], captures: dict[int, str]) -> str:
    """Each version's header line, then its diff against the previous version."""
    out = [f"{url}: {len(versions)} version{'s' if len(versions) != 1 else ''}"]
    for index, version in enumerate(versions):
        capture = captures.get(version.capture_id or 0, "none")
        out.append("")
        out.append(
            f"version {version.number}  {version.since or '?'}  {version.why}  "
            f"sha256:{version.content_hash[:12]}  capture {capture}  "
            f"parser {version.parser_version or '?'}"
        )
        if index == 0:
            out.append(f"    {version.title}")
        else:
            out += diff_lines(versions[index - 1], version) or [
                "    (same text: only whitespace or metadata changed)"
            ]
    return "\n".join(out)


def history_json(url: str, versions: list[Version]) -> dict[str, Any]:
    entries = []
    for index, version in enumerate(versions):
        entry = asdict(version)
        entry["diff"] = diff_lines(versions[index - 1], version) if index else []
        entries.append(entry)
    return {"url": url, "versions": entries}
