"""The configuration sheets as typed objects: 参数, 科室, 指标框架, and periods.

These sheets configure everything else, so a broken one makes the workbook
unusable (InputError, exit 2) rather than producing row-level findings.
Pure: Tables in, objects out.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import Framework, ParamKey, Params, Sections
from lyciq_xl.errors import InputError
from lyciq_xl.table import Table, as_decimal, as_text

# --- periods ---------------------------------------------------------------------

_PERIOD = re.compile(r"(\d{4})(?:\s*[Qq]\s*([1-4]))?")


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (2014Q3) or a whole year (2014)."""
    year: int
    quarter: int | None = None   # None: the whole year

    @classmethod
    def parse(cls, value: Any) -> Period | None:
        """'2014Q3', '2014q3', '2014', 2014 -> Period; anything else -> None."""
        text = as_text(value)
        if text is None:
            return None
        match = _PERIOD.fullmatch(unicodedata.normalize("NFKC", text).strip())
        if not match:
            return None
        quarter = int(match.group(2)) if match.group(2) else None
        return cls(int(match.group(1)), quarter)

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> dt.date:
        month = 12 if self.quarter is None else 3 * self.quarter
        next_month = dt.date(self.year + month // 12, month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def deadline(self) -> dt.date:
        """Results are due by the 5th of the month after the period (第六条)."""
        return self.last_day + dt.timedelta(days=5)

    def __str__(self) -> str:
        return f"{self.year}" if self.is_year else f"{self.year}Q{self.quarter}"


# --- 科室 ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    code: str
    name: str
    series: str
    framework: str
    deputy: str | None = None
    head: str | None = None
    email: str | None = None
    row: int = 0          # Excel row in 科室


@dataclass
class SectionIndex:
    """The sections in sheet order, found by 科室名称 or 科室代码."""
    sections: list[Section]
    _lookup: dict[str, Section] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for s in self.sections:
            self._lookup[s.code] = s
            self._lookup[s.code.upper()] = s
            self._lookup[s.name] = s

    def resolve(self, value: Any) -> Section | None:
        """A 科室 cell (name or code, any case for codes) -> Section or None."""
        text = as_text(value)
        if text is None:
            return None
        text = unicodedata.normalize("NFKC", text).strip()
        return self._lookup.get(text) or self._lookup.get(text.upper())

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def in_series(self, series: str) -> list[Section]:
        return [s for s in self.sections if s.series == series]


def load_sections(table: Table) -> SectionIndex:
    sections: list[Section] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        code, name = as_text(row[Sections.CODE]), as_text(row[Sections.NAME])
        series = as_text(row[Sections.SERIES])
        where = f"工作表“{Sections.SHEET}”第{row.number}行"
        if not code or not name:
            raise InputError(f"{where}缺少科室代码或科室名称,请补全或删除该行。")
        if series not in contract.SERIES_FRAMEWORK:
            allowed = "、".join(contract.Series.ALL)
            raise InputError(f"{where}(单元格 {table.address(row, Sections.SERIES)})的序列“{series or ''}”"
                             f"不正确,请填写:{allowed}。")
        for key in (code, name):
            if key in seen:
                raise InputError(f"{where}的“{key}”与第{seen[key]}行重复,科室代码和名称都必须唯一。")
            seen[key] = row.number
        sections.append(Section(
            code=code, name=name, series=series,
            framework=contract.SERIES_FRAMEWORK[series],
            deputy=as_text(row[Sections.DEPUTY]), head=as_text(row[Sections.HEAD]),
            email=as_text(row[Sections.EMAIL]), row=row.number))
    if not sections:
        raise InputError(f"工作表“{Sections.SHEET}”中没有科室,请至少填写一个科室。")
    return SectionIndex(sections)


# --- 参数 ---------------------------------------------------------------------------

@dataclass
class Settings:
    org_name: str
    year: int
    completion: dict[str, Decimal]     # 完成情况 -> 完成系数
    ratings: dict[str, Decimal]        # ballot grade -> ratio
    trim_ballots: bool                 # 互评去掉最高最低分
    bonus_levels: dict[str, Decimal]   # 创优 级别 -> points
    quotas: dict[str, int]             # 序列 -> 优秀名额
    fail_line: Decimal                 # 不合格分数线
    secret: str | None                 # HMAC key for distributed workbooks
    rows: dict[str, int]               # 参数 key -> Excel row (for messages)


def _scale(values: dict[str, object], rows: dict[str, int], prefix: str) -> dict[str, Decimal]:
    scale = {}
    for key, raw in values.items():
        if key.startswith(prefix):
            number = as_decimal(raw)
            if number is None:
                raise InputError(f"工作表“{Params.SHEET}”第{rows[key]}行参数“{key}”的值"
                                 f"“{as_text(raw) or ''}”不是数字,请填写数字。")
            scale[key[len(prefix):].strip()] = number
    if not scale:
        raise InputError(f"工作表“{Params.SHEET}”缺少以“{prefix}”开头的参数"
                         f"(例如“{prefix}…”),请按模板补齐。")
    return scale


def load_settings(table: Table) -> Settings:
    values: dict[str, object] = {}
    rows: dict[str, int] = {}
    for row in table.rows:
        key = as_text(row[Params.KEY])
        if key:
            key = unicodedata.normalize("NFKC", key).strip()  # full-width colon -> ':'
            values[key], rows[key] = row[Params.VALUE], row.number
    raw_year = values.get(ParamKey.YEAR)
    if isinstance(raw_year, str):    # '2014年', as a clerk writes a year
        raw_year = unicodedata.normalize("NFKC", raw_year).strip().removesuffix("年")
    year = as_decimal(raw_year)
    if year is None or year != year.to_integral() or not 2000 <= year <= 2100:
        typed = as_text(values.get(ParamKey.YEAR))
        where = (f"单元格 {table.address(rows[ParamKey.YEAR], Params.VALUE)} 的"
                 if ParamKey.YEAR in rows else "中")
        raise InputError(f"工作表“{Params.SHEET}”{where}参数“{ParamKey.YEAR}”"
                         f"{f'“{typed}”' if typed else ''}缺失或不是年份,"
                         f"请填写如 2014 的四位年份。")
    quotas = {}
    for series in contract.Series.ALL:
        key = ParamKey.QUOTA_PREFIX + series
        quota = as_decimal(values.get(key, contract.DEFAULT_QUOTA))
        if quota is None or quota < 0 or quota != quota.to_integral():
            raise InputError(f"工作表“{Params.SHEET}”参数“{key}”须为非负整数。")
        quotas[series] = int(quota)
    fail_line = as_decimal(values.get(ParamKey.FAIL_LINE, contract.DEFAULT_FAIL_LINE))
    if fail_line is None:
        raise InputError(f"工作表“{Params.SHEET}”参数“{ParamKey.FAIL_LINE}”须为数字。")
    trim = as_text(values.get(ParamKey.TRIM)) or contract.NO
    if trim not in (contract.YES, contract.NO):
        raise InputError(f"工作表“{Params.SHEET}”参数“{ParamKey.TRIM}”须为“是”或“否”。")
    return Settings(
        org_name=as_text(values.get(ParamKey.ORG_NAME)) or "",
        year=int(year),
        completion=_scale(values, rows, ParamKey.COMPLETION_PREFIX),
        ratings=_scale(values, rows, ParamKey.RATING_PREFIX),
        trim_ballots=trim == contract.YES,
        bonus_levels=_scale(values, rows, ParamKey.BONUS_PREFIX),
        quotas=quotas,
        fail_line=fail_line,
        secret=as_text(values.get(ParamKey.SECRET)),
        rows=rows,
    )


# --- 指标框架 -------------------------------------------------------------------------

@dataclass
class FrameworkSpec:
    """Points of one framework: category -> points, and 服务绩效 sub-items."""
    name: str
    category_points: dict[str, Decimal] = field(default_factory=dict)
    service_items: dict[str, Decimal] = field(default_factory=dict)

    def points(self, category: str) -> Decimal:
        return self.category_points.get(category, Decimal(0))


def load_framework(table: Table) -> dict[str, FrameworkSpec]:
    specs = {name: FrameworkSpec(name) for name in contract.FrameworkName.ALL}
    for row in table.rows:
        where = f"工作表“{Framework.SHEET}”第{row.number}行"
        name, category = as_text(row[Framework.FRAMEWORK]), as_text(row[Framework.CATEGORY])
        item, points = as_text(row[Framework.ITEM]), as_decimal(row[Framework.POINTS])
        if name not in specs:
            raise InputError(f"{where}的框架“{name or ''}”不正确,请填写:"
                             f"{'、'.join(contract.FrameworkName.ALL)}。")
        if category not in contract.Category.ALL:
            raise InputError(f"{where}的绩效类别“{category or ''}”不正确,请填写:"
                             f"{'、'.join(contract.Category.ALL)}。")
        if points is None or points < 0:
            raise InputError(f"{where}(单元格 {table.address(row, Framework.POINTS)})的分值"
                             f"须为非负数字。")
        spec = specs[name]
        spec.category_points[category] = spec.points(category) + points
        if category == contract.Category.SERVICE:
            if item not in contract.ServiceItem.ALL:
                raise InputError(f"{where}的服务绩效分项“{item or ''}”不正确,请填写:"
                                 f"{'、'.join(contract.ServiceItem.ALL)}。")
            spec.service_items[item] = spec.service_items.get(item, Decimal(0)) + points
    return specs


# --- 参数 of section 10 (appeals, feedback letters) -----------------------------------

@dataclass(frozen=True)
class FeedbackSettings:
    appeal_days: int                   # 申诉期限天数
    approved: bool                     # 结果审定 = 是


def load_feedback_settings(table: Table) -> FeedbackSettings:
    """申诉期限天数 (default 15) and 结果审定 (default 否) from 参数; kept apart
    from `load_settings` because only appeals and letters use them."""
    from lyciq_xl.contract import FeedbackParam
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    for row in table.rows:
        key = as_text(row[Params.KEY])
        if key:
            key = unicodedata.normalize("NFKC", key).strip()
            values[key], cells[key] = row[Params.VALUE], table.address(row, Params.VALUE)
    days = as_decimal(values.get(FeedbackParam.APPEAL_DAYS, FeedbackParam.DEFAULT_APPEAL_DAYS))
    if days is None or days < 0 or days != days.to_integral() or days > 3660:
        raise InputError(f"工作表“{Params.SHEET}”单元格 {cells.get(FeedbackParam.APPEAL_DAYS, '')} "
                         f"参数“{FeedbackParam.APPEAL_DAYS}”须为0到3660之间的整数(天数),如 15。")
    approved = as_text(values.get(FeedbackParam.APPROVED)) or contract.NO
    approved = unicodedata.normalize("NFKC", approved).strip()
    if approved not in (contract.YES, contract.NO):
        raise InputError(f"工作表“{Params.SHEET}”单元格 {cells.get(FeedbackParam.APPROVED, '')} "
                         f"参数“{FeedbackParam.APPROVED}”须为“是”或“否”。")
    return FeedbackSettings(int(days), approved == contract.YES)
