"""Labels of the metadata fields as Chinese portals print them, in both scripts."""

from __future__ import annotations

META_LABELS: dict[str, tuple[str, ...]] = {  # Article field → labels
    "category": ("分類", "分类", "類別", "类别", "栏目", "欄目"),
    "author": ("作者", "撰稿", "編輯", "编辑"),
    "source": ("來源", "来源", "出處", "出处"),
    "published_at": ("發布時間", "发布时间", "發佈時間", "時間", "时间", "日期"),
    "views": ("訪問量", "访问量", "瀏覽量", "浏览量", "瀏覽", "浏览", "點擊", "点击"),
}

# Label → Article field, for parsers that meet the label first.
FIELD_OF_LABEL = {label: field for field, labels in META_LABELS.items() for label in labels}
