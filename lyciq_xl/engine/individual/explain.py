"""Why a person got their grade: month by month, every deduction and bonus
with its 事由, the cap, the mean, the grade path and the quota applied
(`lyciq-xl explain WB <人员编号或姓名>`)."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from lyciq_xl import contract
from lyciq_xl.engine.findings import Finding, sort_findings
from lyciq_xl.engine.individual.scoring import IndividualAssessment, MonthResult, PersonResult
from lyciq_xl.errors import InputError
from lyciq_xl.table import as_text


def find_person(ind: IndividualAssessment, key: str) -> PersonResult:
    person, problem = ind.staff.resolve(key)
    if person is None:
        raise InputError(f"工作表“{contract.Staff.SHEET}”中找不到人员:{problem}。"
                         f"请填写人员编号,或全局唯一的姓名。")
    result = next((p for p in ind.people if p.person.id == person.id), None)
    if result is None:
        raise InputError(f"{person.name}({person.id})在{ind.year}年度没有计入考核的月份"
                         f"(尚无该科室的个人考核记录,或不在岗)。")
    return result


def _n(value: Decimal) -> str:
    return as_text(value) or ""     # (never blank: a number)


def _month_lines(ind: IndividualAssessment, m: MonthResult) -> list[str]:
    s = ind.settings
    lines = [f"【{ind.year}-{m.month:02d}】基础分 {_n(s.base)} − 扣分 {_n(m.deducted)} + 加分 {_n(m.bonus)}"
             f" = {_n(m.score)}"]
    for r in m.records:
        sign = "−" if r.kind == contract.RecordKind.DEDUCT else "+"
        lines.append(f"  第{r.row}行 | {r.indicator} | {r.kind} {sign}{_n(r.points)} | 事由:{r.reason or ''}")
    if m.bonus_claimed > m.bonus:
        lines.append(f"  加分合计 {_n(m.bonus_claimed)} 超过每月上限 {_n(s.bonus_cap)},按 {_n(m.bonus)} 计")
    if m.review and m.review.grade:
        note = "" if m.review.grade == m.computed_grade else f"(按得分应为“{m.computed_grade}”)"
        lines.append(f"  等次:{m.grade},科室负责人评定(个人月度评定第{m.review.row}行){note}")
    else:
        why = "无有效的月度评定记录" if m.review is None else "评定等次留空"
        lines.append(f"  等次:{m.grade},按得分评定({why})")
    return lines


def render_person(ind: IndividualAssessment, p: PersonResult, excluded: Sequence[Finding] = ()) -> str:
    who = p.person
    lines = [f"{who.name}({who.id}),{who.section.name}{',' + who.post if who.post else ''},"
             f"{ind.year}年度个人考核"]
    for m in p.months:
        lines += _month_lines(ind, m)
    total = sum((m.score for m in p.months), Decimal(0))
    lines.append(f"年度得分 = 各月得分之和 {_n(total)} ÷ {len(p.months)} 个月 = {_n(p.mean_exact)},"
                 f"四舍五入保留2位小数为 {p.score:.2f};科室内排名第 {p.rank} 名")
    q = ind.quotas[who.section.code]
    lines.append(f"优秀名额:{q.name}年度等次“{q.section_grade or '—'}”,个人优秀比例 {_n(q.ratio)} × "
                 f"计入考核人数 {q.staff} = {_n(q.ratio * q.staff)},向下取整为 {q.quota} 名")
    lines.append(f"“较差”月数 {p.poor_months};建议年度等次:{p.proposed}({p.reason})")
    if p.decided:
        lines.append(f"确定等次:{p.decided}(个人年度评定第{p.decided_row}行,以此为准)")
    else:
        lines.append("确定等次:尚未填写")
    if excluded:
        lines.append("未计入的行(有错误):")
        lines += [f"  {f.sheet}!{f.cell} {f.rule} {f.message}" for f in excluded]
    return "\n".join(lines)


def explain_person(ind: IndividualAssessment, key: str) -> str:
    p = find_person(ind, key)
    return render_person(ind, p, sort_findings(ind.excluded.get(p.person.id, [])))
