"""得分率 typed the Excel way: 72% is stored as 0.72 with a percent number
format, and 外部评价 must read it as the 72 the clerk sees (it scored 0.04
of 5 points). The sample master edited in openpyxl, as a clerk's Excel
saves it: the value 0.72 and the cell style "0%"."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

from lyciq_xl import contract
from lyciq_xl.engine import evaluate, to_json
from lyciq_xl.xlsxio.reader import read_tables
from lyciq_xl.xlsxio.styles import is_percent_code
from reader_fixtures import with_external

E = contract.External
SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "主工作簿示例.xlsx"


def external_rows(path: Path) -> dict[int, dict]:
    return {r.number: r.values for r in read_tables(path, [E])[E.SHEET].rows}


def test_percent_formatted_rates_are_read_as_shown(tmp_path):
    header = [c.value for c in openpyxl.load_workbook(SAMPLE)[E.SHEET][1]]
    gov, ent = (openpyxl.utils.get_column_letter(header.index(h) + 1)
                for h in (E.GOVERNMENT, E.ENTERPRISE))
    path = with_external(tmp_path / "m.xlsx", {
        f"{gov}2": (0.72, "0%"),          # shows 72%
        f"{ent}2": (0.725, "0.0%"),       # shows 72.5%
        f"{gov}3": (0.9, "General"),      # a bare 0.9: left for the engine to warn about
        f"{ent}3": (1, "0.00%"),          # shows 100.00%
    })
    rows = external_rows(path)
    assert rows[2][E.GOVERNMENT] == Decimal(72) and str(rows[2][E.GOVERNMENT]) == "72"
    assert rows[2][E.ENTERPRISE] == Decimal("72.5")
    assert rows[3][E.GOVERNMENT] == Decimal("0.9")
    assert rows[3][E.ENTERPRISE] == Decimal(100)


def test_percent_cell_scores_as_the_number_typed(tmp_path):
    header = [c.value for c in openpyxl.load_workbook(SAMPLE)[E.SHEET][1]]
    gov = openpyxl.utils.get_column_letter(header.index(E.GOVERNMENT) + 1)
    typed = with_external(tmp_path / "typed.xlsx", {f"{gov}2": (72, "General")})
    shown = with_external(tmp_path / "percent.xlsx", {f"{gov}2": (0.72, "0%")})
    assert to_json(evaluate(read_tables(shown))) == to_json(evaluate(read_tables(typed)))


def test_percent_codes():
    assert is_percent_code("0.0%") and is_percent_code("#,##0.00%;[Red]-0%")
    assert not is_percent_code('0.0"%"') and not is_percent_code("0\\%")
    assert not is_percent_code("0.00") and not is_percent_code("yyyy-mm-dd")
