"""个人考核档案: one printable file per person (SPEC 8, 第六条): identity,
the year's individual indicators, the month-by-month table with every
deduction and bonus and its 事由, the annual score, proposed and decided
grade, and the signature lines 本人 / 科室负责人 / 分管局长.

A file holds one person only: every text here comes from that person's own
rows (the quota is given as numbers, never as other people's names).
Pure: an Assessment in, Documents out; `archive.run` writes them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lyciq_xl import contract
from lyciq_xl.annex.document import Block, Column, Document, Line
from lyciq_xl.contract import PersonalIndicators, PersonalResults, RecordKind, Staff
from lyciq_xl.engine import Assessment
from lyciq_xl.engine.individual import IndividualAssessment, PersonResult
from lyciq_xl.errors import InputError
from lyciq_xl.table import as_text

TITLE = "个人考核档案"
FILE_SUFFIX = "个人考核档案"
SCORE, POINTS = "0.00", "0.0"
WIDE = 40

IDENTITY = [Column(Staff.NAME, 9, "center"), Column(Staff.ID, 11, "center"),
            Column(Staff.DEPT, 11, "center"), Column(Staff.POST, 9, "center"),
            Column(Staff.RANK, 9, "center"), Column(Staff.STATUS, 9, "center"),
            Column("在岗期间", WIDE, "center")]
INDICATORS = [Column("序号", 9, "center"), Column(PersonalIndicators.ID, 11, "center"),
              Column(PersonalIndicators.SECTION_INDICATOR, 11, "center"),
              Column(PersonalIndicators.APPROVAL, 9, "center"),
              Column("全年扣分", 9, "center", POINTS), Column("全年加分", 9, "center", POINTS),
              Column("指标名称、内容及评分标准", WIDE)]
MONTHS = [Column("月份", 9, "center"), Column(PersonalResults.BASE, 11, "center", POINTS),
          Column(PersonalResults.DEDUCTED, 11, "center", POINTS),
          Column(PersonalResults.BONUS, 9, "center", POINTS),
          Column(PersonalResults.SCORE, 9, "center", SCORE),
          Column(PersonalResults.GRADE, 9, "center"), Column("扣分、加分事由及评语", WIDE)]
YEAR = [Column("年度得分", 9, "center", SCORE), Column(PersonalResults.RANK, 11, "center"),
        Column("较差月数", 11, "center"), Column("建议等次", 9, "center"),
        Column(PersonalResults.DECIDED, 9, "center"), Column("优秀名额", 9, "center"),
        Column("说明", WIDE)]
SIGNOFF = "本人(签字):　　　　　　科室负责人(签字):　　　　　　分管局长(签字):　　　　　　"


@dataclass
class PersonalFile:
    stem: str             # file name without extension
    person_id: str
    name: str
    doc: Document


def _n(value: Decimal) -> str:
    return as_text(value) or ""     # (never blank: a number)


def _in_post(p: PersonResult, year: int) -> str:
    months = p.person.months_in_post(year)
    return f"{year}-{months[0]:02d}至{year}-{months[-1]:02d}" if months else "—"


def _identity(p: PersonResult, year: int) -> Block:
    who = p.person
    return Block(IDENTITY, [Line([who.name, who.id, who.section.name, who.post, who.rank,
                                  who.status, _in_post(p, year)])], heading="一、基本情况")


def _indicators(ind: IndividualAssessment, p: PersonResult) -> Block:
    own = [i for i in ind.indicators if i.person.id == p.person.id]
    used: dict[str | None, dict[str, Decimal]] = {}    # 个人指标编号 -> 扣分/加分 -> points
    for m in p.months:
        for r in m.records:
            sums = used.setdefault(r.indicator, {RecordKind.DEDUCT: Decimal(0), RecordKind.BONUS: Decimal(0)})
            sums[r.kind] += r.points
    block = Block(INDICATORS, heading="二、个人指标")
    for n, i in enumerate(own, start=1):
        sums = used.get(i.id, {})
        text = "\n".join(t for t in (i.name, i.content and f"内容:{i.content}",
                                     i.standard and f"评分标准:{i.standard}") if t)
        block.lines.append(Line([n, i.id, i.section_indicator, i.approval,
                                 sums.get(RecordKind.DEDUCT, Decimal(0)),
                                 sums.get(RecordKind.BONUS, Decimal(0)), text]))
    if not own:
        block.lines.append(Line(["—", "", "", "", None, None, "(无个人指标)"]))
    return block


def _month_text(ind: IndividualAssessment, m) -> str:
    lines = [f"{'扣' if r.kind == RecordKind.DEDUCT else '加'}{_n(r.points)}分:{r.reason or ''}"
             for r in m.records]
    if m.bonus_claimed > m.bonus:
        lines.append(f"加分合计{_n(m.bonus_claimed)}分,超过每月上限,按{_n(m.bonus)}分计")
    if m.review and m.review.grade and m.review.grade != m.computed_grade:
        lines.append(f"科室负责人评定为“{m.grade}”(按得分为“{m.computed_grade}”)")
    if m.review and m.review.comment:
        lines.append(f"评语:{m.review.comment}")
    if m.pending:
        lines.append(f"另有{m.pending}条记录有误未计入,待核")
    return "\n".join(lines)


def _months(ind: IndividualAssessment, p: PersonResult) -> Block:
    block = Block(MONTHS, heading="三、月度考核")
    for m in p.months:
        block.lines.append(Line([f"{ind.year}-{m.month:02d}", ind.settings.base, m.deducted,
                                 m.bonus, m.score, m.grade, _month_text(ind, m)]))
    block.lines.append(Line(["合计", None, p.deducted, p.bonus, None, None,
                             f"计入考核 {len(p.months)} 个月"], kind="total"))
    return block


def _year(ind: IndividualAssessment, p: PersonResult) -> Block:
    q = ind.quotas[p.section.code]
    text = [f"年度得分为各月得分的平均值({_n(sum((m.score for m in p.months), Decimal(0)))}÷{len(p.months)},"
            f"四舍五入保留2位小数)。",
            f"建议等次:{p.reason}。",
            f"科室年度等次“{q.section_grade or '—'}”,个人优秀比例{_n(q.ratio)},"
            f"计入考核{q.staff}人,优秀名额{q.quota}名(向下取整)。"]
    if p.pending:
        text.append(f"全年有{p.pending}条记录有误未计入,待核。")
    return Block(YEAR, [Line([p.score, p.rank, p.poor_months, p.proposed, p.decided or "未确定",
                              q.quota, "\n".join(text)])], heading="四、年度考核")


def person_document(ind: IndividualAssessment, p: PersonResult) -> Document:
    return Document(sheet_title=TITLE, title=TITLE,
                    subtitle=f"{ind.year}年度　{p.section.name}　{p.person.name}",
                    blocks=[_identity(p, ind.year), _indicators(ind, p), _months(ind, p),
                            _year(ind, p)],
                    signoff=SIGNOFF, landscape=False, repeat_header=False)


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_stem(ind: IndividualAssessment, p: PersonResult) -> str:
    parts = (str(ind.year), p.section.name, p.person.id, p.person.name, FILE_SUFFIX)
    return "_".join(_UNSAFE.sub("-", part) for part in parts)


def select(ind: IndividualAssessment, sections, person: str | None = None,
           dept: str | None = None) -> list[PersonResult]:
    """The people of --person / --dept (all when neither); InputError in
    Chinese when either names nobody."""
    chosen = ind.people
    if dept is not None:
        section = sections.resolve(dept)
        if section is None:
            raise InputError(f"科室“{dept}”不在工作表“{contract.Sections.SHEET}”中,"
                             f"请填写科室名称或科室代码。")
        chosen = [p for p in chosen if p.section.code == section.code]
    if person is not None:
        found, problem = ind.staff.resolve(person, sections.resolve(dept) if dept else None)
        if found is None:
            raise InputError(f"找不到人员:{problem}。请填写“{Staff.SHEET}”表中的人员编号或唯一的姓名。")
        chosen = [p for p in chosen if p.person.id == found.id]
        if not chosen:
            raise InputError(f"{found.name}({found.id})在{ind.year}年度没有计入考核的月份,无档案可生成。")
    return chosen


def chosen_people(assessment: Assessment, person: str | None = None,
                  dept: str | None = None) -> tuple[IndividualAssessment, list[PersonResult]]:
    """The individual part, and the people --person / --dept choose (all
    when neither) with a counted month; InputError in Chinese before
    anything is written."""
    ind = assessment.individual
    if ind is None:
        raise InputError(f"工作簿中没有工作表“{Staff.SHEET}”,无法生成个人考核档案。"
                         f"请先按模板添加人员和个人考核记录(可用 lyciq-xl init 生成模板参照)。")
    return ind, select(ind, assessment.sections, person, dept)


def personal_file(ind: IndividualAssessment, p: PersonResult) -> PersonalFile:
    """Built one at a time by the caller: 2,000 Documents never sit in memory together."""
    return PersonalFile(file_stem(ind, p), p.person.id, p.person.name, person_document(ind, p))
