"""How the party spider walks a section, and what its walks of this run listed."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extract import PageRef


@dataclass(frozen=True)
class ListPaging:
    """How one section is walked, as its first page told: the layout that reads its pages,
    and pages 2…N when page 1 names them all (else the walk follows each page's next link)."""

    section_url: str
    section: str | None  # the column's name, from page 1 (later pages may not show it)
    layout: str  # the LIST_LAYOUTS name that read page 1
    pages: tuple[PageRef, ...]  # pages 2…N; () when only "next page" links lead on

    @property
    def page_count(self) -> int | None:
        return len(self.pages) + 1 if self.pages else None

    def on_page(self, page: int, reason: str) -> str:
        """A failure's reason, saying which list page of which section it was."""
        of = f" of {self.page_count}" if self.page_count else ""
        return f"list page {page}{of} of section {self.section_url}: {reason}"


@dataclass
class SectionWalks:
    """The article URLs each section's list showed in this run, and which walks were complete:
    they reached the last page and no list page failed. Only a complete walk may say that an
    article is no longer listed."""

    listed: dict[str, set[str]] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)

    def saw(self, section_url: str, urls: list[str]) -> None:
        self.listed.setdefault(section_url, set()).update(urls)

    def complete(self) -> list[tuple[str, set[str]]]:
        return [(url, self.listed.get(url, set())) for url in sorted(self.ended - self.broken)]
