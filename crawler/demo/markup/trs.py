"""TRS WCM markup: ``index_N`` pages counted by ``createPageHTML``, ``t<date>_<id>`` articles in
GB18030 under a GB2312 ``<meta>``, title, date, source and column in ``<meta>`` tags."""

from __future__ import annotations

from crawler.demo.markup import Family, Page, Row, relative
from crawler.text.dates import parse_published_at

FOLDER = "/dj/djgz"


class Trs(Family):
    name = "trs"
    encoding = "gb18030"
    header_charset = None
    section_path = f"{FOLDER}/index.html"

    def detail_path(self, date: str, ident: int) -> str:
        day = (parse_published_at(date) or "2024-01-01")[:10].replace("-", "")
        return f"{FOLDER}/{day[:6]}/t{day}_{ident}.html"

    def list_path(self, page: int, pages: int) -> str:
        return self.section_path if page == 1 else f"{FOLDER}/index_{page - 1}.html"

    def list_page(
        self, rows: list[Row], page: int, pages: int, section: str, company: str, path: str
    ) -> str:
        items = "\n".join(
            f'<li><a href="./{relative(row.path, path)}" target="_blank" title="{row.title}">'
            f"{row.cut()}</a><span>{row.date}</span></li>"
            for row in rows
        )
        return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{section}_{company}</title><meta name="ColumnName" content="{section}"></head>
<body><div class="location">您现在的位置：<a href="/index.html">首页</a> &gt; <a href="./">{section}</a></div>
<div class="list"><ul>
{items}
</ul><div class="page"><script type="text/javascript">createPageHTML({pages}, {page - 1}, "index", "html");</script></div></div>
<div class="footer">主办单位：{company}</div></body></html>
"""

    def detail(self, page: Page) -> str:
        body = "".join(f"<p>{text}</p>" for text in page.paragraphs[:1])
        if page.image:
            body += f'<p align="center"><img src="{page.image}" oldsrc="W0{page.ident}.jpg"></p>'
        body += "".join(f"<p>{text}</p>" for text in page.paragraphs[1:])
        body += "".join(f'<p><a href="{url}">{name}</a></p>' for name, url in page.files)
        stamp = parse_published_at(page.date) or ""
        return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{page.plain_title}_{page.company}</title>{page.weight}
<meta name="ArticleTitle" content="{page.plain_title}">
<meta name="PubDate" content="{stamp[:16].replace("T", " ")}">
<meta name="ContentSource" content="{page.source}">
<meta name="ColumnName" content="{page.section}"></head>
<body>{page.menu}
<div class="location">您现在的位置：<a href="/index.html">首页</a> &gt; <a href="../">{page.section}</a></div>
<div class="article"><h1 class="title">{page.title}</h1>
<div class="info"><span>来源：{page.source}</span>&nbsp;<span>作者：{page.author}</span>&nbsp;<span>发布时间：{page.date}</span></div>
<div class="TRS_Editor"><style type="text/css">.TRS_Editor P{{margin-top:5px;line-height:1.5;}}</style>
<div class="Custom_UnionStyle">{body}</div></div>
<div class="share">扫一扫在手机打开当前页</div><div class="tools">【打印本页】【关闭窗口】</div>
</div>{page.sidebar}
<div class="footer">{page.footer}<p>主办单位：{page.company}</p></div></body></html>
"""

    def other_columns(self) -> dict[str, str]:
        return {"新闻中心": "/xwzx/index.html", "通知公告": "/tzgg/index.html",
                "工会工作": "/dj/ghgz/index.html", "团委": "/dj/tw/index.html",
                "纪检监察": "/jjjc/index.html"}  # fmt: skip
