"""博达 VSB markup: count-down list pages, ``line_u`` rows, the ``_newscontent_fromname`` form."""

from __future__ import annotations

from crawler.demo.gloss_injection import with_ruby
from crawler.demo.markup import Family, Page, Row, relative

COLUMN = "/dwgz/djgz"  # page 1 is COLUMN.htm, page k of M is COLUMN/(M - k + 1).htm


class Vsb(Family):
    name = "vsb"
    section_path = f"{COLUMN}.htm"

    def detail_path(self, date: str, ident: int) -> str:
        return f"/info/1156/{ident}.htm"

    def attachment_url(self, href: str, number: int) -> str:
        file_id = 5000 + number + 10 * (sum(map(ord, href)) % 1000)
        return f"/system/_content/download.jsp?owner=1234&urltype=news.DownloadAttachUrl&wbfileid={file_id}"

    def list_path(self, page: int, pages: int) -> str:
        return self.section_path if page == 1 else f"{COLUMN}/{pages - page + 1}.htm"

    def list_page(
        self, rows: list[Row], page: int, pages: int, section: str, company: str, path: str
    ) -> str:
        items = "\n".join(
            f'<li id="line_u8_{n}"><a href="{relative(row.path, path)}" target="_blank" '
            f'title="{row.title}">{row.cut()}</a><span>{row.date}</span></li>'
            for n, row in enumerate(rows)
        )
        pager = ""
        if pages > 1:
            following = self.list_path(page + 1, pages) if page < pages else None
            next_link = (
                f'<a href="{relative(following, path)}" class="Next">下页</a>' if following else ""
            )
            pager = (f'<td id="fanye43665" nowrap align="center">共{pages * len(rows)}条&nbsp;&nbsp;'
                     f'{page}/{pages}&nbsp;</td><td>{next_link}</td>')  # fmt: skip
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{section}-{company}</title>
<script type="text/javascript" src="/system/resource/js/counter.js"></script>
<link type="text/css" href="/_sitegray/_sitegray_d.css" rel="stylesheet"></head>
<body><div class="position">当前位置：<a href="/index.html">首页</a> &gt; <a href="#">党群工作</a> &gt; {section}</div>
<div class="list"><ul>
{items}
</ul><table><tr>{pager}</tr></table></div>
<div class="footer">版权所有 © {company}</div></body></html>
"""

    def detail(self, page: Page) -> str:
        paragraphs = [f'<p style="text-align:center"><strong>{page.title}</strong></p>']
        for n, text in enumerate(page.paragraphs):
            shown = with_ruby(text) if n == 0 and page.index % 5 == 2 and "(" not in text else text
            paragraphs.append(f'<p style="text-indent:2em">{shown}</p>')
            if n == 0 and page.image:
                paragraphs.append(
                    f'<p style="text-align:center"><img src="{page.image}" border="0"></p>'
                )
        hidden = ('<div class="v_news_content" style="display:none"><p>'
                  + "此处是页面隐藏的旧版本正文，读者看不到它，存档时不应收入。" * 3 + "</p></div>"
                  if page.index % 6 == 0 else "")  # fmt: skip
        files = "".join(
            f'<li>附件【<a href="{url}" target="_blank">{name}</a>】已下载<span id="nattach{n}">'
            f'<script>getClickTimes({n},{page.ident},"wbnews","wbfileid")</script></span>次</li>'
            for n, (name, url) in enumerate(page.files)
        )
        return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{page.plain_title}-{page.company}</title>{page.weight}
<script type="text/javascript" src="/system/resource/js/counter.js"></script></head>
<body>{page.menu}
<div class="position">当前位置：<a href="/index.html">首页</a> &gt; <a href="#">党群工作</a> &gt; <a href="../../dwgz/djgz.htm">{page.section}</a> &gt; 正文</div>
<form name="_newscontent_fromname">
<div class="content-title"><h3>{page.title}</h3></div>
<div class="content-info">发布时间：{page.date}&nbsp;&nbsp;作者：{page.author}&nbsp;&nbsp;来源：{page.source}&nbsp;&nbsp;点击数：<script>_showDynClicks("wbnews", 1709, {page.ident})</script></div>
{hidden}
<div id="vsb_content"><div class="v_news_content">
{"".join(paragraphs)}
</div></div>
<div id="div_vote_id"></div>
<ul style="list-style-type:none;">{files}</ul>
</form>{page.sidebar}
<div class="footer">{page.footer}<p>版权所有 © {page.company}</p></div></body></html>
"""

    def other_columns(self) -> dict[str, str]:
        return {"新闻中心": "/xwzx.htm", "通知公告": "/tzgg.htm", "工会工作": "/dwgz/ghgz.htm",
                "团委": "/dwgz/tw.htm", "纪检监察": "/jjjc.htm"}  # fmt: skip
