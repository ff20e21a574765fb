"""Party-building columns named on a site's front page (or its sitemap). Pure.

A column is a same-site link whose text names party work (党建, 党群, 党委, 党风廉政, 纪检监察,
… in either script) wherever it sits — navigation, drop-down sub-menus, footers. 工会, 团委
and the other mass organisations count only inside a 党群 menu, where a site files them under
party work; 新闻中心, 通知公告, 产品中心 and the like never do.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html
from parsel import Selector

from crawler.extract.urls import absolute_url, canonical_url, is_attachment_url, site_of
from crawler.text import clean_line, to_simplified

# Words that make a column a party one, in Simplified (names are compared simplified).
PARTY_WORDS = ("党建", "党群", "党委", "党风", "廉政", "纪检", "纪委", "监察", "党史", "党员",
               "党支部", "党总支", "党的建设", "党务", "组织部", "宣传部", "统战")  # fmt: skip
# Mass organisations: party columns only inside a 党群 (or 党建) menu.
MASS_WORDS = ("工会", "团委", "共青团", "团建", "妇联", "妇委会", "群团", "青年")
MENU_WORDS = ("党群", "党建", "党委")
SITEMAP_WORDS = ("网站地图", "站点地图", "sitemap", "site map")
MAX_COLUMN_NAME = 12  # a longer link text is a headline, not a column


@dataclass(frozen=True)
class ColumnLink:
    """A link a front page shows to what may be a party column."""

    url: str  # absolute, canonical
    name: str  # the link text, cleaned


def party_columns(url: str, sel: Selector) -> list[ColumnLink]:
    """Same-site links named as party columns, in page order, one per URL."""
    found: dict[str, ColumnLink] = {}
    for link in sel.root.xpath("//body//a[@href]"):
        name = clean_line(link.text_content() or link.get("title") or "")
        target = _same_site_page(url, link.get("href") or "")
        if target and target not in found and is_party_column(name, _menu_names(link)):
            found[target] = ColumnLink(target, name)
    return list(found.values())


def is_party_column(name: str, menus: list[str]) -> bool:
    """True for a party column's name; a mass organisation's only under a party menu."""
    simple = to_simplified(name)
    if not simple or len(simple) > MAX_COLUMN_NAME:
        return False
    if any(word in simple for word in PARTY_WORDS):
        return True
    in_party_menu = any(word in to_simplified(menu) for menu in menus for word in MENU_WORDS)
    return in_party_menu and any(word in simple for word in MASS_WORDS)


def sitemap_link(url: str, sel: Selector) -> str | None:
    """The front page's link to its sitemap, if it has one."""
    for link in sel.root.xpath("//body//a[@href]"):
        text = clean_line(link.text_content()).lower()
        if any(word in text for word in SITEMAP_WORDS):
            return _same_site_page(url, link.get("href") or "")
    return None


def _same_site_page(base: str, href: str) -> str | None:
    target = absolute_url(base, href)
    if target is None or site_of(target) != site_of(base) or is_attachment_url(target):
        return None
    return canonical_url(target)


def _menu_names(link: html.HtmlElement) -> list[str]:
    """The names of the menus ``link`` sits in: for each enclosing ``li``, its own first link
    or label (the top entry of a drop-down)."""
    names = []
    for item in link.iterancestors("li", "dd", "dl"):
        head = item.xpath("./a[1] | ./span[1] | ./dt[1] | ./div[1]/a[1]")
        if head and head[0] is not link:
            names.append(clean_line(head[0].text_content()))
    return names
