"""Build a party section in another CMS family's markup — 博达 VSB, TRS WCM, 大汉 Hanweb, or a
plain hand-made CMS — from the same ``articles.json`` corpus as the yun300 sites.

Each family writes its own URLs, list paging, info line and quirks (the facts are in
``CMS-FAMILIES.md``): VSB's count-down list pages and script-filled click counts, TRS's
``index_N`` pages in GB18030 under a GB2312 ``<meta>``, Hanweb's records behind dataproxy.jsp,
the plain CMS's stray ``</html>``, hidden blocks, glued labels and commented-out entries.
Every site has a front page with a mega-menu naming its party columns and ordinary ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from crawler.demo import chrome
from crawler.demo.markup import Family, Page, Row, families
from crawler.demo.site import BuiltSite, SiteSpec, _body_texts, _write, _Writer, corpus
from crawler.text.dates import parse_published_at


@dataclass(frozen=True)
class FamilySpec:
    family: str = "vsb"  # vsb | trs | hanweb | generic
    company: str = "示例理工大学"
    section: str = "党建工作"
    page_size: int = 5
    first_id: int = 3000
    gloss_every: int = 9
    traditional: bool = False
    article_count: int | None = None  # first n corpus articles; None: all
    portal_weight: bool = False  # ~90 KB detail pages: head scripts, mega-menu, sidebar, footer
    flaky_list_pages: dict[int, int] = field(default_factory=dict)  # page number → failed answers
    server_errors: tuple[int, ...] = ()  # corpus indexes whose detail page answers HTTP 500
    failure: str = "503"

    @property
    def encoding(self) -> str:
        return families()[self.family].encoding


def build_family_site(root: Path, spec: FamilySpec | None = None) -> BuiltSite:
    """Write the site under ``root``; returns its section path and the expected articles."""
    spec = spec or FamilySpec()
    family = families()[spec.family]
    writer = _Writer(_yun300_spec_for_writer(spec))
    count = len(corpus()) if spec.article_count is None else spec.article_count
    articles = [corpus()[i % len(corpus())] for i in range(count)]
    ids = [spec.first_id + i for i in range(count)]
    paths = [family.detail_path(a["date"], ident) for a, ident in zip(articles, ids, strict=True)]
    expected: dict[str, dict[str, Any]] = {}
    attachments: list[str] = []
    for index, (article, ident, path) in enumerate(zip(articles, ids, paths, strict=True)):
        page = _page(writer, spec, article, index, ident)
        _write(root, path, family.detail(page), spec.encoding)
        attachments += [family.attachment_url(href, n) for n, (_x, href) in _files(article)]
        if index not in spec.server_errors:
            expected[path] = _expected(writer, spec, family, article, index, ident)
    rows = [_row(writer, article, path) for article, path in zip(articles, paths, strict=True)]
    list_paths = _write_lists(root, spec, family, writer, rows)
    _write_front_page(root, spec, family, writer, rows)
    _write_site_json(root, spec, family, paths, list_paths)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="ascii")
    return BuiltSite(root, family.section_path, expected, paths, attachments)


def _yun300_spec_for_writer(spec: FamilySpec) -> SiteSpec:
    """The writer's settings (script, glosses) for this site."""
    return SiteSpec(company=spec.company, section=spec.section, gloss_every=spec.gloss_every,
                    traditional=spec.traditional)  # fmt: skip


def _files(article: dict[str, Any]) -> list[tuple[int, tuple[str, str]]]:
    return list(enumerate(article.get("attachments", [])))


def _page(
    writer: _Writer, spec: FamilySpec, article: dict[str, Any], index: int, ident: int
) -> Page:
    glossed = not article.get("no_glosses")
    family = families()[spec.family]
    return Page(
        index=index, ident=ident, company=writer.shown(spec.company, False),
        section=writer.shown(spec.section, False), title=writer.shown(article["title"], glossed),
        plain_title=escape(writer.script(article["title"])), date=escape(article["date"]),
        author=writer.shown(article["author"], glossed), source=writer.shown(article["source"], glossed),
        views=_views(spec, index),
        paragraphs=[writer.shown(p, glossed) for p in article["paragraphs"]],
        image=f"/images/{ident}.jpg" if article.get("image") else None,
        files=[(writer.shown(name, glossed), family.attachment_url(href, n))
               for n, (name, href) in _files(article)],
        weight=chrome.head_scripts() if spec.portal_weight else "",
        menu=chrome.mega_menu(spec.traditional) if spec.portal_weight else "",
        sidebar=chrome.sidebar(spec.traditional) if spec.portal_weight else "",
        footer=chrome.footer(spec.traditional) if spec.portal_weight else "",
    )  # fmt: skip


def _views(spec: FamilySpec, index: int) -> int | None:
    """A count printed by the server (some families print none, VSB fills it by script)."""
    if not families()[spec.family].prints_views:
        return None
    return 50 + 3 * index if index % 4 == 1 else None


def _expected(
    writer: _Writer, spec: FamilySpec, family: Family, article: dict[str, Any], index: int,
    ident: int,
) -> dict[str, Any]:  # fmt: skip
    s = writer.script
    return {
        "section": s(spec.section), "title": s(article["title"]), "category": None,
        "author": s(article["author"]) or None, "source": s(article["source"]) or None,
        "published_at": parse_published_at(article["date"]), "views": _views(spec, index),
        "summary": None, "body": "\n".join(s(p) for p in _body_texts(article)),
        "images": [f"/images/{ident}.jpg"] if article.get("image") else [],
        "attachments": [{"url": family.attachment_url(href, n), "name": s(name)}
                        for n, (name, href) in _files(article)],
    }  # fmt: skip


def _row(writer: _Writer, article: dict[str, Any], path: str) -> Row:
    title = writer.script(article["title"])
    return Row(path=path, title=escape(title), shown=writer.shown(title),
               date=escape(article["date"][:10].replace("/", "-")))  # fmt: skip


def _write_lists(
    root: Path, spec: FamilySpec, family: Family, writer: _Writer, rows: list[Row]
) -> list[str]:
    """Every list page of the section; returns their paths (page 1 first)."""
    size = spec.page_size
    pages = max(1, -(-len(rows) // size))
    section = writer.shown(spec.section, False)
    company = writer.shown(spec.company, False)
    written = family.write_list(root, rows, size, pages, section, company)
    for path, html in written.items():
        if path.startswith("/_"):
            (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (root / path.lstrip("/")).write_text(html, encoding="utf-8")
        else:
            _write(root, path, html, spec.encoding)
    return [p for p in written if not p.startswith("/_")]


def _write_front_page(
    root: Path, spec: FamilySpec, family: Family, writer: _Writer, rows: list[Row]
) -> None:
    """The front page, its other columns (party ones and ordinary ones), each a short list."""
    company = writer.shown(spec.company, False)
    columns = family.other_columns()
    for name, path in columns.items():
        html = family.list_page(rows[:3], 1, 1, escape(name), company, path)
        _write(root, path, html, spec.encoding)
    _write(root, "/index.html", family.front_page(company, columns), spec.encoding)


def _write_site_json(
    root: Path, spec: FamilySpec, family: Family, paths: list[str], list_paths: list[str]
) -> None:
    pages = family.list_request_keys(list_paths, spec.page_size)
    config = {
        "charset": family.header_charset,
        "status": {paths[i]: 500 for i in spec.server_errors},
        "fail_first": {pages[p - 1]: n for p, n in spec.flaky_list_pages.items()},
        "failure": spec.failure,
    }
    (root / "site.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
