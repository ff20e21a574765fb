"""Portal-weight page chrome for fixture pages: what makes a real portal page ~90 KB although
its article is 3 KB — inline scripts in the head, a mega-menu of every column, a sidebar of
links, a footer of link lists. Written for the benchmarks and chrome-robustness tests; the
content is generated, deterministic, and copies no site. A site in Traditional script gets its
chrome in Traditional too: a Big5 page could not carry Simplified characters but as entities.
"""

from __future__ import annotations

from functools import cache

from opencc import OpenCC

COLUMNS = (
    "集团概况", "新闻中心", "党群园地", "产业布局", "科技创新", "安全环保", "人力资源", "企业文化",
    "社会责任", "信息公开", "纪检监察", "工会工作", "团青工作", "廉洁从业", "专题专栏", "服务指南",
)  # fmt: skip
SUBJECTS = (
    "领导致辞", "组织机构", "发展历程", "公司动态", "媒体聚焦", "通知公告", "基层党建", "党史学习",
    "主题教育", "先锋模范", "安全生产", "绿色发展", "招聘信息", "员工风采", "文化活动", "年度报告",
)  # fmt: skip


def _script_block(number: int) -> str:
    """One inline script: a configuration object and a few handlers, as portal builders emit."""
    entries = ",".join(
        f'"{key}{number}_{i}":{{"id":{number * 100 + i},"type":"comp","lazy":{str(i % 2 == 0).lower()}}}'
        for i, key in enumerate(("nav", "list", "banner", "search", "footer", "share", "stat"))
    )
    handlers = "".join(
        f"function h{number}_{i}(e){{var t=e&&e.target;if(!t)return;t.className=t.className"
        f".replace(/\\s*active/g,'')+' active';window.__pv&&window.__pv.push(['{i}',t.id]);}}"
        for i in range(12)
    )
    return f"<script>window.__cfg{number}={{{entries}}};{handlers}</script>"


def _menu_column(number: int, name: str) -> str:
    links = "".join(
        f'<li><a href="/news/{100 + number * 20 + i}/" target="_self">{SUBJECTS[(number + i) % len(SUBJECTS)]}</a>'
        f'<ul class="sub3">{"".join(f"<li><a href=/news/{900 + number * 40 + i * 3 + j}/>{SUBJECTS[(i + j) % len(SUBJECTS)]}{j + 1}</a></li>" for j in range(3))}</ul></li>'
        for i in range(8)
    )
    return (
        f'<li class="nav_item"><a class="nav_link" href="/news/{number + 1}/">{name}</a>'
        f'<div class="mega"><ul class="sub2">{links}</ul></div></li>'
    )


def _in_script(html: str, traditional: bool) -> str:
    return OpenCC("s2tw").convert(html) if traditional else html


@cache
def head_scripts() -> str:
    """~36 KB of inline script for the page head."""
    return "\n".join(_script_block(number) for number in range(22))


@cache
def mega_menu(traditional: bool = False) -> str:
    """~35 KB: every column with its sub-columns and their sub-columns."""
    columns = "".join(_menu_column(number, name) for number, name in enumerate(COLUMNS))
    return _in_script(
        f'<div class="header_nav"><ul class="nav_list">{columns}</ul></div>', traditional
    )


@cache
def sidebar(traditional: bool = False) -> str:
    items = "".join(
        f'<li><a href="/news/{4000 + i}.html" title="{SUBJECTS[i % 16]}工作动态第{i}期">'
        f"{SUBJECTS[i % 16]}工作动态第{i}期</a><span>2024-0{1 + i % 9}-1{i % 10}</span></li>"
        for i in range(40)
    )
    return _in_script(
        f'<div class="side_list"><h3>热点推荐</h3><ul>{items}</ul></div>', traditional
    )


@cache
def footer(traditional: bool = False) -> str:
    groups = "".join(
        f"<dl><dt>{name}</dt>{''.join(f'<dd><a href=/news/{700 + n * 10 + i}/>{SUBJECTS[(n + i) % 16]}</a></dd>' for i in range(10))}</dl>"
        for n, name in enumerate(COLUMNS)
    )
    links = "".join(f'<a href="http://link{i}.example.cn/">友情链接单位{i}</a>' for i in range(30))
    html = (
        f'<div class="foot_nav">{groups}</div><div class="friend_links">{links}</div>'
        '<div class="copyright"><p>地址：示例省示例市示例大道1号 邮编：100000 电话：010-00000000</p>'
        "<p>ICP备00000000号-1 公网安备00000000000000号</p></div>"
    )
    return _in_script(html, traditional)
