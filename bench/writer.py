"""Time write_workbook for a province-scale 校验结果 sheet (200,000 rows x 5
columns, every row hyperlinked; Excel keeps the first 65,530 links).

    PYTHONPATH=. python bench/writer.py [rows]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

from lyciq_xl.contract import Deductions, Findings
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.xlsxio.writer import write_workbook


def main(rows: int = 200_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "主工作簿.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        wb.add_worksheet(Deductions.SHEET).write_row(0, 0, Deductions.COLUMNS)
        wb.close()
        data = [["错误", Deductions.SHEET, f"I{i + 2}", "D01",
                 f"第{i + 2}行扣分不是0.1的正整数倍,请改为0.1的倍数"]
                for i in range(rows)]
        links = {(i, Findings.CELL): f"'{Deductions.SHEET}'!I{i + 2}" for i in range(rows)}
        sheet = OwnedSheet(Findings.SHEET, Findings.COLUMNS, data, links=links)
        times = []
        for _ in range(3):   # first run appends the sheet, the others replace it
            start = time.perf_counter()
            write_workbook(path, [sheet])
            times.append(time.perf_counter() - start)
        print(f"write_workbook {rows} rows x 5 cols: runs {', '.join(f'{t:.2f}' for t in times)} s, "
              f"median {statistics.median(times):.2f} s, file {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
