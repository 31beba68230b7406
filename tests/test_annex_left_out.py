"""A row the engine leaves out for an error is not printed as a valid
indicator in any annex, nor added to its 小计/合计; `annex` says which rows
it left out and why (issue 8 defect 13)."""
from __future__ import annotations

from decimal import Decimal

import openpyxl

from lyciq_xl import contract as c
from lyciq_xl.annex import annex3_workbook, key_tasks
from lyciq_xl.annex.source import Source
from lyciq_xl.engine import evaluate
from lyciq_xl.xlsxio.reader import read_tables
from tests.annex_fixtures import build_master
from tests.mail_fixtures import run_cli

# annex_fixtures.KEY_TASKS, Excel rows 2–8: BGS-Z01 1.5, BGS-Z02 1 (row 3), QFK-Z01 1,
# RSK-Z01 0.5, QFK-Z02 0.5, QFK-Z03 draft, CWK-Z01 unknown section
NOTE = ("工作表“重点指标”第3行有错误,未列入本附件,也不计入小计和合计:"
        "G3 重点指标分值须为1.5、1或0.5")


def _with_points_2(path, completion=None):
    build_master(path, completion)
    book = openpyxl.load_workbook(path)
    book[c.KeyTasks.SHEET]["G3"] = 2            # BGS-Z02: K01
    book.save(path)
    return path


def _annex3(path) -> tuple[list[str], dict[str, list]]:
    ws = openpyxl.load_workbook(path).active
    ids = [row[2] for row in ws.iter_rows(values_only=True) if isinstance(row[2], str)
           and row[2][:3] in ("BGS", "RSK", "QFK", "CWK")]
    sums = {}
    for row in ws.iter_rows(values_only=True):
        if row[3] in (key_tasks.SUBTOTAL, key_tasks.TOTAL):
            sums.setdefault(row[3], []).append(row)
    return ids, sums


def test_annex3_leaves_out_a_k01_row_and_says_so(tmp_path, capsys):
    master = _with_points_2(tmp_path / "m.xlsx")
    assert run_cli("annex", master, "--out", tmp_path / "附件") == 0
    ids, sums = _annex3(tmp_path / "附件" / f"{key_tasks.FILE_NAME}.xlsx")
    assert ids == ["BGS-Z01", "RSK-Z01", "QFK-Z01", "QFK-Z02"]
    # 小计 in 科室 order: 办公室 1.5 (BGS-Z02's 2 not added), 人事科 0.5, 轻纺科 1 + 0.5
    assert [Decimal(str(r[7])) for r in sums[key_tasks.SUBTOTAL]] == [
        Decimal("1.5"), Decimal("0.5"), Decimal("1.5")]
    assert Decimal(str(sums[key_tasks.TOTAL][0][7])) == Decimal("3.5")   # 1.5 + 0.5 + 1.5
    out = capsys.readouterr().out
    assert f"注意:{NOTE}" in out


def test_year_end_annex3_and_the_api(tmp_path):
    master = _with_points_2(tmp_path / "m.xlsx", {"BGS-Z01": "完成", "BGS-Z02": "完成"})
    tables = read_tables(master)
    assessment = evaluate(tables)
    doc = key_tasks.build(Source.from_tables(tables, assessment.findings),
                          dept="办公室", scores=assessment.key_task_scores)
    lines = doc.blocks[0].lines
    assert [l.cells[2] for l in lines if l.kind == "data"] == ["BGS-Z01"]
    subtotal = next(l for l in lines if l.kind == "subtotal")
    assert subtotal.cells[7] == Decimal("1.5")           # 分值: BGS-Z01 only
    assert subtotal.cells[-1] == Decimal("1.5")          # 得分: 1.5 × 完成 1.0
    assert any(note.startswith(NOTE) for note in doc.notes)
    book = annex3_workbook(tables, assessment=assessment)
    printed = {cell for row in book.active.iter_rows(values_only=True) for cell in row}
    assert "BGS-Z02" not in printed and "BGS-Z01" in printed
