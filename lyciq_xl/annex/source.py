"""What every annex reads from the master workbook, loaded once.

`Source.from_tables` works on Tables however they were read (calamine for
files, xlwings for the open workbook), so the ribbon and the command line
feed the same generators.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lyciq_xl import contract
from lyciq_xl.contract import Approval, ParamKey, Params
from lyciq_xl.errors import InputError
from lyciq_xl.model import (FrameworkSpec, Section, SectionIndex, Settings,
                            load_framework, load_sections, load_settings)
from lyciq_xl.table import Row, Table, as_text

# Sheets the plan annexes need; the results report reads them all (engine).
ANNEX_SHEETS = (contract.Params, contract.Sections, contract.Framework,
                contract.Indicators, contract.KeyTasks)

# The measures' own wording drops 出入境 from the full name in the annex titles
# (《辽阳检验检疫局履职绩效和管理绩效指标》, 第九条), unless 参数 单位简称 says otherwise.
_SHORT_NAME_DROP = "出入境"


@dataclass
class Source:
    tables: dict[str, Table]
    sections: SectionIndex
    settings: Settings
    framework: dict[str, FrameworkSpec]
    short_name: str
    # (sheet, Excel row) -> the errors for which the engine left that row out
    # of the scores: an annex must not print it as a valid indicator either
    left_out: dict[tuple[str, int], list] = field(default_factory=dict)

    @classmethod
    def from_tables(cls, tables: dict[str, Table], findings: Iterable = ()) -> "Source":
        """`findings`: the engine's findings on these tables (Assessment.findings)."""
        settings = load_settings(tables[Params.SHEET])
        return cls(tables=tables,
                   sections=load_sections(tables[contract.Sections.SHEET]),
                   settings=settings,
                   framework=load_framework(tables[contract.Framework.SHEET]),
                   short_name=short_name(tables[Params.SHEET], settings.org_name),
                   left_out=left_out_rows(findings))

    @classmethod
    def from_path(cls, path: Path, specs=ANNEX_SHEETS) -> "Source":
        from lyciq_xl.xlsxio.reader import read_tables
        return cls.from_tables(read_tables(Path(path), specs))

    def section(self, dept: str | None) -> Section | None:
        """--dept (name or code) -> Section; unknown -> InputError."""
        if dept is None:
            return None
        found = self.sections.resolve(dept)
        if found is None:
            names = "、".join(s.name for s in self.sections)
            raise InputError(f"科室“{dept}”不在工作表“{contract.Sections.SHEET}”中,"
                             f"请填写科室名称或科室代码,可选:{names}。")
        return found


def short_name(params: Table, org_name: str) -> str:
    for row in params.rows:
        key = as_text(row[Params.KEY])
        if key and unicodedata.normalize("NFKC", key).strip() == ParamKey.ORG_SHORT:
            value = as_text(row[Params.VALUE])
            if value:
                return value
    return org_name.replace(_SHORT_NAME_DROP, "")


def left_out_rows(findings: Iterable) -> dict[tuple[str, int], list]:
    """What the engine left out for an error: the whole row, except for the
    rules that drop a single ballot cell."""
    from lyciq_xl.engine.rules import CELL_RULES
    rows: dict[tuple[str, int], list] = {}
    for f in findings:
        if f.is_error and f.row > 1 and f.rule not in CELL_RULES:
            rows.setdefault((f.sheet, f.row), []).append(f)
    return rows


def left_out_note(sheet: str, rows: dict[int, list]) -> list[str]:
    """One line per row an annex did not print because of its errors."""
    return [f"工作表“{sheet}”第{number}行有错误,未列入本附件,也不计入小计和合计:"
            + ";".join(f"{f.cell} {contract.RULES[f.rule].title}" for f in found)
            + f"。请按“{contract.Findings.SHEET}”改正后重新生成。"
            for number, found in sorted(rows.items())]


def is_approved(row: Row, header: str) -> bool:
    return as_text(row[header]) == Approval.APPROVED


def unknown_note(sheet: str, rows: list[int]) -> list[str]:
    """The clerk's note for rows left out because their 科室 is unknown."""
    if not rows:
        return []
    listed = "、".join(str(n) for n in rows[:20]) + ("等" if len(rows) > 20 else "")
    return [f"工作表“{sheet}”有{len(rows)}行的科室不在“{contract.Sections.SHEET}”表中,"
            f"未列入(第{listed}行)。请填写科室名称或科室代码。"]
