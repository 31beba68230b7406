"""One section's 考核结果反馈单 as a print Document (SPEC section 10, 第三条).

Its content is the `explain` trace of that section and period — nothing is
recomputed here — laid out as an official letter: the scores, every counted
deduction, key tasks, service sub-scores, bonuses and caps, the appeals, and
how and by when to appeal. It holds that section only (the series rank is
the one fact about the others, as a number).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lyciq_xl.annex.document import Block, Column, Document, Line
from lyciq_xl.contract import Bonuses, Category, Deductions, FeedbackLetter, KeyTasks
from lyciq_xl.engine.explain import Explanation, completion_shown
from lyciq_xl.engine.scoring import BallotItem
from lyciq_xl.table import Row, Table, as_text

SCORE = "0.00"
# One grid for every block: the long text (事由, 事项, 计算过程) sits in column 4.
W = (11, 10, 10, 30, 9, 10, 12, 14)


def _cols(*spec: tuple[str, str, str | None]) -> list[Column]:
    return [Column(h, W[i], align, fmt) for i, (h, align, fmt) in enumerate(spec)]


def _n(value: Decimal | None) -> str:
    text = as_text(value)        # None only for None
    return "—" if text is None else text


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def file_stem(section_name: str, period: str) -> str:
    return f"{section_name}_{period}_{FeedbackLetter.FILE_SUFFIX}"


class _Rows:
    """The input rows the trace points at (考核责任部门, 指标来源 are not in
    the parsed records): Excel row number -> Row, per sheet."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.index: dict[str, dict[int, Row]] = {}

    def value(self, sheet: str, row: int, header: str) -> str | None:
        table = self.tables.get(sheet)
        if table is None or header not in table.columns:
            return None
        if sheet not in self.index:
            self.index[sheet] = {r.number: r for r in table.rows}
        found = self.index[sheet].get(row)
        return as_text(found[header]) if found else None


def _summary(e: Explanation) -> Block:
    r = e.result
    block = Block(_cols(("项目", "center", None), ("得分", "center", SCORE),
                        ("评分方式", "center", None), ("计算过程", "left", None)),
                  heading="一、考核得分")
    for category, score in ((Category.DUTY, r.duty), (Category.MANAGEMENT, r.management)):
        spent = sum((d.points for d in e.deductions[category]), Decimal(0))
        block.lines.append(Line([category, score, "扣分制",
                                 f"基础分 {_n(e.base[category])} − 扣分合计 {_n(spent)}(扣分不设下限)"]))
    if e.is_year:
        capped = "(超过上限,按上限计)"
        block.lines.append(Line([Category.KEY, r.key, "得分制",
                                 f"Σ 分值 × 完成系数 = {_n(e.key_sum)},上限 {_n(e.key_cap)}"
                                 + (capped if e.key_sum > e.key_cap else "")]))
        block.lines.append(Line([Category.SERVICE, r.service, "得分制",
                                 "各分项得分之和(各分项四舍五入保留2位小数)"]))
        block.lines.append(Line([Category.EXCELLENCE, r.excellence, "加分制",
                                 f"加分合计 {_n(e.bonus_sum)},上限 {_n(e.bonus_cap)}"
                                 + (capped if e.bonus_sum > e.bonus_cap else "")]))
    block.lines.append(Line(["总分", r.total, "", "各类绩效得分之和"], "total"))
    block.lines.append(Line(["序列排名", f"第 {r.rank} 名", "", f"在{r.series}中的名次(同分同名次)"]))
    if e.is_year:
        block.lines.append(Line(["等次", r.grade, "", _grade_note(e)]))
    return block


def _grade_note(e: Explanation) -> str:
    notes = [f"记录号 {d.record_no} 属附件5重大责任事故(标准编号 {d.standard_id}),不能评为优秀"
             for d in e.grave]
    notes += [f"记录号 {o.appeal.record_no} 属附件5重大责任事故,申诉尚待处理,等次待定"
              for o in e.grave_pending]
    return ";".join(notes) or "按总分、序列排名和优秀名额确定"


def _quarters(quarters: list) -> Block:
    block = Block(_cols(("考核期", "center", None), (Category.DUTY, "center", SCORE),
                        (Category.MANAGEMENT, "center", SCORE), ("合计与序列排名", "left", None)),
                  heading="二、各季度得分(履职绩效+管理绩效)")
    for r in quarters:
        block.lines.append(Line([r.period, r.duty, r.management,
                                 f"{r.total:.2f},{r.series}第 {r.rank} 名"]))
    return block


def _deductions(e: Explanation, rows: _Rows, number: str) -> Block:
    block = Block(_cols(("记录号", "center", None), ("考核期", "center", None),
                        ("标准编号", "center", None), ("事由", "left", None),
                        ("扣分", "center", None), ("绩效类别", "center", None),
                        ("考核责任部门", "center", None), ("申诉处理", "left", None)),
                  heading=f"{number}、计入的扣分")
    sheet = Deductions.SHEET
    # 专项名称 (SPEC 9, optional column): special assessments listed under their name
    special = getattr(Deductions, "SPECIAL", None)
    groups: dict[str | None, list[Line]] = {}
    for category in Category.DEDUCTIBLE:
        for d in e.deductions[category]:
            before = e.original.get(d.row)
            note = "" if before is None else f"原扣分 {_n(before.points)}" + (
                f"(原标准编号 {before.standard_id})" if before.standard_id != d.standard_id else ""
            ) + ",经申诉调整"
            line = Line([d.record_no, str(d.period), d.standard_id, d.reason, d.points,
                         d.category, rows.value(sheet, d.row, Deductions.ASSESSOR), note])
            groups.setdefault(rows.value(sheet, d.row, special) if special else None, []).append(line)
    for d, _ in e.revoked:
        line = Line([d.record_no, str(d.period), d.standard_id, d.reason, Decimal(0),
                     d.category, rows.value(sheet, d.row, Deductions.ASSESSOR),
                     f"原扣分 {_n(d.points)},经申诉撤销,不计入"])
        groups.setdefault(rows.value(sheet, d.row, special) if special else None, []).append(line)
    block.lines.extend(groups.pop(None, []))
    for name, lines in groups.items():
        block.lines.append(Line(["", "", "", f"专项考核:{name}", "", "", "", ""], "subtotal"))
        block.lines.extend(lines)
    if not block.lines:
        block.lines.append(Line(["", "", "", "(本期无扣分)", "", "", "", ""]))
    return block


def _key_tasks(e: Explanation, rows: _Rows, number: str) -> Block:
    block = Block(_cols(("指标编号", "center", None), ("分值", "center", None),
                        ("完成系数", "center", None), ("重点工作事项", "left", None),
                        ("得分", "center", None), ("完成情况", "center", None),
                        ("考核责任部门", "center", None)),
                  heading=f"{number}、重点绩效(分值 × 完成系数)")
    for k, s in e.key_tasks:
        block.lines.append(Line([k.id, k.points, s.coefficient, k.task, s.score, completion_shown(e, k),
                                 rows.value(KeyTasks.SHEET, k.row, KeyTasks.ASSESSOR)]))
    block.lines.append(Line(["合计", "", "", f"上限 {_n(e.key_cap)},计入 {_n(e.result.key)}",
                             e.key_sum, "", ""], "subtotal"))
    return block


def _service(e: Explanation, number: str) -> Block:
    block = Block(_cols(("分项", "center", None), ("分值", "center", None),
                        ("有效票数", "center", None), ("计算过程", "left", None),
                        ("得分", "center", SCORE)),
                  heading=f"{number}、服务绩效")
    for name, item in e.service.items():
        if isinstance(item, BallotItem):
            mean = "—" if item.mean is None else f"{item.mean:.4f}"
            trimmed = (f",去掉最高、最低各1票({_n(item.dropped[0])}、{_n(item.dropped[1])})"
                       if item.dropped else "")
            how = f"计入 {item.used} 张{trimmed},平均系数 {mean} × 分值 {_n(item.points)}"
            block.lines.append(Line([name, item.points, len(item.ratios), how, item.score]))
        else:
            mean = "—" if item.mean is None else f"{item.mean:.2f}"
            how = f"得分率平均 {mean} ÷ 100 × 分值 {_n(item.points)}({len(item.rates)} 项评价)"
            block.lines.append(Line([name, item.points, "—", how, item.score]))
    block.lines.append(Line(["合计", "", "", "", e.result.service], "subtotal"))
    return block


def _bonuses(e: Explanation, rows: _Rows, number: str) -> Block:
    block = Block(_cols(("考核期", "center", None), ("级别", "center", None),
                        ("加分", "center", None), ("事项", "left", None),
                        ("依据文号", "center", None)),
                  heading=f"{number}、创优加分")
    for b in e.bonuses:
        block.lines.append(Line([str(b.period), b.level, b.points, b.item,
                                 rows.value(Bonuses.SHEET, b.row, Bonuses.DOC_NO)]))
    block.lines.append(Line(["合计", "", e.bonus_sum,
                             f"上限 {_n(e.bonus_cap)},计入 {_n(e.result.excellence)}", ""], "subtotal"))
    return block


def _appeals(e: Explanation, number: str) -> Block:
    block = Block(_cols(("申诉编号", "center", None), ("记录号", "center", None),
                        ("原扣分", "center", None), ("处理结果及依据", "left", None),
                        ("计入扣分", "center", None), ("处理日期", "center", None)),
                  heading=f"{number}、申诉处理情况")
    for o in e.appeals:
        a, d = o.appeal, o.deduction
        text = o.decision + (f",依据:{a.basis}" if a.basis else "") + (f"({o.note})" if o.note else "")
        block.lines.append(Line([a.appeal_no, a.record_no, d.points if d else None, text, o.counted,
                                 a.decided.isoformat() if a.decided else ""]))
    return block


NUMBERS = "二三四五六七八九"


def build(e: Explanation, tables: dict[str, Table], *, org: str, quarters: list,
          today: dt.date, appeal_days: int) -> Document:
    """The letter of `e.section` for `e.period`; `quarters`: that section's
    quarter result rows shown on an annual letter."""
    rows = _Rows(tables)
    blocks = [_summary(e)]
    if e.is_year and quarters:
        blocks.append(_quarters(quarters))
    numbers = iter(NUMBERS[len(blocks) - 1:])
    blocks.append(_deductions(e, rows, next(numbers)))
    if e.is_year:
        blocks.append(_key_tasks(e, rows, next(numbers)))
        blocks.append(_service(e, next(numbers)))
        blocks.append(_bonuses(e, rows, next(numbers)))
    if e.appeals:
        blocks.append(_appeals(e, next(numbers)))
    s = e.section
    period_name = f"{e.period}年度" if e.is_year else f"{e.period}季度"
    deadline = today + dt.timedelta(days=appeal_days)
    paragraphs = [
        f"如对上述考核结果有异议,请于{date_text(deadline)}前(自本反馈单发出之日起{appeal_days}日内)"
        f"向绩效管理办公室提出书面申诉,写明申诉的扣分记录号、理由和证明材料。",
        "申诉期间考核结果暂按本反馈单执行;申诉处理结果由绩效管理办公室书面答复,并在重新计算后计入。",
    ]
    if not e.is_year:
        paragraphs.append("季度结果只含履职绩效和管理绩效,等次在年度考核时评定。")
    return Document(
        sheet_title=FeedbackLetter.TITLE,
        title=f"{org}{period_name}{FeedbackLetter.TITLE}",
        subtitle=f"{s.name}({s.code},{s.series})　反馈日期:{date_text(today)}",
        blocks=blocks, signoff=f"绩效管理办公室(盖章)　　　　经办人(签字):　　　　　　{date_text(today)}",
        landscape=False, repeat_header=False, paragraphs=paragraphs)
