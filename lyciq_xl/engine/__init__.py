"""The heart of lyciq-xl: validation, scoring and explanation.

Pure functions — Tables in, results and findings out; no file I/O, no
xlwings, no openpyxl in this package.

    from lyciq_xl.engine import evaluate, owned_sheets, to_json
    assessment = evaluate(read_tables(path))

Choices where SPEC.md section 4 is silent or ambiguous (keep them in sync
with the tests):
- 扣分记录.状态: 撤销 rows are ignored entirely, not even validated; blank
  means 有效; anything else is error D10 (added to the contract).
- A deduction whose 考核期 is the bare year ("2014") is valid (D06's own fix
  text allows it), counts on the year row only, and D09 checks its date
  against the whole year.
- D08 compares a row with earlier *counted* rows only: a row left out for an
  error cannot be counted twice.
- A01 is raised once per indicator (on its 审核状态 cell), not per use.
- K03 sits on the 分值 cell of the row whose running sum first passes the cap.
- A malformed or other-year 考核期 on ballot, 外部评价 and 创优加分 rows is
  D06 too (row/ballot left out); an unknown 科室 there (and in 重点指标) is D05.
- 互评去掉最高最低分 applies to 相互评价 and 党组评价 alike, per section.
- 有效票数 = valid 相互评价 + 党组评价 ballots for the section, before trimming.
- Several 外部评价 rows for one section: the mean of the rates entered.
- An error in an 外部评价 row (B04, B05, D05, D06) leaves the whole row out.
- A ballot-sheet column whose header names no section is B03 on its header
  cell; the column is ignored.
- A ballot holding no grade (a slip numbered in advance) raises nothing: it
  leaves nothing out of the scores.
- A row whose only values are in a clerk's own columns is not a data row
  (SPEC 5: own columns are kept and ignored).
- 扣分标准.来源 and 等级 must be in the contract's lists (InputError): they
  decide whether a deduction blocks 优秀.
"""
from lyciq_xl.engine.assessment import Assessment, evaluate
from lyciq_xl.engine.explain import Explanation, explain, render_explanation
from lyciq_xl.engine.findings import Finding
from lyciq_xl.engine.scoring import KeyTaskScore, ResultRow, ServiceRow
from lyciq_xl.engine.sheets import owned_sheets, to_json

__all__ = ["Assessment", "evaluate", "Explanation", "explain", "render_explanation",
           "Finding", "KeyTaskScore", "ResultRow", "ServiceRow", "owned_sheets", "to_json"]
