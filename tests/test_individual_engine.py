"""Individual performance (SPEC section 8): scores, grades, quota and rules
P01…P11 on hand-built tables. Every expected number is worked out by hand
in the comments."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from engine_fixtures import ded
from individual_fixtures import annual, assess, found, person, pind, rec, rev, rows_of

ERR, WARN = "错误", "警告"

# 7 staff in 机电化矿科. One section deduction puts it below 综合科, 轻纺科 and
# 检疫科 (45 − 1 + 25 = 69 against 70): annual 等次 合格, so the ratio is 20 %.
JDHK_STAFF = [
    person("J1", "张一", "JDHK"),
    person("J2", "张二", "JDHK"),
    person("J3", "张三", "JDHK"),
    person("J4", "张四", "JDHK", start="2014-03"),                  # joined in March
    person("J5", "张五", "JDHK", status="离岗", end="2014-06"),     # left after June
    person("J6", "张六", "JDHK"),
    person("J7", "张七", "JDHK"),
]
JDHK_RECORDS = [
    rec("2014-09", "J1", "J1-1", "扣分", 0.9),      # the section's latest month: 9
    rec("2014-03", "J2", "J2-1", "扣分", 1.8),
    rec("2014-05", "J3", "J3-1", "扣分", 1),
    rec("2014-05", "J3", "J3-1", "扣分", 0.8),
    rec("2014-04", "J4", "J4-1", "扣分", 1.4),
    rec("2014-02", "J5", "J5-1", "扣分", 1.2),
]
JDHK_REVIEWS = [rev("2014-01", "J6", "较差"), rev("2014-02", "J6", "较差"),
                rev("2014-03", "J6", "较差"), rev("2014-05", "J7", "较差")]


@pytest.fixture(scope="module")
def jdhk():
    return assess(staff=JDHK_STAFF, records=JDHK_RECORDS, monthly=JDHK_REVIEWS,
                  yearly=[annual(2014, "J2", "优秀")],
                  deductions=[ded("R1", "2014Q1", "2014-02-01", "JDHK", "履职绩效", "LZ01",
                                  "BJ-1", "未按时完成", 1)])


def annual_row(a, pid):
    return rows_of(a, pid)[-1]


def test_section_grade_feeds_the_ratio_and_the_quota_floors(jdhk):
    assert jdhk.result("JDHK", "2014").grade == "合格"
    q = jdhk.individual.quotas["JDHK"]
    # 7 counted staff × 0.2 = 1.4 -> floor 1
    assert (q.section_grade, q.ratio, q.staff, q.quota) == ("合格", D("0.2"), 7, 1)


def test_latest_month_9_limits_the_counted_months(jdhk):
    # J1: months 1–9 counted (latest month 9 from J1's own September row)
    periods = [r[0] for r in rows_of(jdhk, "J1")]
    assert periods == [f"2014-{m:02d}" for m in range(1, 10)] + ["2014"]
    september = rows_of(jdhk, "J1")[8]
    # 100 − 0.9 + 0 = 99.1 -> 好 (≥ 95)
    assert september[4:9] == [D(100), D("0.9"), D(0), D("99.1"), "好"]


def test_joined_in_march_and_left_in_june(jdhk):
    j4, j5 = rows_of(jdhk, "J4"), rows_of(jdhk, "J5")
    assert [r[0] for r in j4] == [f"2014-{m:02d}" for m in range(3, 10)] + ["2014"]
    assert [r[0] for r in j5] == [f"2014-{m:02d}" for m in range(1, 7)] + ["2014"]
    # J4: 7 months, April 98.6: (6 × 100 + 98.6) / 7 = 698.6 / 7 = 99.8
    assert j4[-1][5:8] == [D("1.4"), D(0), D("99.80")]
    # J5: 6 months, February 98.8: (5 × 100 + 98.8) / 6 = 598.8 / 6 = 99.8
    assert j5[-1][5:8] == [D("1.2"), D(0), D("99.80")]


def test_annual_grades_ranks_and_decided(jdhk):
    # columns: 得分, 等次, 确定等次, 科室内排名, 待核
    got = {pid: annual_row(jdhk, pid)[7:12] for pid in ("J1", "J2", "J3", "J4", "J5", "J6", "J7")}
    assert got == {
        # (8 × 100 + 99.1) / 9 = 899.1 / 9 = 99.9; 2 ahead of it (J6, J7 at 100) -> rank 3;
        # first of the eligible, within the quota of 1 -> 优秀
        "J1": [D("99.90"), "优秀", None, 3, 0],
        # March 100 − 1.8 = 98.2: 898.2 / 9 = 99.8 -> 称职; the head decided 优秀 (kept)
        "J2": [D("99.80"), "称职", "优秀", 4, 0],
        # May 100 − 1 − 0.8 = 98.2: 99.8 -> 称职
        "J3": [D("99.80"), "称职", None, 4, 0],
        "J4": [D("99.80"), "称职", None, 4, 0],
        "J5": [D("99.80"), "称职", None, 4, 0],
        # every month 100, but 3 months graded 较差 by the head (≥ 3) -> 不称职
        "J6": [D("100.00"), "不称职", None, 1, 0],
        # one 较差 month (May) -> 基本称职
        "J7": [D("100.00"), "基本称职", None, 1, 0],
    }


def test_head_grade_overrides_the_computed_one(jdhk):
    j6_january = rows_of(jdhk, "J6")[0]
    assert j6_january[7:9] == [D(100), "较差"]         # computed 好, the head wrote 较差


def test_p07_for_every_counted_month_without_review(jdhk):
    # months without a 个人月度评定 row: J1 9, J2 9, J3 9, J4 7, J5 6, J6 9 − 3 = 6,
    # J7 9 − 1 = 8 -> 54, each on the person's 姓名 cell in 人员
    p07 = found(jdhk, "P07")
    assert len(p07) == 54
    assert p07[0] == (WARN, "人员", "B2")
    assert not found(jdhk, "P08")                  # one decided 优秀, quota 1


# --- the 加分 cap, a 基本称职 and a 不称职 by score (办公室, 等次 优秀: 25 %) ---------

@pytest.fixture(scope="module")
def bgs():
    staff = [person("B1", "李一", "BGS"), person("B2", "李二", "BGS"),
             person("B3", "李三", "BGS"), person("B4", "李四", "BGS")]
    records = [
        rec("2014-01", "B1", "B1-1", "加分", 3, "获市级表彰"),
        rec("2014-01", "B1", "B1-1", "加分", 2.5, "信息被省局采用"),
        rec("2014-01", "B1", "B1-1", "扣分", 1.2, "公文差错"),
        rec("2014-01", "B2", "B2-1", "扣分", 25, "严重失误"),
        rec("2014-01", "B3", "B3-1", "扣分", 45, "重大失误"),
    ]
    reviews = [rev("2014-01", "B1", "好"), rev("2014-01", "B2", "一般"),
               rev("2014-01", "B3"), rev("2014-01", "李四", "好")]   # 姓名 unique in the bureau
    return assess(staff=staff, records=records, monthly=reviews)


def test_bonus_cap(bgs):
    # claimed 3 + 2.5 = 5.5, capped at 5: 100 − 1.2 + 5 = 103.8 -> 好
    assert rows_of(bgs, "B1")[0][4:9] == [D(100), D("1.2"), D(5), D("103.8"), "好"]
    p = bgs.individual.person("B1")
    assert p.months[0].bonus_claimed == D("5.5")


def test_grades_by_score(bgs):
    q = bgs.individual.quotas["BGS"]
    assert (q.section_grade, q.staff, q.quota) == ("优秀", 4, 1)     # 4 × 0.25 = 1
    got = {pid: annual_row(bgs, pid)[7:11] for pid in ("B1", "B2", "B3", "B4")}
    assert got == {
        "B1": [D("103.80"), "优秀", None, 1],     # eligible rank 1 ≤ quota 1
        # 100 − 25 = 75: head graded 一般 (no 较差 month) but 75 < 80 -> 基本称职
        "B2": [D("75.00"), "基本称职", None, 3],
        # 100 − 45 = 55 < 60 -> 不称职
        "B3": [D("55.00"), "不称职", None, 4],
        "B4": [D("100.00"), "称职", None, 2],     # eligible rank 2 > quota 1
    }
    assert rows_of(bgs, "B3")[0][8] == "较差"      # blank 评定等次: computed (55 < 80)
    assert not found(bgs, "P07")


# --- a tie at the quota boundary (轻纺科, 优秀: 4 × 0.25 = 1) ---------------------------

def test_tie_at_the_quota_boundary():
    staff = [person("Q1", "赵一", "QFK"), person("Q2", "赵二", "QFK"),
             person("Q3", "赵三", "QFK"), person("Q4", "赵四", "QFK")]
    records = [rec("2014-01", "Q3", "Q3-1", "扣分", 1), rec("2014-01", "Q4", "Q4-1", "扣分", 2)]
    a = assess(staff=staff, records=records,
               monthly=[rev("2014-01", pid) for pid in ("Q1", "Q2", "Q3", "Q4")])
    # Q1 = Q2 = 100 share rank 1; 1 + 2 − 1 = 2 > quota 1: neither is proposed 优秀
    got = {pid: annual_row(a, pid)[7:11] for pid in ("Q1", "Q2", "Q3", "Q4")}
    assert got == {"Q1": [D("100.00"), "称职", None, 1], "Q2": [D("100.00"), "称职", None, 1],
                   "Q3": [D("99.00"), "称职", None, 3], "Q4": [D("98.00"), "称职", None, 4]}
    p08 = [f for f in a.findings if f.rule == "P08"]
    assert [(f.level, f.sheet, f.cell) for f in p08] == [(WARN, "人员", "B2")]
    assert "赵一(Q1)、赵二(Q2)" in p08[0].message


def test_no_staff_sheet_no_individual_part():
    from engine_fixtures import tables
    from lyciq_xl.engine import evaluate, owned_sheets
    a = evaluate(tables())
    assert a.individual is None
    assert [s.name for s in owned_sheets(a)] == ["考核结果", "服务评价明细", "校验结果"]


# --- every P rule with its cell ---------------------------------------------------------

STAFF = [
    person("Z1", "王一", "RSK"),                          # row 2
    person("Z2", "王二", "人事科", status="离岗"),        # row 3: no month in post
    person("Z3", "王三", "不存在科"),                      # row 4: P11 科室 C4
    person("Z4", "王四", "RSK", start="2014-13"),          # row 5: P11 起始月份 G5
    person("Z5", "王五", "RSK", status="病休"),            # row 6: P11 状态 F6
    person("Z6", "王六", "RSK"),                          # row 7: P11 duplicate A7
    person("Z6", "王六六", "RSK"),                        # row 8: P11 duplicate A8
    person("Z7", "王一", "RSK"),                          # row 9: 王一 twice in 人事科
    person("Z8", "赵八", "RSK", start="2014-05", end="2014-03"),   # row 10: P11 H10
]
INDICATORS = [
    pind("RSK", "Z1", "Z1-1"),                            # row 2
    pind("RSK", "Z1", "Z1-2", "LZ99"),                    # row 3: P03 E3
    pind("BGS", "Z1", "Z1-3"),                            # row 4: P01 B4 (not of 办公室)
    pind("RSK", "王一", "X-1"),                           # row 5: P01 B5 (ambiguous)
    pind("无此科", "Z1", "Z1-4"),                         # row 6: P01 A6 (科室 unknown)
    pind("RSK", "Z1", "Z1-5", "GL01", approval="草拟"),   # row 7: P10 H7 when used
    pind("RSK", "Z7", "Z7-1"),                            # row 8
]
RECORDS = [
    rec("2014-01", "Z1", "Z1-1", "扣分", 0.5),             # row 2: counts
    rec("2014-01", "Z1", "Z1-2", "扣分", 1),               # row 3: P02 C3 (Z1-2 is in error)
    rec("2014-01", "Z1", "Z1-1", "扣分", 0.05),            # row 4: P04 E4
    rec("2014-01", "Z1", "Z1-1", "奖励", 1),               # row 5: P04 D5
    rec("2014-01", "Z1", "Z1-1", "扣分", 1, status="作废"),  # row 6: P04 H6
    rec("2014年13月", "Z1", "Z1-1", "扣分", 1),            # row 7: P05 A7 (malformed)
    rec("2013-12", "Z1", "Z1-1", "扣分", 1),               # row 8: P05 A8 (other year)
    rec("2014-01", "Z2", "Z1-1", "扣分", 1),               # row 9: P05 A9 (离岗) + P02 C9
    rec("2014-01", "Z9", "Z1-1", "扣分", 1),               # row 10: P01 B10 (unknown)
    rec("2014-01", "王一", "Z1-1", "扣分", 1),             # row 11: P01 B11 (ambiguous)
    rec("2014-02", "Z1", "Z1-5", "扣分", 1),               # row 12: counts; P10; latest 2
    rec("2014-01", "Z1", "Z1-1", "扣分", 9, status="撤销"),  # row 13: ignored
    rec("2014-01", "Z6", "Z1-1", "扣分", 1),               # row 14: P01 B14 (rejected id)
]
MONTHLY = [
    rev("2014-01", "Z1", "好"),                            # row 2
    rev("2014-02", "Z1", "优"),                            # row 3: P06 C3
    rev("2014-01", "Z7", "一般"),                          # row 4: P09 A4
    rev("2014-01", "Z7", "好"),                            # row 5: P09 A5
    rev("2015-01", "Z1"),                                  # row 6: P05 A6
]
YEARLY = [
    annual(2014, "Z1", "优秀"),                            # row 2: over the quota 0 -> P08 C2
    annual(2014, "Z7", "良好"),                            # row 3: P06 C3, P09 B3
    annual(2013, "Z1", "称职"),                            # row 4: another year: ignored
    annual("二〇一四", "Z1"),                              # row 5: P05 A5
    annual(2014, "Z7", "称职"),                            # row 6: P09 B6
]


@pytest.fixture(scope="module")
def bad():
    return assess(staff=STAFF, indicators=INDICATORS, records=RECORDS, monthly=MONTHLY,
                  yearly=YEARLY)


def test_every_p_rule_names_its_cell(bad):
    got = sorted((f.rule, f.level, f.sheet, f.cell) for f in bad.findings if f.rule.startswith("P"))
    assert got == sorted([
        ("P01", ERR, "个人指标", "B4"), ("P01", ERR, "个人指标", "B5"), ("P01", ERR, "个人指标", "A6"),
        ("P01", ERR, "个人扣加分", "B10"), ("P01", ERR, "个人扣加分", "B11"),
        ("P01", ERR, "个人扣加分", "B14"),
        ("P02", ERR, "个人扣加分", "C3"), ("P02", ERR, "个人扣加分", "C9"),
        ("P03", ERR, "个人指标", "E3"),
        ("P04", ERR, "个人扣加分", "E4"), ("P04", ERR, "个人扣加分", "D5"),
        ("P04", ERR, "个人扣加分", "H6"),
        ("P05", ERR, "个人扣加分", "A7"), ("P05", ERR, "个人扣加分", "A8"),
        ("P05", ERR, "个人扣加分", "A9"), ("P05", ERR, "个人月度评定", "A6"),
        ("P05", ERR, "个人年度评定", "A5"),
        ("P06", ERR, "个人月度评定", "C3"), ("P06", ERR, "个人年度评定", "C3"),
        # 人事科 2014-02 for 王一(Z7): no row at all (January has two, in error)
        ("P07", WARN, "人员", "B9"),
        # 人事科 (优秀): 2 counted staff × 0.25 = 0.5 -> quota 0; Z1 decided 优秀
        ("P08", WARN, "个人年度评定", "C2"),
        ("P09", ERR, "个人月度评定", "A4"), ("P09", ERR, "个人月度评定", "A5"),
        ("P09", ERR, "个人年度评定", "B3"), ("P09", ERR, "个人年度评定", "B6"),
        ("P10", WARN, "个人指标", "H7"),
        ("P11", ERR, "人员", "C4"), ("P11", ERR, "人员", "G5"), ("P11", ERR, "人员", "F6"),
        ("P11", ERR, "人员", "A7"), ("P11", ERR, "人员", "A8"), ("P11", ERR, "人员", "H10"),
    ])


def test_messages_are_chinese_and_say_how_to_fix(bad):
    by_cell = {(f.sheet, f.cell, f.rule): f.message for f in bad.findings}
    assert by_cell[("个人扣加分", "B11",
                    "P01")].startswith("人员不存在、不唯一或不属于该行的科室:人员“王一”:")
    assert "2人重名" in by_cell[("个人扣加分", "B11", "P01")]
    assert "已离岗且无截止月份" in by_cell[("个人扣加分", "A9", "P05")]
    assert "见规则P11" in by_cell[("个人扣加分", "B14", "P01")]
    assert by_cell[("人员", "H10", "P11")].endswith("(起始不晚于截止)。")


def test_bad_rows_are_left_out_and_counted_as_pending(bad):
    # Z1: January 100 − 0.5 = 99.5 (好 by the head), February 100 − 1 = 99 (computed 好:
    # its 评定 row is P06); annual (99.5 + 99) / 2 = 99.25
    z1 = rows_of(bad, "Z1")
    assert [r[0] for r in z1] == ["2014-01", "2014-02", "2014"]
    # 待核 January: 个人扣加分 rows 3, 4, 5, 6 -> 4; February: 评定 row 3 -> 1;
    # annual: those 5 + 个人指标 row 3 + 扣加分 rows 7, 8 + 评定 row 6 + 年度 row 5 = 10
    assert [r[7:9] + r[11:] for r in z1] == [[D("99.5"), "好", 4], [D(99), "好", 1],
                                             [D("99.25"), "称职", 10]]
    assert z1[-1][9] == "优秀"                      # decided, kept although over the quota
    # Z7: January rows 4, 5 (P09) -> 2; annual + 年度 rows 3, 6 -> 4
    z7 = rows_of(bad, "Z7")
    assert [r[11] for r in z7] == [2, 0, 4]
    assert z7[0][8] == "好"                         # both 评定 rows left out: computed
    assert [p.person.id for p in bad.individual.people] == ["Z1", "Z7"]
