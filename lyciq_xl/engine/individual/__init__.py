"""Individual performance (个人绩效, SPEC section 8): records, rules P01…P11,
scores and grades, the owned sheet 个人考核结果 and the per-person explanation.

Choices where SPEC section 8 is silent or ambiguous (keep them in sync with
the tests):
- P11 also covers a blank 人员编号 or 姓名, a 状态 other than 在岗/离岗/blank
  and a 起始月份 later than the 截止月份; every row of a duplicated 人员编号
  is left out (which of them is right cannot be told).
- A 考核月份 typed as a number is P05: Excel stores 2014.10 as 2014.1.
- An 个人指标 row whose 科室 is unknown is P01 (on its 科室 cell); of two
  rows with the same person and 个人指标编号 the first is the indicator.
- P07 is raised once per person and counted month, on the person's 姓名
  cell in 人员 (there is no row to point at); a month whose only 评定 rows
  are in error (P06, P09) has a row and gets no P07.
- P08 for a tie sits on the 姓名 cell of the first tied person in 人员; for
  too many decided 优秀 on the 确定等次 cell of the first row over the quota.
- P09 groups rows whose person and month are usable (no P01/P05).
- A section's annual 等次 missing from the ratios uses 个人优秀比例:合格.
- The annual row leaves 基础分 blank: its 得分 is a mean, not base − 扣分 + 加分.
- An erroneous row whose month is in the year but after the section's
  latest month counts on the annual row only (there is no month row).
"""
from lyciq_xl.engine.individual.scoring import (
                                                IndividualAssessment,
                                                MonthResult,
                                                PersonResult,
                                                SectionQuota,
                                                evaluate_individual,
)

__all__ = ["IndividualAssessment", "MonthResult", "PersonResult", "SectionQuota",
           "evaluate_individual"]
