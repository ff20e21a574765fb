"""大汉 Hanweb markup: ``/col/col<ID>/index.html`` columns whose first records sit in an XML
script block, the rest answered by ``dataproxy.jsp``; ``#zoom`` bodies between comment marks."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.demo.markup import Family, Page, Row
from crawler.text.dates import parse_published_at

COLUMN_ID = 4567
GROUP_SIZE = 3  # list pages per dataproxy answer
PROXY = "/module/web/jpage/dataproxy.jsp"


def _record(row: Row) -> str:
    return (f'<record><![CDATA[<li><a href="{row.path}" title="{row.title}" target="_blank">'
            f"{row.cut()}</a><span>{row.date}</span></li>]]></record>")  # fmt: skip


class Hanweb(Family):
    name = "hanweb"
    prints_views = True
    section_path = f"/col/col{COLUMN_ID}/index.html"

    def detail_path(self, date: str, ident: int) -> str:
        year, month, day = (parse_published_at(date) or "2024-01-01")[:10].split("-")
        return f"/art/{year}/{int(month)}/{int(day)}/art_{COLUMN_ID}_{ident}.html"

    def write_list(
        self, root: Path, rows: list[Row], size: int, pages: int, section: str, company: str
    ) -> dict[str, str]:
        """Page 1 (one group of records embedded), and every record for dataproxy.jsp."""
        records = [_record(row) for row in rows]
        page = self._column_page(records[: size * GROUP_SIZE], len(rows), size, section, company)
        proxied = json.dumps(records, ensure_ascii=False)
        return {self.section_path: page, f"/_dataproxy/{COLUMN_ID}.json": proxied}

    def list_request_keys(self, list_paths: list[str], size: int) -> list[str]:
        """Page 1, then one dataproxy.jsp POST per group (keyed by its startrecord)."""
        group = size * GROUP_SIZE
        return [self.section_path, *(f"{PROXY}?startrecord={1 + g * group}" for g in range(1, 99))]

    def list_page(
        self, rows: list[Row], page: int, pages: int, section: str, company: str, path: str
    ) -> str:
        return self._column_page([_record(row) for row in rows], len(rows), 15, section, company)

    def _column_page(
        self, records: list[str], total: int, size: int, section: str, company: str
    ) -> str:
        query = (f"page=1&amp;webid=1&amp;path=/&amp;columnid={COLUMN_ID}&amp;unitid=8901"
                 f"&amp;webname=%E7%A4%BA%E4%BE%8B&amp;permissiontype=0")  # fmt: skip
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{section} {company}</title><meta name="ColumnName" content="{section}"></head>
<body><div class="bt-position">当前位置：<a href="/index.html">首页</a> &gt; <a href="#">{section}</a></div>
<div id="{COLUMN_ID}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{PROXY}?{query}"></a>]]></nextgroup>
<recordset>{"".join(records)}</recordset></datastore></script></div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{$('#{COLUMN_ID}').jpage({{dataStore: dataStore,
 totalRecord: {total}, perPage: {size}, groupSize: {GROUP_SIZE}, proxyUrl: '{PROXY}',
 barPosition: 'bottom', showMode: 'full'}});}});</script>
<div class="footer">Produced By 大汉网络 大汉版通发布系统</div></body></html>
"""

    def detail(self, page: Page) -> str:
        body = "".join(f"<p>{text}</p>" for text in page.paragraphs)
        if page.image:
            body += f'<p style="text-align:center"><img src="{page.image}"></p>'
        body += "".join(f'<p><a href="{url}">{name}</a></p>' for name, url in page.files)
        views = (
            str(page.views) if page.views is not None else f"<script>hits({page.ident})</script>"
        )
        stamp = (parse_published_at(page.date) or "")[:16].replace("T", " ")
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{page.plain_title} {page.company}</title>{page.weight}
<meta name="ArticleTitle" content="{page.plain_title}"><meta name="PubDate" content="{stamp}">
<meta name="ContentSource" content="{page.source}"><meta name="ColumnName" content="{page.section}">
<meta name="ContentStart"><meta name="ContentEnd"></head>
<body>{page.menu}<div class="bt-position">当前位置：<a href="/index.html">首页</a> &gt; <a href="/col/col{COLUMN_ID}/index.html">{page.section}</a></div>
<table><tr><td class="title">{page.title}</td></tr>
<tr><td class="info">发布日期：{page.date}  信息来源：{page.source}  作者：{page.author}  浏览次数：{views}</td></tr>
<tr><td><div id="zoom"><!--<$[信息内容]>begin-->{body}<!--<$[信息内容]>end--></div></td></tr></table>
<div class="tools">【字体：大 中 小】【打印】【关闭】</div>{page.sidebar}
<div class="footer">{page.footer}Produced By 大汉网络 大汉版通发布系统</div></body></html>
"""

    def other_columns(self) -> dict[str, str]:
        return {"新闻中心": "/col/col1001/index.html", "通知公告": "/col/col1002/index.html",
                "工会工作": "/col/col4568/index.html", "团委": "/col/col4569/index.html",
                "纪检监察": "/col/col4570/index.html"}  # fmt: skip
