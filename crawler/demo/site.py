"""Build a yun300 portal site on disk from ``articles.json`` plus what extraction must yield.

A ``SiteSpec`` picks the template variants (list markup, template generation, encoding,
script, glosses, broken pages); ``build_site`` writes the pages the way the template does and
returns, for every article a perfect crawl archives, the field values expected of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from opencc import OpenCC

from crawler.demo import chrome
from crawler.demo.gloss_injection import GlossInjector, with_ruby
from crawler.text.dates import parse_published_at

LIST_MARKUPS = 5  # the five list item markups seen on yun300 sites (samples/README.md)
TITLE_CUT = 18  # list pages cut visible titles longer than this with "..."


@dataclass(frozen=True)
class SiteSpec:
    company: str = "示例矿业集团有限公司"
    section: str = "党群园地"
    cid: int = 12
    component_digits: str = "16169974308791234"
    page_size: int = 5
    first_id: int = 3000
    encoding: str = "utf-8"
    traditional: bool = True  # convert the corpus with OpenCC s2tw
    charset_in_header: bool = True  # else the HTTP header says only "text/html"
    header_charset: str | None = None  # the charset the HTTP header claims; None: the real one
    meta_charset: str | None = None  # the charset the pages' <meta> claims; None: the real one
    list_markup: int = 0  # 0..4, see LIST_MARKUPS
    old_generation: bool = False  # c_news_list / c_news_detail / /comp/news/list.do
    gloss_every: int = 9  # a gloss after every n-th Han character; 0: none
    article_count: int | None = None  # first n corpus articles; None: all
    robots_disallow: tuple[int, ...] = ()  # corpus indexes whose pages robots.txt forbids
    server_errors: tuple[int, ...] = ()  # corpus indexes whose detail page answers HTTP 500
    bodyless: tuple[int, ...] = ()  # corpus indexes whose page lost its body element
    empty: tuple[int, ...] = ()  # corpus indexes whose body element holds nothing
    newest: tuple[int, ...] = ()  # corpus indexes listed first, as the newest articles
    changes: dict[int, dict[str, str]] = field(default_factory=dict)  # index → edits: "title",
    # "date" replace those; "append" adds a paragraph to the body
    response_delay: float = 0.0  # seconds the server waits before answering a detail page
    file_notice: bool = False  # page 1 opens with a notice that is only a PDF link
    flaky_articles: dict[int, int] = field(default_factory=dict)  # index → failed answers first
    flaky_list_pages: dict[int, int] = field(default_factory=dict)  # list.do page → the same
    failure: str = "503"  # how a flaky page fails: "503", or "drop" (connection closed)
    portal_weight: bool = False  # ~90 KB detail pages: head scripts, mega-menu, sidebar, footer


@dataclass
class BuiltSite:
    root: Path
    start_path: str  # the section list path, e.g. "/news/12/"
    expected: dict[str, dict[str, Any]]  # detail path → expected Article fields (url relative)
    linked_paths: list[str]  # every detail path the lists link to, in list order
    attachment_paths: list[str]


@cache
def corpus() -> tuple[dict[str, Any], ...]:
    text = resources.files("crawler.demo").joinpath("articles.json").read_text("utf-8")
    return tuple(json.loads(text))


@cache
def _s2t() -> OpenCC:
    return OpenCC("s2tw")


class _Writer:
    """Renders one site; holds the script conversion and the gloss injector."""

    def __init__(self, spec: SiteSpec) -> None:
        self.spec = spec
        self.inject = GlossInjector(spec.gloss_every)
        self.plain = GlossInjector(0)

    def script(self, text: str) -> str:
        return _s2t().convert(text) if self.spec.traditional else text

    def shown(self, text: str, glossed: bool = True) -> str:
        """Text as the page shows it: converted, glossed, escaped."""
        converted = self.script(text)
        return escape((self.inject if glossed else self.plain)(converted), quote=False)


def build_site(root: Path, spec: SiteSpec | None = None) -> BuiltSite:
    """Write the site under ``root``; returns its start path and the expected articles."""
    spec = spec or SiteSpec()
    writer = _Writer(spec)
    count = len(corpus()) if spec.article_count is None else spec.article_count
    indexes = [*spec.newest, *(i for i in range(count) if i not in spec.newest)]
    # Past the corpus's end, articles repeat (under their own URLs): sites of any size.
    articles = [_changed(corpus()[i % len(corpus())], spec.changes.get(i)) for i in indexes]
    paths = [f"/news/{spec.first_id + i}.html" for i in indexes]
    expected: dict[str, dict[str, Any]] = {}
    attachments: list[str] = []
    for index, article, path in zip(indexes, articles, paths, strict=True):
        html = _detail_page(writer, article, index, path)
        _write(root, path, html, spec.encoding)
        attachments += [href for _name, href in article.get("attachments", [])]
        if _is_archivable(spec, index):
            expected[path] = _expected(writer, article, index)
    listed, listed_paths = articles, paths
    if spec.file_notice:
        notice = {"title": FILE_NOTICE[0], "date": FILE_NOTICE[1]}
        listed, listed_paths = [notice, *articles], [FILE_NOTICE[2], *paths]
        expected[FILE_NOTICE[2]] = _expected_file_notice(writer)
    _write_lists(root, writer, listed, listed_paths)
    _write_robots(root, spec, paths, indexes)
    _write_site_json(root, spec, paths, indexes)
    return BuiltSite(root, f"/news/{spec.cid}/", expected, listed_paths, attachments)


def _changed(article: dict[str, Any], changes: dict[str, str] | None) -> dict[str, Any]:
    if not changes:
        return article
    changed = {**article, **{k: v for k, v in changes.items() if k in ("title", "date")}}
    if "append" in changes:
        changed["paragraphs"] = [*article["paragraphs"], changes["append"]]
    return changed


def _is_archivable(spec: SiteSpec, index: int) -> bool:
    return index not in (*spec.robots_disallow, *spec.server_errors, *spec.bodyless, *spec.empty)


def _write(root: Path, path: str, html: str, encoding: str) -> None:
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html.encode(encoding, errors="xmlcharrefreplace"))


# ---------------------------------------------------------------- expected values


def _expected(writer: _Writer, article: dict[str, Any], index: int) -> dict[str, Any]:
    s = writer.script
    title = s(article["title"])
    summary = article.get("summary")
    return {
        "section": s(writer.spec.section),
        "title": title,
        "category": s(article["category"]),
        "author": s(article["author"]) or None,
        "source": s(article["source"]) or None,
        "published_at": parse_published_at(article["date"]),
        "views": _views(index),
        "summary": s(summary) if summary else None,
        "body": "\n".join(s(p) for p in _body_texts(article)),
        "images": [f"/repository/image/{writer.spec.first_id + index}.jpg"]
        if article.get("image")
        else [],
        "attachments": [
            {"url": href, "name": s(name)} for name, href in article.get("attachments", [])
        ],
    }


FILE_NOTICE = (
    "关于做好2024年度党费收缴工作的通知",
    "2024-06-03",
    "/uploads/2024/dangfei-tongzhi.pdf",
)


def _expected_file_notice(writer: _Writer) -> dict[str, Any]:
    title, date, href = FILE_NOTICE
    return {
        "section": writer.script(writer.spec.section), "title": writer.script(title),
        "category": None, "author": None, "source": None, "published_at": date, "views": None,
        "summary": None, "body": "", "images": [],
        "attachments": [{"url": href, "name": writer.script(title)}],
    }  # fmt: skip


def _views(index: int) -> int | None:
    return 100 + 7 * index if index % 4 == 1 else None


def _body_texts(article: dict[str, Any]) -> list[str]:
    return [*article["paragraphs"], *(name for name, _href in article.get("attachments", []))]


# ---------------------------------------------------------------- detail pages


def _detail_page(writer: _Writer, article: dict[str, Any], index: int, path: str) -> str:
    spec = writer.spec
    glossed = not article.get("no_glosses")
    title = writer.shown(article["title"], glossed)
    summary = writer.shown(article.get("summary") or article["title"], glossed)
    full_meta = _meta_list(writer, article, index, glossed, partial=False)
    top_meta = _meta_list(writer, article, index, glossed, partial=index % 3 == 2)
    body = _body_html(
        writer, {"paragraphs": []} if index in spec.empty else article, index, glossed
    )
    if index in spec.bodyless:
        body = ""
    detail_id = (
        f"c_news_detail-{spec.component_digits}"
        if spec.old_generation
        else f"c_portalResNews_detail-{spec.component_digits}"
    )
    return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={spec.meta_charset or spec.encoding}">
<title>{title}-{writer.shown(spec.company, False)}</title>
<meta name="keywords" content="{writer.shown(spec.section, False)}">
{chrome.head_scripts() if spec.portal_weight else ""}
</head>
<body data-layout="flow"><div class="main pagebox">
{chrome.mega_menu(spec.traditional) if spec.portal_weight else ""}
{_nav(writer)}
<div id="{detail_id}" loaded="true">
 <div class="e_box p_NewsDetail" data-ename="资讯详情" data-infoid="{spec.first_id + index}">
  <div class="e_box p_topBox">
   <div class="e_box p_header"><h1 class="e_title h1 p_headA"><div class="font">{title}</div></h1></div>
   {top_meta}
   <p class="e_article p_summary" data-ename="资讯概要信息"><span><span class="i_SummaryBox">【概要描述】</span></span>{summary}</p>
  </div>
  <div class="e_box p_infoBox">
   <div class="e_box p_header"><h1 class="e_title p_headA h3"><div class="font">{title}</div></h1></div>
   <p class="e_article p_summary" data-ename="资讯概要信息"><span><span class="i_SummaryBox">【概要描述】</span></span>{summary}</p>
   {full_meta}
  </div>
  <div class="e_title p_articlesTitle" data-ename="描述标题"><div class="font">{writer.shown("详情", False)}</div></div>
  {body}
  <div class="e_box p_QRCode"><p class="e_title p_SaveText"><span class="i_qrcode">{writer.shown("扫二维码用手机看", False)}</span></p></div>
  <div class="e_box p_PrevAndNext">
   <div class="e_box p_previewBox"><span class="i_title">{writer.shown("上一个", False)}:</span><a href="/news/{spec.first_id + index + 1}.html">{writer.shown("上一篇文章", False)}</a></div>
  </div>
 </div>
</div>
{chrome.sidebar(spec.traditional) if spec.portal_weight else ""}
<div class="footer">{chrome.footer(spec.traditional) if spec.portal_weight else ""}<p>{writer.shown("微信公众号", False)}</p><p>Copyright © {writer.shown(spec.company, False)} {writer.shown("版权所有", False)}</p></div>
</div></body></html>
"""


def _meta_list(
    writer: _Writer, article: dict[str, Any], index: int, glossed: bool, partial: bool
) -> str:
    """The 資訊信息 list; ``partial`` is the variant whose top box shows three fields only."""

    def label(text: str) -> str:
        return writer.shown(text, glossed)

    views = _views(index)
    date = escape(article["date"])
    if writer.spec.old_generation:
        date = date.replace("-", "/")
    items = [
        f'<li class="sort"><span class="i_sort">{label("分类")}:</span>'
        f'<a href="/news/{writer.spec.cid}/">{writer.shown(article["category"], glossed)}</a></li>',
        f'<li class="auth"><span class="i_auth">{label("作者")}:</span>'
        f"{writer.shown(article['author'], glossed)}</li>",
        f'<li class="source"><span class="i_source">{label("来源")}:</span>'
        f"{writer.shown(article['source'], glossed)}</li>",
        f'<li class="date"><span class="i_pubDate">{label("发布时间")}:</span>{date}</li>',
        f'<li class="view"><span class="i_pvs">{label("访问量")}:</span>'
        f'<span class="p_viewCount">{views if views is not None else ""}</span></li>',
    ]
    if partial:
        items = items[1:4]
    return '<ul class="e_box p_dataSource" data-ename="资讯信息">' + "".join(items) + "</ul>"


def _body_html(writer: _Writer, article: dict[str, Any], index: int, glossed: bool) -> str:
    paragraphs = []
    for number, text in enumerate(article["paragraphs"]):
        shown = writer.shown(text, glossed)
        if number == 0 and glossed and index % 5 == 2:
            shown = with_ruby(writer.script(text))
        paragraphs.append(
            f'<p style="text-indent:2em;"><span style="font-size:16px;">{shown}</span></p>'
        )
        if number == 0 and article.get("image"):
            paragraphs.append(
                f'<p style="text-align:center;"><img src="/repository/image/'
                f'{writer.spec.first_id + index}.jpg" alt=""></p>'
            )
    for name, href in article.get("attachments", []):
        paragraphs.append(
            f'<p><a href="{href}" target="_blank">{writer.shown(name, glossed)}</a></p>'
        )
    paragraphs.append("<script>document.write('');</script><style>.x{color:red}</style>")
    if writer.spec.old_generation:
        return '<article class="e_HtmlEditor p_articles">' + "\n".join(paragraphs) + "</article>"
    return (
        '<div class="e_box p_articles" data-ename="资讯详细描述">\n'
        + "\n".join(paragraphs)
        + "\n</div>"
    )


def _nav(writer: _Writer) -> str:
    spec = writer.spec
    return (
        f'<div class="pc_nav"><nav><ul><li><a href="/">{writer.shown("首页", False)}</a></li>'
        f'<li class="active"><a href="/news/{spec.cid}/">{writer.shown(spec.section, False)}</a>'
        f'</li></ul></nav></div>\n<div class="p_columnBanner"><div class="e_title">'
        f'<h2 class="title_main">{writer.shown(spec.section)}</h2>'
        f'<p class="title_sub">Party field</p></div></div>'
    )


# ---------------------------------------------------------------- list pages


def _component(spec: SiteSpec) -> str:
    kind = "news_list" if spec.old_generation else "portalResNews_list"
    return f"{kind}-{spec.component_digits}"


def _endpoint(spec: SiteSpec) -> str:
    return "/comp/news/list.do" if spec.old_generation else "/comp/portalResNews/list.do"


def _write_lists(
    root: Path, writer: _Writer, articles: list[dict[str, Any]], paths: list[str]
) -> None:
    spec = writer.spec
    size = spec.page_size
    pages = max(1, -(-len(articles) // size))
    for page in range(1, pages + 1):
        chunk = list(zip(articles, paths, strict=True))[(page - 1) * size : page * size]
        fragment = _list_fragment(writer, chunk, page, pages)
        if page == 1:
            _write(
                root, f"/news/{spec.cid}/index.html", _list_page(writer, fragment), spec.encoding
            )
        _write(root, f"/_listdo/{spec.cid}/{page}.html", fragment, spec.encoding)


def _list_items(writer: _Writer, chunk: list[tuple[dict[str, Any], str]]) -> str:
    markup = writer.spec.list_markup
    rows = []
    for article, path in chunk:
        full = writer.script(article["title"])
        cut = full if len(full) <= TITLE_CUT else full[:TITLE_CUT] + "..."
        visible, title, date = writer.shown(cut), escape(full), escape(article["date"][:10])
        rows.append(
            [
                f'<li class="p_news_item"><div class="h3"><a href="{path}" title="{title}">{visible}</a><span class="time">{date}</span></div></li>',
                f'<div class="newItem"><h3 class="newTitle"><a href="{path}" title="{title}">{visible}</a></h3><span class="newTime">{date}</span></div>',
                f'<div class="newList"><a class="newTitleLink" href="{path}" title="{title}">{visible}</a><div class="leftTime"><span class="newTime">{date}</span></div></div>',
                f'<div class="p_articles newLi"><a class="showBoxLink" href="{path}" title="{title}">{visible}</a><p class="TimeBox">{date}</p></div>',
                f'<div class="p_articles"><a class="e_link" href="{path}" title="{title}">{visible}</a><div class="p_time">{date}</div></div>',
            ][markup]
        )
    container = [
        '<ul class="p_news">',
        '<div class="p_news">',
        '<div class="p_news">',
        '<div class="newUl p_news">',
        '<div class="p_news">',
    ][markup]
    closing = "</ul>" if markup == 0 else "</div>"
    return container + "\n" + "\n".join(rows) + "\n" + closing


def _list_fragment(
    writer: _Writer, chunk: list[tuple[dict[str, Any], str]], page: int, pages: int
) -> str:
    spec = writer.spec
    component = _component(spec)
    pager = "".join(
        f'<div class="pageNum{" active" if n == page else ""}"><a href="#c_{component}-{n}">{n}</a></div>'
        for n in range(1, pages + 1)
    )
    return f"""<div class="e_box p_Newslist" data-ename="资讯整体框架">
{_list_items(writer, chunk)}
<div class="e_pagebox e_pagebox-000 p_page"><div class="pre"><span class="i_pre">上一頁</span></div>{pager}<div class="next"><span class="i_next">下一頁</span></div></div>
<script>pagingVM['{component}'] = {{totalPage: "{pages}", pageSize: "{spec.page_size}", currentPage: "{page}", turnPageType: 'turnPage'}};</script>
</div>"""


def _list_page(writer: _Writer, fragment: str) -> str:
    spec = writer.spec
    component = _component(spec)
    return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={spec.meta_charset or spec.encoding}">
<title>{writer.shown(spec.section, False)}-{writer.shown(spec.company, False)}</title>
</head>
<body data-layout="flow"><div class="main pagebox">
{_nav(writer)}
<div id="c_{component}" loaded="true">
<input type="hidden" class="requsetParam" value="&cid={spec.cid}">
{fragment}
<script>$comp({{"lib": ["js/portalNews/portalResNews_list-01"], "params": {{"url": "{_endpoint(spec)}?compId={component}&cid={spec.cid}", "appId": "3"}}, "id": "{component}"}});</script>
</div>
<div class="footer"><p>Copyright © {writer.shown(spec.company, False)}</p></div>
</div></body></html>
"""


def _path_of(paths: list[str], indexes: list[int], corpus_index: int) -> str:
    return paths[indexes.index(corpus_index)]


def _write_robots(root: Path, spec: SiteSpec, paths: list[str], indexes: list[int]) -> None:
    forbidden = [_path_of(paths, indexes, i) for i in spec.robots_disallow]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in forbidden)]
    if not spec.robots_disallow:
        lines.append("Disallow: /admin/")
    (root / "robots.txt").write_text("\n".join(lines) + "\n", encoding="ascii")


def _write_site_json(root: Path, spec: SiteSpec, paths: list[str], indexes: list[int]) -> None:
    config = {
        "charset": (spec.header_charset or spec.encoding) if spec.charset_in_header else None,
        "status": {_path_of(paths, indexes, i): 500 for i in spec.server_errors},
        "delay": {path: spec.response_delay for path in paths} if spec.response_delay else {},
        "fail_first": {
            **{_path_of(paths, indexes, i): n for i, n in spec.flaky_articles.items()},
            **{f"{_endpoint(spec)}?currentPage={p}": n for p, n in spec.flaky_list_pages.items()},
        },
        "failure": spec.failure,
    }
    (root / "site.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
