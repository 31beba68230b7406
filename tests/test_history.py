"""`lyciq-xl history`: three years' masters built here, side by side per
section, matched by 科室代码 (re-coded through 原科室代码), in year order
whatever the argument order; a master without 考核结果 recalculated in
memory and never written.

No key tasks, ballots or bonuses: a total is 履职 + 管理 = 70 minus the
deductions (行政管理科室 40+30, 业务管理科室 45+25, 直属单位 40+30).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from engine_fixtures import PARAMS, STANDARDS
from lyciq_xl import contract as c
from lyciq_xl.commands.recalc import recalc_file
from mail_fixtures import run_cli, sha

ADMIN, BUSINESS, AFFILIATED = c.Series.ADMIN, c.Series.BUSINESS, c.Series.AFFILIATED

# year -> sections (code, name, series, 原科室代码) and deductions (code, 履职 points)
YEARS = {
    2013: ([("BGS", "办公室", ADMIN, None), ("RSK", "人事科", ADMIN, None), ("JYK", "检疫科", BUSINESS, None)],
           [("BGS", 1), ("RSK", 0.5), ("JYK", 2)]),
    # 人事科 renamed 人事教育科 (same code); 检疫科 re-coded JYJG
    2014: ([("BGS", "办公室", ADMIN, None), ("RSK", "人事教育科", ADMIN, None),
            ("JYJG", "检疫监管科", BUSINESS, "JYK")],
           [("BGS", 0.3), ("JYJG", 1)]),
    # 人事教育科 gone, 保健中心 new
    2015: ([("BGS", "办公室", ADMIN, None), ("JYJG", "检疫监管科", BUSINESS, None),
            ("BJZX", "保健中心", AFFILIATED, None)],
           [("JYJG", 0.5), ("BJZX", 0.2)]),
}


def write_master(path: Path, year: int) -> Path:
    sections, deductions = YEARS[year]
    book = openpyxl.Workbook()
    book.remove(book.active)

    def sheet(name, header, rows):
        ws = book.create_sheet(name)
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))

    params = [[k, year if k == "年度" else v] for k, v in PARAMS]
    sheet(c.Params.SHEET, c.Params.REQUIRED, params)
    sheet(c.Sections.SHEET, list(c.Sections.REQUIRED) + [c.SECTION_OLD_CODE],
          [[code, name, series, old] for code, name, series, old in sections])
    sheet(c.Framework.SHEET, c.Framework.REQUIRED, c.DEFAULT_FRAMEWORK)
    sheet(c.Indicators.SHEET, c.Indicators.REQUIRED,
          [[code, "履职绩效", "LZ01", "主体工作", "已审核"] for code, *_ in sections])
    sheet(c.KeyTasks.SHEET, c.KeyTasks.REQUIRED, [])
    sheet(c.Standards.SHEET, c.Standards.COLUMNS, STANDARDS)
    sheet(c.Deductions.SHEET, c.Deductions.COLUMNS,
          [[f"{code}-{year}", f"{year}Q2", f"{year}-05-10", code, "履职绩效", "LZ01", "BJ-1", "未按时完成",
            points, None, None, "有效"] for code, points in deductions])
    sheet(c.PeerBallots.SHEET, c.PeerBallots.COLUMNS, [])
    sheet(c.PartyBallots.SHEET, c.PartyBallots.COLUMNS, [])
    sheet(c.External.SHEET, c.External.COLUMNS, [])
    sheet(c.Bonuses.SHEET, c.Bonuses.COLUMNS, [])
    book.save(path)
    return path


@pytest.fixture()
def masters(tmp_path):
    paths = {y: write_master(tmp_path / f"{y}年主工作簿.xlsx", y) for y in YEARS}
    recalc_file(paths[2014])              # 2014 as published; 2013 and 2015 have no 考核结果
    return paths


def history_rows(path: Path) -> list[tuple]:
    """The history table's body rows: (科室, 年度, 当年名称, 总分, 较上年, 排名, 等次, 备注)."""
    ws = openpyxl.load_workbook(path).active
    rows, inside = [], False
    for row in ws.iter_rows(values_only=True):
        if row[0] == "科室" and row[1] == "年度":
            inside = True
            continue
        if inside and (row[1] is None or not isinstance(row[1], int)):
            break
        if inside:
            rows.append((row[0], row[1], row[2], None if row[9] is None else D(str(row[9])), row[10],
                         row[11], row[12], row[13]))
    return rows


# (科室 label: latest name, merged down its rows — only the first row holds it)
EXPECTED = [
    # 办公室: 2013 70-1 = 69, 2014 70-0.3 = 69.7 (+0.70), 2015 70 (+0.30)
    ("办公室", 2013, "办公室", D("69"), "—", 2, "合格", None),
    (None, 2014, "办公室", D("69.7"), "+0.70", 2, "合格", None),
    (None, 2015, "办公室", D("70"), "+0.30", 1, "优秀", None),
    # 人事科 → 人事教育科 (same code RSK): 69.5, then 70 (+0.50); gone in 2015
    ("人事教育科", 2013, "人事科", D("69.5"), "—", 1, "优秀", None),
    (None, 2014, "人事教育科", D("70"), "+0.50", 1, "优秀", "由“人事科”更名"),
    (None, 2015, None, None, None, None, None, "撤并"),
    # 检疫科 JYK → 检疫监管科 JYJG: 70-2 = 68, 70-1 = 69 (+1.00), 70-0.5 = 69.5 (+0.50)
    ("检疫监管科", 2013, "检疫科", D("68"), "—", 1, "优秀", None),
    (None, 2014, "检疫监管科", D("69"), "+1.00", 1, "优秀", "原科室代码 JYK;由“检疫科”更名"),
    (None, 2015, "检疫监管科", D("69.5"), "+0.50", 1, "优秀", None),
    # 保健中心 new in 2015: 70-0.2 = 69.8
    ("保健中心", 2013, None, None, None, None, None, "尚未设立"),
    (None, 2014, None, None, None, None, None, "尚未设立"),
    (None, 2015, "保健中心", D("69.8"), "—", 1, "优秀", "新设"),
]


def test_three_years_side_by_side_in_any_argument_order(masters, tmp_path):
    before = {y: sha(p) for y, p in masters.items()}
    for n, order in enumerate(([2013, 2014, 2015], [2015, 2013, 2014])):
        out = tmp_path / f"out{n}"
        assert run_cli("history", *[masters[y] for y in order], "--out", out) == 0
        assert history_rows(out / "历年考核结果对比.xlsx") == EXPECTED
    # the masters were read, never written (2013/2015 recalculated in memory only)
    assert {y: sha(p) for y, p in masters.items()} == before


def test_line_chart_of_totals(masters, tmp_path):
    assert run_cli("history", *masters.values(), "--out", tmp_path / "o") == 0
    with zipfile.ZipFile(tmp_path / "o" / "历年考核结果对比.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = z.read(charts[0]).decode()
    assert len(charts) == 1 and re.search(r"<(c:)?lineChart>", xml)
    assert len(re.findall(r"<(?:c:)?ser>", xml)) == 4          # one line per section


def test_same_year_twice_or_no_master_is_exit_2_naming_the_file(masters, tmp_path, capsys):
    copy = tmp_path / "副本.xlsx"
    shutil.copy(masters[2014], copy)
    out = tmp_path / "o"
    assert run_cli("history", masters[2014], copy, "--out", out) == 2
    err = capsys.readouterr().err
    assert "2014年主工作簿.xlsx" in err and "副本.xlsx" in err
    other = tmp_path / "随便.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.save(other)
    assert run_cli("history", masters[2013], other, "--out", out) == 2
    assert "随便.xlsx" in capsys.readouterr().err
    assert not out.exists()


def test_a_year_without_annual_rows_is_unfinished(masters, tmp_path):
    book = openpyxl.load_workbook(masters[2014])
    ws = book[c.Results.SHEET]
    for row in range(ws.max_row, 1, -1):
        if str(ws.cell(row, 1).value) == "2014":
            ws.delete_rows(row)
    book.save(masters[2014])
    assert run_cli("history", *masters.values(), "--out", tmp_path / "o") == 0
    rows = {(r[2], r[1]): r for r in history_rows(tmp_path / "o" / "历年考核结果对比.xlsx")}
    assert rows[("办公室", 2014)][3] is None and "未完成" in rows[("办公室", 2014)][7]
    # 2015 compares with 2013, the nearest earlier year with a result: 70 - 69 = +1.00
    assert rows[("办公室", 2015)][4] == "+1.00"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is needed")
def test_pdf(masters, tmp_path):
    assert run_cli("history", *masters.values(), "--out", tmp_path / "o", "--pdf") == 0
    text = subprocess.run(["pdftotext", str(tmp_path / "o" / "历年考核结果对比.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "检疫监管科" in re.sub(r"\s+", "", text)
