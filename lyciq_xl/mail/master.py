"""What the mail commands read from the master workbook, read once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lyciq_xl import contract
from lyciq_xl.contract import Deductions, Indicators, KeyTasks, Params, Results, Sections
from lyciq_xl.errors import InputError
from lyciq_xl.model import Period, Section, SectionIndex, Settings, load_sections, load_settings
from lyciq_xl.table import Row, Table
from lyciq_xl.xlsxio.reader import check_sheet_spelling, open_workbook, read_sheets


@dataclass
class Master:
    path: Path
    sections: SectionIndex
    settings: Settings
    params: Table
    indicators: Table
    key_tasks: Table
    deductions: Table | None       # optional for distribution (read-only view)
    results: Table | None          # 考核结果, present once recalc ran
    receipts: Table | None         # 回收记录 written by earlier collects
    changes: Table | None          # 回收变更 written by earlier collects
    tables: dict[str, Table] = field(default_factory=dict, repr=False)   # every sheet read
    _index: dict = field(default_factory=dict, repr=False)   # (sheet, header) -> code -> rows

    def rows_of(self, table: Table | None, section: Section, header: str) -> list[Row]:
        """Rows of `table` whose `header` cell names `section` (name or code)."""
        if table is None:
            return []
        key = (table.sheet, header)
        if key not in self._index:     # one pass per table, not one per section
            index: dict[str, list[Row]] = {}
            for row in table.rows:
                found = self.sections.resolve(row[header])
                if found is not None:
                    index.setdefault(found.code, []).append(row)
            self._index[key] = index
        return self._index[key].get(section.code, [])


# Sheets the mail commands read: (contract class, required?)
SHEETS: tuple[tuple[type[Any], bool], ...] = (
          (Params, True), (Sections, True), (Indicators, True), (KeyTasks, True),
          (Deductions, False), (Results, False), (contract.Receipts, False),
          (contract.Changes, False),
          # what intake of assessor returns (SPEC 9) reads besides
          (contract.Framework, False), (contract.Standards, False), (contract.External, False),
          (contract.Bonuses, False), (contract.PeerBallots, False), (contract.PartyBallots, False),
          (contract.AssessorImports, False), (contract.Appeals, False))
# the individual sheets (SPEC 8): a section's workbook carries its own staff
SHEETS += tuple((spec, False) for spec in contract.INDIVIDUAL_SHEETS)


def load_master(path: Path) -> Master:
    """Read the master file with calamine (the command line)."""
    path = Path(path)
    book = open_workbook(path)
    check_sheet_spelling(path.name, book.sheet_names, [spec.SHEET for spec, _ in SHEETS])
    # a present input sheet needs its columns even when the sheet is optional:
    # a title row above 扣分记录's headers must not silently drop its rows
    tables = read_sheets(path, book, [spec for spec, _ in SHEETS])
    return master_from_tables(path, tables)


def master_from_tables(path: Path, tables: dict[str, Table]) -> Master:
    """Build the Master from Tables however they were read (file or xlwings),
    so the ribbon adapter can run the same distribute/collect logic."""
    missing = [spec.SHEET for spec, need in SHEETS if need and spec.SHEET not in tables]
    if missing:
        raise InputError(f"工作簿“{Path(path).name}”缺少工作表"
                         f"{'、'.join(f'“{m}”' for m in missing)},请按主工作簿格式添加后重试。")
    params = tables[Params.SHEET]
    return Master(
        path=Path(path), sections=load_sections(tables[Sections.SHEET]),
        settings=load_settings(params), params=params,
        indicators=tables[Indicators.SHEET], key_tasks=tables[KeyTasks.SHEET],
        deductions=tables.get(Deductions.SHEET), results=tables.get(Results.SHEET),
        receipts=tables.get(contract.Receipts.SHEET),
        changes=tables.get(contract.Changes.SHEET), tables=dict(tables))


def resolve_period(master: Master, text: str | None) -> Period:
    """--period, or the whole 年度 when omitted; must lie in the 年度."""
    year = master.settings.year
    if not text:
        return Period(year)
    period = Period.parse(text)
    if period is None or period.year != year:
        raise InputError(f"期间“{text}”不正确:请写成如“{year}Q3”(季度)或“{year}”(年度),"
                         f"年份须与参数表“年度”({year})一致。")
    return period


def resolve_sections(master: Master, dept: str | None) -> list[Section]:
    if not dept:
        return list(master.sections)
    section = master.sections.resolve(dept)
    if section is None:
        raise InputError(f"科室“{dept}”不在“{Sections.SHEET}”表中,请填写科室名称或科室代码。")
    return [section]
