"""Typed rows parsed once from the input Tables.

Parsing never rejects a data row: it records the raw value and its parsed
form (None when unusable) so the rules can name the exact cell. Only the
configuration sheets (参数, 科室, 指标框架, 扣分标准) raise InputError, since a
broken configuration makes every score meaningless.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from lyciq_xl import contract
from lyciq_xl.contract import Bonuses, Deductions, External, Indicators, KeyTasks, PeerBallots, Standards
from lyciq_xl.engine.screen import CodedRows
from lyciq_xl.errors import InputError
from lyciq_xl.model import (
    FrameworkSpec,
    Period,
    Section,
    SectionIndex,
    Settings,
    load_framework,
    load_sections,
    load_settings,
)
from lyciq_xl.table import ColumnarTable, Table, as_date, as_decimal, as_text, cell_address

_T = TypeVar("_T")


def memo(fn: Callable[[Any], _T]) -> Callable[[Any], _T]:
    """fn with a per-load cache: 扣分记录 columns such as 考核期, 科室, 标准编号 and
    扣分 repeat a few hundred distinct values over 200,000 rows."""
    cache: dict[str, _T] = {}
    typed: dict[tuple[type, Any], _T] = {}

    def cached(value: Any) -> _T:
        if type(value) is str:          # the usual cell: its text is the key
            try:
                return cache[value]
            except KeyError:
                result = cache[value] = fn(value)
                return result
        key = (type(value), value)      # True == Decimal(1): keep types apart
        try:
            return typed[key]
        except KeyError:
            result = typed[key] = fn(value)
            return result
    return cached


def text_of(value: Any) -> str | None:
    """as_text with a fast path for the usual case, a str."""
    return value if type(value) is str else as_text(value)


def _key(value: Any) -> str | None:
    """Identifier text as typed by clerks: NFKC (full-width -> ASCII), stripped."""
    text = as_text(value)
    if text is None:
        return None
    return unicodedata.normalize("NFKC", text).strip() or None


# --- 扣分标准 -------------------------------------------------------------------------

@dataclass(frozen=True)
class Standard:
    id: str
    source: str | None
    severity: str | None
    case: str | None
    min: Decimal
    max: Decimal
    categories: frozenset[str]
    row: int

    @property
    def is_grave_accident(self) -> bool:
        """附件5 工作责任事故 of 等级 重大: blocks 优秀 (杜绝重大事故)."""
        return (self.source == contract.StandardSource.ANNEX5
                and self.severity == contract.Severity.GRAVE)


def _split_categories(text: str | None) -> list[str]:
    text = text or ""
    for sep in contract.LIST_SEPARATORS[1:]:
        text = text.replace(sep, contract.LIST_SEPARATORS[0])
    return [part.strip() for part in text.split(contract.LIST_SEPARATORS[0]) if part.strip()]


def load_standards(table: Table) -> dict[str, Standard]:
    standards: dict[str, Standard] = {}
    for row in table.rows:
        where = f"工作表“{Standards.SHEET}”第{row.number}行"
        sid = _key(row[Standards.ID])
        if sid is None:
            raise InputError(f"{where}缺少标准编号,请补全或删除该行。")
        if sid in standards:
            raise InputError(f"{where}的标准编号“{sid}”与第{standards[sid].row}行重复,标准编号必须唯一。")
        low, high = as_decimal(row[Standards.MIN]), as_decimal(row[Standards.MAX])
        if low is None or high is None or low < 0 or low > high:
            raise InputError(f"{where}(单元格 {table.address(row, Standards.MIN)}、"
                             f"{table.address(row, Standards.MAX)})的最低扣分/最高扣分须为数字,"
                             f"且 0 ≤ 最低扣分 ≤ 最高扣分。")
        categories = _split_categories(as_text(row[Standards.CATEGORIES]))
        if not categories or any(c not in contract.Category.DEDUCTIBLE for c in categories):
            raise InputError(f"{where}(单元格 {table.address(row, Standards.CATEGORIES)})的适用绩效类别"
                             f"须为“履职绩效”、“管理绩效”或“履职绩效,管理绩效”。")
        # 来源 and 等级 decide whether a deduction blocks 优秀 (附件5 重大): a
        # typo must stop the run, not silently let a grave accident through.
        source, severity = _key(row[Standards.SOURCE]), _key(row[Standards.LEVEL])
        for header, value, allowed in ((Standards.SOURCE, source, contract.StandardSource.ALL),
                                       (Standards.LEVEL, severity, contract.Severity.ALL)):
            if value not in allowed:
                raise InputError(f"{where}(单元格 {table.address(row, header)})的{header}"
                                 f"“{value or ''}”不正确,请填写:{'、'.join(allowed)}。")
        standards[sid] = Standard(
            id=sid, source=source, severity=severity,
            case=as_text(row[Standards.CASE]), min=low, max=high,
            categories=frozenset(categories), row=row.number)
    return standards


# --- 履职管理指标 ---------------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    section: str       # 科室代码
    category: str
    id: str
    name: str | None
    approval: str | None
    row: int


def load_indicators(table: Table, sections: SectionIndex) -> dict[tuple[str, str, str], Indicator]:
    """(科室代码, 绩效类别, 指标编号) -> Indicator; rows with an unknown 科室 or
    category can never be cited and are simply not indexed (the first of
    duplicate keys wins)."""
    indicators: dict[tuple[str, str, str], Indicator] = {}
    for row in table.rows:
        section = sections.resolve(row[Indicators.DEPT])
        category, iid = as_text(row[Indicators.CATEGORY]), _key(row[Indicators.ID])
        if section is None or category is None or iid is None:
            continue
        key = (section.code, category, iid)
        indicators.setdefault(key, Indicator(
            section.code, category, iid, as_text(row[Indicators.NAME]),
            as_text(row[Indicators.APPROVAL]), row.number))
    return indicators


# --- 扣分记录 -------------------------------------------------------------------------

@dataclass(slots=True)
class Deduction:
    row: int
    record_no: str | None
    period_raw: Any
    period: Period | None          # parsed, any year
    date_raw: Any
    date: dt.date | None
    dept_raw: Any
    section: Section | None
    category: str | None
    indicator: str | None
    standard_id: str | None
    reason: str | None
    points_raw: Any
    points: Decimal | None
    status: str | None             # blank is read as 有效
    span: tuple[dt.date, dt.date] | None   # first and last day of `period`
    kind: str | None = None        # 考核类型 as typed (optional column, SPEC 9)
    special: str | None = None     # 专项名称 (optional column)


if TYPE_CHECKING:
    class CountedDeduction(Deduction):
        """A Deduction the rules let count (`rules.validate`'s `counted`): D05,
        D06, D16, D01, D02, D04 and D07 are errors, so what scoring reads is
        known. A refinement for the type checker only: at run time every
        counted row is the very Deduction parsed (see `all_counted`)."""
        section: Section
        period: Period
        span: tuple[dt.date, dt.date]
        date: dt.date
        points: Decimal
        standard_id: str
        category: str
        indicator: str
else:
    CountedDeduction = Deduction


def all_counted(rows: list[Deduction]) -> TypeGuard[list[CountedDeduction]]:
    """Whether every row has the fields a counted deduction has: true of the
    rows the rules leave in, and what lets the types say so."""
    # `is not None` per field, not `None in (fields...)`: `in` compares with ==,
    # and Section's and Period's dataclass __eq__ are Python calls (measured on
    # the province bench file, 198,000 counted rows: 0.04 s against 0.29 s)
    return all(d.section is not None and d.period is not None and d.span is not None
               and d.date is not None and d.points is not None and d.standard_id is not None
               and d.category is not None and d.indicator is not None for d in rows)


def _period_with_span(value: Any) -> tuple[Period | None, tuple[dt.date, dt.date] | None]:
    period = Period.parse(value)
    return period, (period.first_day, period.last_day) if period else None


def load_deductions(table: Table, sections: SectionIndex) -> list[Deduction]:
    D = Deductions
    # Each coded column is parsed once per distinct value, column by column:
    # combinations of them are nearly unique, single columns are not.
    period, dept, text, key = memo(_period_with_span), memo(sections.resolve), memo(as_text), memo(_key)
    date, number = memo(as_date), memo(as_decimal)
    out: list[Deduction] = []
    for row in table.rows:
        v = row.values   # every REQUIRED header is a key (table_from_grid)
        p, d, pts = v[D.PERIOD], v[D.DATE], v[D.POINTS]
        parsed, span = period(p)
        out.append(Deduction(
            row.number, text_of(v[D.RECORD_NO]), p, parsed, d, date(d),
            v[D.DEPT], dept(v[D.DEPT]), text(v[D.CATEGORY]), key(v[D.INDICATOR]),
            key(v[D.STANDARD]), text_of(v[D.REASON]), pts, number(pts), text(v[D.STATUS]), span,
            text(v.get(D.KIND)), text(v.get(D.SPECIAL))))
    return out


def load_coded_deductions(table: Table, sections: SectionIndex
                          ) -> tuple[list[Deduction], dict[str, Sequence[int]] | None]:
    """`load_deductions`, and for a big sheet still in columns (ColumnarTable)
    each column's codes aligned with the deductions, or None. Column by
    column: each distinct value parsed once by `load_deductions`' parsers."""
    if not isinstance(table, ColumnarTable) or table.materialised:
        return load_deductions(table, sections), None
    D, c = Deductions, CodedRows(table)
    periods = c.parsed(D.PERIOD, _period_with_span)
    deductions = list(map(
        Deduction, c.numbers, c.text(D.RECORD_NO),
        c.raw(D.PERIOD), [p for p, _ in periods], c.raw(D.DATE), c.parsed(D.DATE, as_date),
        c.raw(D.DEPT), c.parsed(D.DEPT, sections.resolve), c.parsed(D.CATEGORY, as_text),
        c.parsed(D.INDICATOR, _key), c.parsed(D.STANDARD, _key), c.text(D.REASON),
        c.raw(D.POINTS), c.parsed(D.POINTS, as_decimal), c.parsed(D.STATUS, as_text),
        [span for _, span in periods], c.parsed(D.KIND, as_text), c.parsed(D.SPECIAL, as_text)))
    return deductions, c.codes


# --- 重点指标 -------------------------------------------------------------------------

@dataclass(slots=True)
class KeyTask:
    row: int
    dept_raw: Any
    section: Section | None
    id: str | None
    task: str | None
    points_raw: Any
    points: Decimal | None
    approval: str | None
    completion: str | None


def load_key_tasks(table: Table, sections: SectionIndex) -> list[KeyTask]:
    K = KeyTasks
    return [KeyTask(r.number, r[K.DEPT], sections.resolve(r[K.DEPT]), _key(r[K.ID]),
                    as_text(r[K.TASK]), r[K.POINTS], as_decimal(r[K.POINTS]),
                    as_text(r[K.APPROVAL]), as_text(r[K.COMPLETION]))
            for r in table.rows]


# --- 相互评价 / 党组评价 -----------------------------------------------------------------

@dataclass(slots=True)
class Ballot:
    row: int
    ballot_no: str | None
    period_raw: Any
    period: Period | None
    voter_raw: Any                 # 相互评价 only
    voter: Section | None
    grades: dict[str, Any]         # column header -> cell value (non-blank only)


@dataclass
class BallotSheet:
    table: Table
    has_voter: bool
    columns: dict[str, Section]    # header -> the section it rates
    unknown_columns: list[str]     # headers that name no section (B03)
    # a section's second column (B03): (header, its header cell)
    repeated_columns: list[tuple[str, str]] = field(default_factory=list)
    ballots: list[Ballot] = field(default_factory=list)


def load_ballots(table: Table, sections: SectionIndex, spec: type[Any]) -> BallotSheet:
    has_voter = spec is PeerBallots
    sheet = BallotSheet(table, has_voter, {}, [])
    rated: set[str] = set()
    for header in table.extra_columns(spec.COLUMNS):
        section = sections.resolve(header)
        if section is None:
            sheet.unknown_columns.append(header)
        elif section.code in rated:          # e.g. both 办公室 and BGS
            sheet.repeated_columns.append((header, table.address(1, header)))
        else:
            rated.add(section.code)
            sheet.columns[header] = section
    # the same header typed twice: the table reads only the first column
    sheet.repeated_columns += [(h, cell_address(1, i)) for h, i in table.repeated
                               if sections.resolve(h) is not None]
    columns = sheet.columns
    period, voter = memo(Period.parse), memo(sections.resolve)
    for r in table.rows:
        v = r.values
        voter_raw = v[PeerBallots.VOTER] if has_voter else None
        sheet.ballots.append(Ballot(
            r.number, as_text(v[spec.BALLOT_NO]), v[spec.PERIOD], period(v[spec.PERIOD]),
            voter_raw, voter(voter_raw) if has_voter else None,
            {h: v[h] for h in columns if v[h] is not None}))
    return sheet


# --- 外部评价 / 创优加分 ------------------------------------------------------------------

@dataclass(slots=True)
class ExternalRate:
    row: int
    period_raw: Any
    period: Period | None
    dept_raw: Any
    section: Section | None
    government_raw: Any
    enterprise_raw: Any


def load_external(table: Table, sections: SectionIndex) -> list[ExternalRate]:
    E = External
    return [ExternalRate(r.number, r[E.PERIOD], Period.parse(r[E.PERIOD]), r[E.DEPT],
                         sections.resolve(r[E.DEPT]), r[E.GOVERNMENT], r[E.ENTERPRISE])
            for r in table.rows]


@dataclass(slots=True)
class Bonus:
    row: int
    period_raw: Any
    period: Period | None
    dept_raw: Any
    section: Section | None
    item: str | None
    level: str | None
    points_raw: Any
    points: Decimal | None


def load_bonuses(table: Table, sections: SectionIndex) -> list[Bonus]:
    B = Bonuses
    return [Bonus(r.number, r[B.PERIOD], Period.parse(r[B.PERIOD]), r[B.DEPT],
                  sections.resolve(r[B.DEPT]), as_text(r[B.ITEM]), as_text(r[B.LEVEL]),
                  r[B.POINTS], as_decimal(r[B.POINTS]))
            for r in table.rows]


# --- everything -------------------------------------------------------------------------

@dataclass
class Inputs:
    tables: dict[str, Table]
    settings: Settings
    sections: SectionIndex
    frameworks: dict[str, FrameworkSpec]
    standards: dict[str, Standard]
    indicators: dict[tuple[str, str, str], Indicator]
    deductions: list[Deduction]
    key_tasks: list[KeyTask]
    peer: BallotSheet
    party: BallotSheet
    external: list[ExternalRate]
    bonuses: list[Bonus]
    # 扣分记录 read as columns: header -> each deduction's code in that column
    # (equal codes, equal values), for rules checked once per distinct value
    deduction_codes: dict[str, Sequence[int]] | None = None

    def framework(self, section: Section) -> FrameworkSpec:
        return self.frameworks[section.framework]

    def in_year(self, period: Period | None) -> TypeGuard[Period]:
        return period is not None and period.year == self.settings.year


def _table(tables: dict[str, Table], spec: type[Any]) -> Table:
    """The sheet's Table, without rows that are blank in every contract column:
    a clerk's own columns are kept and ignored (SPEC 5), so a remark alone in
    one of them is no data row. (Ballot sheets: every extra column rates a
    section, so their rows are all kept.)"""
    try:
        table = tables[spec.SHEET]
    except KeyError:
        raise InputError(f"工作簿缺少工作表“{spec.SHEET}”。"
                         f"请按主工作簿格式添加(可用 lyciq-xl init 生成模板参照)。") from None
    if spec in contract.BALLOT_SHEETS:
        return table
    columns = [h for h in spec.COLUMNS if h in table.columns]
    if isinstance(table, ColumnarTable) and not table.materialised:
        keep = table.nonblank(columns)
        return table if len(keep) == len(table.keep) else table.restricted(keep)
    rows = [r for r in table.rows if any(r.values[h] is not None for h in columns)]
    return table if len(rows) == len(table.rows) else Table(table.sheet, table.columns, rows, table.repeated)


def load_inputs(tables: dict[str, Table]) -> Inputs:
    c = contract
    sections = load_sections(_table(tables, c.Sections))
    deductions, codes = load_coded_deductions(_table(tables, c.Deductions), sections)
    return Inputs(
        tables=tables,
        settings=load_settings(_table(tables, c.Params)),
        sections=sections,
        frameworks=load_framework(_table(tables, c.Framework)),
        standards=load_standards(_table(tables, c.Standards)),
        indicators=load_indicators(_table(tables, c.Indicators), sections),
        deductions=deductions,
        key_tasks=load_key_tasks(_table(tables, c.KeyTasks), sections),
        peer=load_ballots(_table(tables, c.PeerBallots), sections, c.PeerBallots),
        party=load_ballots(_table(tables, c.PartyBallots), sections, c.PartyBallots),
        external=load_external(_table(tables, c.External), sections),
        bonuses=load_bonuses(_table(tables, c.Bonuses), sections),
        deduction_codes=codes,
    )
