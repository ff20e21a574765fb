"""A plain hand-made CMS: ``list_N.html`` pages linked by 下一页 only, GBK without an HTTP
charset, and the traps real pages set: a stray ``</html>`` before the article, a hidden block
with a wrong 作者, a shuffled body in ``<meta name="description">``, 来源 and 时间 glued in one
text node, a date printed after the body, a heading split by ``<br>`` inside the body, an
entry left in an HTML comment, a sidebar with more dated links than the list."""

from __future__ import annotations

from crawler.demo.markup import Family, Page, Row, relative
from crawler.text.dates import parse_published_at

FOLDER = "/dangjian"
COMMENTED_OUT = "/dangjian/2020/0101/999.html"  # listed only inside an HTML comment


class Plain(Family):
    name = "generic"
    encoding = "gbk"
    header_charset = None
    prints_views = True
    section_path = f"{FOLDER}/index.html"

    def detail_path(self, date: str, ident: int) -> str:
        day = (parse_published_at(date) or "2024-01-01")[:10].replace("-", "")
        return f"{FOLDER}/{day[:4]}/{day[4:]}/{ident}.html"

    def list_path(self, page: int, pages: int) -> str:
        return self.section_path if page == 1 else f"{FOLDER}/list_{page}.html"

    def list_page(
        self, rows: list[Row], page: int, pages: int, section: str, company: str, path: str
    ) -> str:
        items = "\n".join(
            f'<li><a href="{relative(row.path, path)}" title="{row.title}">{row.cut()}</a>'
            f'<span class="date">[{row.date}]</span></li>'
            for row in rows
        )
        if page == 1:
            items += (
                f'\n<!-- <li><a href="{COMMENTED_OUT}">旧稿</a><span>[2020-01-01]</span></li> -->'
            )
        pager = '<a href="index.html">首页</a>'
        if page > 1:
            pager += f' <a href="{relative(self.list_path(page - 1, pages), path)}">上一页</a>'
        if page < pages:
            pager += f' <a href="{relative(self.list_path(page + 1, pages), path)}">下一页</a>'
        side = "".join(f'<li><a href="/zt/{n}.html">专题报道第{n}期</a><span>2023-0{n}-01</span></li>'
                       for n in range(1, 8))  # fmt: skip
        return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{section}_{company}</title></head>
<body><div class="position">当前位置：<a href="/index.html">首页</a> &gt; {section}</div>
<div class="wrap"><div class="side_list"><h3>专题专栏</h3><ul>{side}</ul></div>
<div class="main"><ul class="news_list">
{items}
</ul><div class="pages">{pager}</div></div></div>
<div class="footer">版权所有 © {company}</div></body></html>
"""

    def detail(self, page: Page) -> str:
        i = page.index
        split_heading = i % 5 == 4
        heading = "" if split_heading else f'<h1 class="article-title">{page.title}</h1>'
        glued = i % 3 == 1
        gap = "" if glued else "&nbsp;&nbsp;"
        views = page.views if page.views is not None else ""
        info = (f'<div class="article-info">来源：{page.source}{gap}时间：{page.date}&nbsp;&nbsp;'
                f'作者：{page.author}&nbsp;&nbsp;阅读：<span id="hits">{views}</span></div>')  # fmt: skip
        before, after = ("", info) if i % 3 == 0 else (info, "")
        hidden = ('<div class="author-old" style="display:none">作者：不该出现的作者</div>'
                  if i % 2 == 0 else "")  # fmt: skip
        body = ""
        if split_heading:
            cut = len(page.plain_title) // 2
            body += f"<p><strong>{page.plain_title[:cut]}<br>{page.plain_title[cut:]}</strong></p>"
        for n, text in enumerate(page.paragraphs):
            body += f"<p>{text}</p>"
            if n == 0 and page.image:
                body += f'<p><img src="{page.image}"></p>'
        body += "".join(f'<p><a href="{url}">{name}</a></p>' for name, url in page.files)
        body += '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>'
        body += "<p>责任编辑：王编辑</p>"
        stray = "</html>" if i % 4 == 0 else ""
        shuffled = "".join(reversed(page.paragraphs[0]))[:80]
        return f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{page.plain_title}_{page.section}_{page.company}</title>{page.weight}
<meta name="description" content="{shuffled}"><meta property="og:url" content="/"></head>
<body>{page.menu}<div class="header"><a href="/index.html">{page.company}</a></div>{stray}
<div class="position">当前位置：<a href="/index.html">首页</a> &gt; <a href="{FOLDER}/index.html">{page.section}</a> &gt; 正文</div>
<div class="article">{heading}{hidden}{before}
<div class="article-content">{body}</div>{after}
</div>{page.sidebar}
<div class="footer">{page.footer}<p>版权所有 © {page.company} 地址：示例市示例路1号</p></div></body></html>
"""

    def other_columns(self) -> dict[str, str]:
        return {"新闻中心": "/news/index.html", "通知公告": "/notice/index.html",
                "工会工作": "/qt/gh/index.html", "团委": "/qt/tw/index.html",
                "纪检监察": "/jjjc/index.html"}  # fmt: skip
