"""Print conventions shared by every sheet the tool prints (Chinese
official-document practice: A4, page numbers centred in the footer)."""
from __future__ import annotations

# The centre footer, "第 N 页 共 M 页", in Excel's header/footer codes
# (&P the page, &N the page count); one spelling for every printed sheet.
PAGE_FOOTER = "第 &P 页 共 &N 页"
