"""The sample master's individual part (lyciq_xl.sample_staff): recalc gives
these results, worked out by hand from the sample's records, and exactly
its planted mistakes."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate
from lyciq_xl.xlsxio.reader import read_tables


def assess_file(path):
    return evaluate(read_tables(path))


@pytest.fixture(scope="module")
def sample(sample_master):
    return assess_file(sample_master)


def annual(a, pid):
    return next(p for p in a.individual.people if p.person.id == pid)


def test_sample_staff_and_rows(sample):
    ind = sample.individual
    assert len(ind.people) == 50
    # 48 people in post all year × 12 months + 卜晓燕 April–December 9 + 严春华
    # January–August 8 = 593 month rows, and 50 annual rows
    assert sum(len(p.months) for p in ind.people) == 593
    assert set(ind.latest.values()) == {12}


def test_sample_planted_mistakes(sample):
    got = [(f.level, f.sheet, f.cell, f.rule) for f in sample.findings if f.rule.startswith("P")]
    assert got == [                               # in sheet order
        ("警告", "人员", "B10", "P07"),             # 倪建平 has no July review
        ("警告", "人员", "B27", "P08"),             # 陶文静 and 韦国栋 tie (quota 1)
        ("警告", "个人指标", "H93", "P10"),         # BJZX02-2 is 草拟, used in October
        ("错误", "个人扣加分", "E49", "P04"),       # 邵佳琪 分值 0.25
        ("错误", "个人扣加分", "C71", "P02"),       # 尤春燕 个人指标编号 JDHK02-9
        ("错误", "个人扣加分", "A154", "P05"),      # 卜晓燕 2014-02, before she joined in April
        ("错误", "个人月度评定", "C277", "P06"),    # 姚明杰 June graded 良
    ]


def test_the_quota_tie(sample):
    # 轻纺科 (合格): 6 × 0.2 = 1.2 -> 1. The tied pair: 3 deductions of 0.2 and a bonus
    # of 1: (12 × 100 − 0.6 + 1) / 12 = 1200.4 / 12 = 100.0333 -> 100.03, both rank 1
    for pid, decided in (("QFK01", "优秀"), ("QFK02", "称职")):
        p = annual(sample, pid)
        assert (p.score, p.proposed, p.decided, p.rank) == (D("100.03"), "称职", decided, 1)
    assert sample.individual.quotas["QFK"].quota == 1


def test_the_person_in_trouble(sample):
    # 鲁振东: March–May 100 − 25 = 75, graded 较差 by the head; the rest 100:
    # (9 × 100 + 3 × 75) / 12 = 1125 / 12 = 93.75; 3 较差 months -> 不称职 (decided so)
    p = annual(sample, "JYK08")
    assert (p.score, p.poor_months, p.proposed, p.decided, p.rank) == (D("93.75"), 3, "不称职",
                                                                        "不称职", 8)


def test_one_poor_month_and_the_excellent_of_zhk(sample):
    # 夏志军: 3 × 0.2 deducted, 1 added: 1200.4 / 12 = 100.03, rank 1 — but September
    # graded 较差 by the head -> 基本称职. So 优秀 goes to 任海涛: 3 × 0.5 deducted,
    # 1 added: 1199.5 / 12 = 99.958 -> 99.96, first of the eligible (7 × 0.2 -> quota 1)
    zhk06, zhk02 = annual(sample, "ZHK06"), annual(sample, "ZHK02")
    assert (zhk06.score, zhk06.proposed, zhk06.rank) == (D("100.03"), "基本称职", 1)
    assert (zhk02.score, zhk02.proposed, zhk02.rank) == (D("99.96"), "优秀", 2)


def test_joined_and_left_mid_year(sample):
    # 卜晓燕 April–December: (9 × 100 − 0.6 + 1) / 9 = 900.4 / 9 = 100.044 -> 100.04;
    # her February row (P05) is 待核 on the annual row only
    p = annual(sample, "FWZX05")
    assert ([m.month for m in p.months], p.score, p.proposed, p.pending) == (
        list(range(4, 13)), D("100.04"), "优秀", 1)
    # 严春华 left after August: (8 × 100 − 0.6 + 1) / 8 = 800.4 / 8 = 100.05
    p = annual(sample, "BJZX06")
    assert ([m.month for m in p.months], p.score, p.proposed) == (list(range(1, 9)), D("100.05"), "优秀")


def test_blank_master_has_the_empty_individual_sheets(tmp_path):
    from lyciq_xl import sample
    path = tmp_path / "空白.xlsx"
    sample.create(path, blank=True)
    tables = read_tables(path)
    for spec in c.INDIVIDUAL_SHEETS:
        assert tuple(tables[spec.SHEET].columns) == spec.COLUMNS
        assert tables[spec.SHEET].rows == []
    a = assess_file(path)
    assert a.individual is not None and a.individual.people == []
