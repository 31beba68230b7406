"""Read workbook sheets into Tables with python-calamine (fast, read-only).

Each sheet is read once, densely from A1, so row and column numbers are the
clerk's own and every finding can name its cell.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Iterable

import python_calamine

from lyciq_xl import contract
from lyciq_xl.errors import InputError
from lyciq_xl.table import Table, table_from_grid


def check_workbook_path(path: Path) -> None:
    """Raise InputError unless `path` is an existing .xlsx/.xlsm zip."""
    if not path.exists():
        raise InputError(f"找不到文件“{path}”,请检查路径是否正确。")
    if path.is_dir():
        raise InputError(f"“{path}”是文件夹,请指定一个Excel工作簿(.xlsx)。")
    if not zipfile.is_zipfile(path):
        raise InputError(f"“{path.name}”不是有效的Excel工作簿(.xlsx),"
                         f"请在Excel中另存为“Excel工作簿(*.xlsx)”后重试。")


def open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    check_workbook_path(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError) as exc:
        raise InputError(f"无法读取工作簿“{path.name}”:文件已损坏或不是Excel工作簿({exc})。") from exc


def read_tables(path: Path, specs: Iterable[type] = contract.INPUT_SHEETS) -> dict[str, Table]:
    """Read the sheets named by `specs` (contract classes with SHEET and
    REQUIRED). Raises InputError naming every missing sheet or column."""
    path = Path(path)
    book = open_workbook(path)
    specs = list(specs)
    require_sheets(path.name, book.sheet_names, specs)
    return {s.SHEET: read_table(book, s.SHEET, s.REQUIRED) for s in specs}


def _bare(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def check_sheet_spelling(book_name: str, present: Iterable[str], wanted: Iterable[str]) -> None:
    """InputError when a wanted sheet is absent but one differing only in
    spaces or full-width characters is there ('扣分记录 '): Excel shows both
    alike, so "missing" would mislead the clerk."""
    present = list(present)
    for name in wanted:
        if name in present:
            continue
        for other in present:
            if _bare(other) == _bare(name):
                raise InputError(f"工作簿“{book_name}”中工作表“{other}”的名称含多余的空格或全角字符,"
                                 f"请将其重命名为“{name}”后重试。")


def require_sheets(book_name: str, present: Iterable[str], specs: Iterable[type]) -> None:
    """InputError naming every sheet of `specs` missing from `present`."""
    present = set(present)
    specs = list(specs)
    check_sheet_spelling(book_name, present, [s.SHEET for s in specs])
    missing = [s.SHEET for s in specs if s.SHEET not in present]
    if missing:
        names = "、".join(f"“{n}”" for n in missing)
        raise InputError(f"工作簿“{book_name}”缺少工作表{names}。"
                         f"请按主工作簿格式添加(可用 lyciq-xl init 生成模板参照)。")


def read_table(book: python_calamine.CalamineWorkbook, sheet: str,
               required: Iterable[str] = ()) -> Table:
    try:
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as exc:
        raise InputError(f"无法读取工作表“{sheet}”:{exc}。请在Excel中打开并重新保存后重试。") from exc
    return table_from_grid(sheet, grid, required)
