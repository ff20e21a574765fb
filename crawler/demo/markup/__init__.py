"""Page markup of the CMS families the fixture builder renders (``crawler.demo.families``).

A ``Family`` knows its URLs, its detail page, its list pages and the requests that fetch
them; ``Page`` and ``Row`` carry what one detail page and one list entry show, already
converted, glossed and escaped.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

TITLE_CUT = 18  # list pages cut visible titles longer than this with "..."


@dataclass(frozen=True)
class Page:
    """What one article page shows (HTML-ready strings)."""

    index: int  # corpus position: quirks are spread over articles by it
    ident: int  # the article's number in its URLs
    company: str
    section: str
    title: str  # glossed as shown
    plain_title: str  # as the <title> and metas carry it
    date: str
    author: str
    source: str
    views: int | None
    paragraphs: list[str]
    image: str | None
    files: list[tuple[str, str]]  # (shown name, URL path)
    weight: str  # portal-weight head scripts, or ""
    menu: str
    sidebar: str
    footer: str


@dataclass(frozen=True)
class Row:
    """One list entry."""

    path: str  # the detail page's path
    title: str  # full, escaped
    shown: str  # as the list shows it (glossed)
    date: str  # YYYY-MM-DD

    def cut(self) -> str:
        return self.shown if len(self.title) <= TITLE_CUT else self.shown[:TITLE_CUT] + "..."


def relative(path: str, from_page: str) -> str:
    """``path`` as a link relative to the page at ``from_page``, the way these CMSs write it."""
    return posixpath.relpath(path, posixpath.dirname(from_page) or "/")


class Family:
    """One CMS family's markup. Subclasses fill in every method."""

    name = ""
    encoding = "utf-8"
    header_charset: str | None = "utf-8"  # what the HTTP header says; None: no charset
    prints_views = False  # the server prints a count (else none, or a script fills it)
    section_path = ""  # page 1 of the party section

    def detail_path(self, date: str, ident: int) -> str:
        raise NotImplementedError

    def attachment_url(self, href: str, number: int) -> str:
        return href

    def detail(self, page: Page) -> str:
        raise NotImplementedError

    def list_page(
        self, rows: list[Row], page: int, pages: int, section: str, company: str, path: str
    ) -> str:
        raise NotImplementedError

    def list_path(self, page: int, pages: int) -> str:
        raise NotImplementedError

    def write_list(
        self, root: Path, rows: list[Row], size: int, pages: int, section: str, company: str
    ) -> dict[str, str]:
        """Path → HTML of every list page of the section."""
        written = {}
        for page in range(1, pages + 1):
            path = self.list_path(page, pages)
            chunk = rows[(page - 1) * size : page * size]
            written[path] = self.list_page(chunk, page, pages, section, company, path)
        return written

    def list_request_keys(self, list_paths: list[str], size: int) -> list[str]:
        """The fixture server's ``fail_first`` key of each list page, page 1 first."""
        return list_paths

    def other_columns(self) -> dict[str, str]:
        """The site's other columns, by name: party ones and ordinary ones."""
        raise NotImplementedError

    def front_page(self, company: str, columns: dict[str, str]) -> str:
        return front_page(company, self.section_path, columns)


MEGA_MENU = {  # drop-down columns of the front page; those named like party work lead nowhere
    "学校概况": ("学校简介", "现任领导", "历史沿革", "校园风光"),
    "学术研究": ("科研动态", "学术交流", "党史学习教育", "科研平台"),
    "信息公开": ("规章制度", "财务信息", "党务公开", "招生信息"),
}


def _mega_menu() -> str:
    """A mega-menu whose party-sounding entries are gone (404): discover must check them."""
    columns = "".join(
        f'<li class="mega-col"><a href="/xxgk/{n}/index.html">{name}</a><ul class="mega-sub">'
        + "".join(f'<li><a href="/xxgk/{n}/{m}.html">{sub}</a></li>' for m, sub in enumerate(subs))
        + "</ul></li>"
        for n, (name, subs) in enumerate(MEGA_MENU.items())
    )
    return f'<div class="mega-menu"><ul>{columns}</ul></div>'


def front_page(company: str, section_path: str, columns: dict[str, str]) -> str:
    """A front page: a menu with a 党群工作 drop-down, a mega-menu, news blocks, a footer."""

    def link(name: str) -> str:
        return f'<a href="{columns[name]}">{name}</a>'

    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{company}</title></head>
<body><div class="header"><div class="logo"><h1>{company}</h1></div>
<div class="nav"><ul class="menu">
<li><a href="/index.html">首页</a></li>
<li>{link("新闻中心")}</li>
<li>{link("通知公告")}</li>
<li class="dropdown"><a href="javascript:void(0)">党群工作</a><ul class="sub-menu">
<li><a href="{section_path}">党建工作</a></li><li>{link("工会工作")}</li><li>{link("团委")}</li>
</ul></li>
<li><a href="/about.html">关于我们</a></li>
</ul></div></div>
{_mega_menu()}
<div class="main"><div class="block"><h2>{link("新闻中心")}</h2></div>
<div class="block"><h2>{link("通知公告")}</h2></div></div>
<div class="footer"><p>{link("纪检监察")} | <a href="/about.html">联系我们</a></p>
<p>版权所有 © {company}</p></div>
</body></html>
"""


def families() -> dict[str, Family]:
    """Every family by name (imported here: the modules import this one)."""
    from crawler.demo.markup.hanweb import Hanweb
    from crawler.demo.markup.plain import Plain
    from crawler.demo.markup.trs import Trs
    from crawler.demo.markup.vsb import Vsb

    return {family.name: family for family in (Vsb(), Trs(), Hanweb(), Plain())}
