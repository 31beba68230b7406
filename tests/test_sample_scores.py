"""The committed sample workbook, scored by the engine: every category
non-zero for the year, exactly the five planted findings, and the scores
worked out by hand from lyciq_xl/sample_data.py (arithmetic in comments).

Base points (指标框架): 行政管理科室/直属单位 履职 40 管理 30 重点 10 相互 15 党组 15
创优 5; 业务管理科室 履职 45 管理 25 重点 10 相互 10 党组 10 政府 5 企业 5 创优 5.
Grades: 满意 1, 较满意 0.8, 基本满意 0.6. Service sub-scores round half-up to 0.01.
"""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from lyciq_xl import contract as c
from lyciq_xl import engine
from lyciq_xl.xlsxio.reader import read_tables

SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "主工作簿示例.xlsx"


@pytest.fixture(scope="module")
def assessment():
    return engine.evaluate(read_tables(SAMPLE))


def test_exactly_the_planted_findings(assessment):
    # the individual part's (P rules) are pinned in test_sample_individual
    found = sorted((f.rule, f.level, f.sheet, f.cell) for f in assessment.findings
                   if not f.rule.startswith("P"))
    assert found == sorted([
        # 扣分记录 row 18 = record 2014-017: 0.8 under F4-01 [0.1, 0.5]
        ("D03", "错误", "扣分记录", "I18"),
        # row 28 = 2014-027: 保健中心 cites 人事科's RSK-LZ-01
        ("D07", "错误", "扣分记录", "F28"),
        # 相互评价 row 5 = HP-04 by 人事科, column E = 人事科
        ("B02", "错误", "相互评价", "E5"),
        # 重点指标 row 15 = QFK-ZD-03 (rows 2-4 BGS, 5-6 RSK, 7-9 ZHK, 10-12 JDHK,
        # 13-15 QFK), column L = 完成情况, left blank
        ("K02", "警告", "重点指标", "L15"),
        # 履职管理指标 row 20 = QFK-LZ-03 (草拟), column K = 审核状态, used by 2014-016
        ("A01", "警告", "履职管理指标", "K20"),
    ])


# Year row per section: 履职, 管理, 重点, 服务, 创优, 总分, 序列排名, 等次, 待核.
YEAR = {
    # 履职 40-0.5 (BJ-05); 管理 30-(0.1+0.2+0.5); 重点 1.5×1+1×1+0.5×0.5;
    # 服务 相互 15×12.8/14=13.714→13.71 + 党组 15×4.6/5=13.80; 创优 省级 2.
    # 39.5+29.2+2.75+27.51+2 = 100.96
    "BGS": ("39.5", "29.2", "2.75", "27.51", "2", "100.96", 1, "优秀", 0),
    # 履职 40-0.3; 管理 30-(0.3+0.2); 重点 1.5×1+1×0.5; 相互 15×12.8/14→13.71 (HP-04's
    # self-vote ignored, 14 valid) + 党组 15×4.8/5=14.40; 39.7+29.5+2+28.11 = 99.31
    "RSK": ("39.7", "29.5", "2", "28.11", "0", "99.31", 2, "合格", 0),
    # 履职 45-(0.5+1.5), the 0.8 D03 row left out; 管理 25-0.1; 重点 1.5+1+1×0;
    # 相互 10×13/14=9.2857→9.29, 党组 10×4.6/5=9.20, 政府 5×92%=4.60, 企业 5×88%=4.40;
    # 创优 市级 1. 43+24.9+2.5+27.49+1 = 98.89
    "ZHK": ("43", "24.9", "2.5", "27.49", "1", "98.89", 3, "合格", 1),
    # 履职 45-(1+0.4); 管理 25-0.2; 重点 1.5+1+0.5; 相互 9.29, 党组 9.20,
    # 政府 5×90%=4.50, 企业 5×91.5%=4.575→4.58; 43.6+24.8+3+27.57 = 98.97
    "JDHK": ("43.6", "24.8", "3", "27.57", "0", "98.97", 2, "合格", 0),
    # 履职 45-(0.2+0.3); 管理 25-(0.3+0.1); 重点 1+1×0.5+0.5×0 (blank, K02);
    # 相互 10×12.8/14=9.142→9.14, 党组 9.60, 政府 4.30, 企业 4.50; 创优 局级 0.5
    # 44.5+24.6+1.5+27.54+0.5 = 98.64
    "QFK": ("44.5", "24.6", "1.5", "27.54", "0.5", "98.64", 4, "合格", 0),
    # 履职 45-3 (F5-03, 附件5 重大); 管理 25-0.2; 重点 1.5+1.5+1+0.5; 相互 10×13.2/14
    # =9.428→9.43, 党组 9.60, 政府 4.75, 企业 4.65; 创优 3+2+1=6 capped at 5.
    # 42+24.8+4.5+28.43+5 = 104.73: first in its series but 重大 blocks 优秀.
    "JYK": ("42", "24.8", "4.5", "28.43", "5", "104.73", 1, "合格", 0),
    # 履职 40 (F5-01's 1 point 撤销 on appeal SS-2014-01); 管理 30-0.4 (the 0.1 row is
    # 撤销); 重点 1+0.5×0.5; 相互 15×12.2/14=13.071→13.07, 党组 15×4.2/5=12.60;
    # 40+29.6+1.25+25.67 = 96.52
    "FWZX": ("40", "29.6", "1.25", "25.67", "0", "96.52", 2, "合格", 0),
    # 履职 40-0.2, the D07 row left out; 管理 30-0.3; 重点 1+1; 相互 13.07,
    # 党组 15×4.6/5=13.80; 创优 市级 1. 39.8+29.7+2+26.87+1 = 99.37
    "BJZX": ("39.8", "29.7", "2", "26.87", "1", "99.37", 1, "优秀", 1),
}


def _year_row(r):
    return (r.duty, r.management, r.key, r.service, r.excellence, r.total, r.rank,
            r.grade, r.pending)


def test_year_results(assessment):
    for code, expected in YEAR.items():
        row = assessment.result(code, "2014")
        want = tuple(D(v) for v in expected[:6]) + expected[6:]
        got = _year_row(row)
        assert got[:6] == want[:6] and got[6:] == want[6:], (code, got)


def test_every_category_nonzero_for_the_year(assessment):
    rows = [r for r in assessment.results if r.period == "2014"]
    assert len(rows) == 8
    for attr in ("duty", "management", "key", "service", "excellence"):
        assert any(getattr(r, attr) for r in rows), attr
    for r in rows:  # every section scores in the first four categories
        assert r.duty and r.management and r.key and r.service


# Quarter totals (履职 + 管理 only, base 70) and series ranks.
QUARTERS = {
    # Q1: BGS 70-0.1-0.2, RSK 70-0.3 tie; ZHK 70-0.5 and QFK 70-0.2-0.3 tie (1,2,2,4);
    # JYK's 0.3 is 撤销.
    "2014Q1": {"BGS": ("69.7", 1), "RSK": ("69.7", 1), "ZHK": ("69.5", 2), "JDHK": ("69", 4),
               "QFK": ("69.5", 2), "JYK": ("70", 1), "FWZX": ("69.6", 2), "BJZX": ("70", 1)},
    # Q2: ZHK's 0.8 (D03) left out, 70-0.1; QFK's A01 row still counts, 70-0.3; JYK 70-3.
    "2014Q2": {"BGS": ("69.5", 2), "RSK": ("69.7", 1), "ZHK": ("69.9", 1), "JDHK": ("69.8", 2),
               "QFK": ("69.7", 3), "JYK": ("67", 4), "FWZX": ("70", 1), "BJZX": ("69.8", 2)},
    # Q3: BJZX's D07 row left out, 70-0.3; FWZX's F5-01 1 point 撤销 on appeal, 70.
    "2014Q3": {"BGS": ("69.5", 2), "RSK": ("69.8", 1), "ZHK": ("68.5", 4), "JDHK": ("69.6", 3),
               "QFK": ("69.9", 1), "JYK": ("69.8", 2), "FWZX": ("70", 1), "BJZX": ("69.7", 2)},
}


def test_quarter_results(assessment):
    periods = sorted({r.period for r in assessment.results})
    assert periods == ["2014", "2014Q1", "2014Q2", "2014Q3"]
    for period, expected in QUARTERS.items():
        got = {r.code: (r.total, r.rank) for r in assessment.results if r.period == period}
        assert got == {k: (D(t), rank) for k, (t, rank) in expected.items()}, period
    assert assessment.result("ZHK", "2014Q2").pending == 1
    assert assessment.result("BJZX", "2014Q3").pending == 1
    assert assessment.result("ZHK", "2014Q1").pending == 0


def test_service_detail_rounding(assessment):
    jdhk = next(s for s in assessment.service if s.dept in ("机电化矿科", "JDHK") and s.period == "2014")
    # 相互 10×13/14 = 9.2857… → 9.29; 党组 10×4.6/5 = 9.2; 政府 5×90/100; 企业 5×91.5/100 = 4.575 → 4.58
    assert (jdhk.peer, jdhk.party, jdhk.government, jdhk.enterprise) == (
        D("9.29"), D("9.2"), D("4.5"), D("4.58"))
    assert c.Grade.EXCELLENT in {r.grade for r in assessment.results}


def test_the_two_sample_appeals():
    tables = read_tables(SAMPLE)
    a = engine.evaluate(tables)
    # SS-2014-01 撤销 2014-025 (FWZX, 1 point); SS-2014-02 维持 2014-014 (JYK 重大, 3 points)
    assert [(o.appeal.appeal_no, o.decision, o.counted) for o in a.appeals] == [
        ("SS-2014-01", "撤销", D(0)), ("SS-2014-02", "维持", D(3))]
    assert a.result("JYK", "2014").grade == "合格"          # 维持: the 重大 veto stays
    # Without the 申诉记录 sheet the deduction counts again: 96.52 - 1 = 95.52,
    # Q3 70 - 1 = 69; nothing else moves.
    del tables[c.Appeals.SHEET]
    b = engine.evaluate(tables)
    assert b.result("FWZX", "2014").total == D("95.52")
    assert b.result("FWZX", "2014Q3").total == D("69")
    moved = {(r.code, r.period) for r, s in zip(a.results, b.results) if r.total != s.total}
    assert moved == {("FWZX", "2014"), ("FWZX", "2014Q3")}
