"""`annex` writes the 科室个人考核结果汇总表 (SPEC 8): one workbook per
quarter, a sheet per section with each person's three months, signed by the
section head; `--dept` for one section; PDF in the same LibreOffice run."""
from __future__ import annotations

import subprocess

import openpyxl

from cli_fixtures import lyciq


def table(ws) -> dict[str, list]:
    """人员编号 -> the row's cells from 序号 on."""
    rows = {}
    for row in ws.iter_rows(values_only=True):
        if row and isinstance(row[1], str) and row[1][:1].isalpha() and row[1][-2:].isdigit():
            rows[row[1]] = list(row)
    return rows


def test_every_quarter_every_section(sample_master, tmp_path):
    result = lyciq("annex", sample_master, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.glob("科室个人考核结果汇总表_*.xlsx"))
    assert [f.stem for f in files] == [f"科室个人考核结果汇总表_2014Q{q}" for q in range(1, 5)]
    q3 = openpyxl.load_workbook(files[2])
    assert q3.sheetnames == ["办公室", "人事科", "综合科", "机电化矿科", "轻纺科", "检疫科",
                             "机关服务中心", "保健中心"]
    # 卜晓燕 joined in April: in Q1 she is not on 机关服务中心's sheet
    q1 = openpyxl.load_workbook(files[0])
    assert "FWZX05" not in table(q1["机关服务中心"]) and "FWZX05" in table(q3["机关服务中心"])
    # 严春华 left after August: Q3 shows July, August and — for September
    assert table(q3["保健中心"])["BJZX06"][8:10] == ["—", "—"]


def test_one_section_with_pdf(sample_master, tmp_path):
    result = lyciq("annex", sample_master, "--out", tmp_path, "--dept", "轻纺科", "--pdf")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "科室个人考核结果汇总表_2014Q2_轻纺科.xlsx"
    ws = openpyxl.load_workbook(path).active
    rows = table(ws)
    assert list(rows) == ["QFK01", "QFK02", "QFK03", "QFK04", "QFK05", "QFK06"]
    # 陶文静: 0.2 deducted in May (100 − 0.2 = 99.8), 1 added in June (101)
    assert rows["QFK01"][:10] == [1, "QFK01", "陶文静", "纺织品检验", 100, "好", 99.8, "好", 101, "好"]
    # 姚明杰's June 评定 row is P06: 待核
    assert rows["QFK04"][10] == "6月1条记录待核"
    text = subprocess.run(["pdftotext", "-layout", path.with_suffix(".pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "科室个人考核结果汇总表" in text and "轻纺科" in text and "2014年第2季度" in text
    assert "科室负责人(签字):吴秀梅" in text and "2014年07月05日前报绩效办" in text
    assert "韦国栋" in text and "101.00" in text
