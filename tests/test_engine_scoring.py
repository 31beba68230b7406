"""Scores, hand-computed (SPEC section 4). Default framework:
行政管理/直属: 履职 40, 管理 30, 重点 10, 相互 15, 党组 15, 创优 5
业务管理:      履职 45, 管理 25, 重点 10, 相互 10, 党组 10, 政府 5, 企业 5, 创优 5
"""
import datetime as dt
from decimal import Decimal

from engine_fixtures import ballot, ded, key, party_ballot, tables
from lyciq_xl.engine import evaluate

D = dt.date


def duty(no, period, date, dept, points, standard="BJ-1", reason=None):
    return ded(no, period, date, dept, "履职绩效", "LZ01", standard, reason or f"事由{no}", points)


def mgmt(no, period, date, dept, points, standard="BJ-1", reason=None):
    return ded(no, period, date, dept, "管理绩效", "GL01", standard, reason or f"事由{no}", points)


def test_decimal_exactness_point_one_plus_point_two():
    a = evaluate(tables(deductions=[duty("R1", "2014Q1", D(2014, 1, 5), "BGS", 0.1),
                                    duty("R2", "2014Q1", D(2014, 1, 6), "BGS", 0.2)]))
    q1 = a.result("BGS", "2014Q1")
    assert q1.duty == Decimal("39.7")        # 40 − (0.1 + 0.2), not 39.699999…
    assert str(q1.duty) == "39.7"
    assert q1.total == Decimal("69.7")       # 39.7 + 30


def test_negative_duty_score_has_no_floor():
    # 21 deductions of 2 (BJ-1 maximum): 40 − 42 = −2
    rows = [duty(f"R{i}", "2014Q2", D(2014, 4, i), "RSK", 2) for i in range(1, 22)]
    a = evaluate(tables(deductions=rows))
    assert a.result("RSK", "2014Q2").duty == Decimal(-2)
    assert a.result("RSK", "2014").duty == Decimal(-2)
    assert a.result("RSK", "2014").total == Decimal(28)     # −2 + 30 + 0 + 0 + 0


def test_quarters_up_to_latest_named_and_year_row():
    # deductions only in Q1, a ballot names Q3: Q1, Q2, Q3 and the year
    a = evaluate(tables(deductions=[mgmt("R1", "2014Q1", D(2014, 2, 1), "ZHK", 1.5)],
                        party=[party_ballot("2014Q3", 1, {"综合科": "较满意"})]))
    assert [str(p) for p in a.periods] == ["2014Q1", "2014Q2", "2014Q3", "2014"]
    assert [r.period for r in a.results[::8]] == ["2014Q1", "2014Q2", "2014Q3", "2014"]
    assert [r.code for r in a.results[:8]] == ["BGS", "RSK", "ZHK", "JDHK", "QFK", "JYK", "FWZX", "BJZX"]
    q1, q2, year = a.result("ZHK", "2014Q1"), a.result("ZHK", "2014Q2"), a.result("ZHK", "2014")
    assert (q1.duty, q1.management, q1.total) == (Decimal(45), Decimal("23.5"), Decimal("68.5"))  # 25 − 1.5
    assert (q1.key, q1.service, q1.excellence, q1.grade) == (None, None, None, None)
    assert q2.management == Decimal(25) and q2.total == Decimal(70)
    # year: 45 + 23.5 + 0 + (10 × 0.8 = 8.00 party) + 0 = 76.5
    assert year.service == Decimal("8.00") and year.total == Decimal("76.50")


def test_year_row_sums_quarters_and_year_period_deductions():
    a = evaluate(tables(deductions=[
        duty("R1", "2014Q1", D(2014, 3, 1), "FWZX", 0.3),
        duty("R2", "2014Q4", D(2014, 12, 1), "FWZX", 0.4),
        mgmt("R3", "2014", D(2014, 6, 30), "FWZX", 1.2)]))
    assert a.result("FWZX", "2014Q1").duty == Decimal("39.7")       # 40 − 0.3
    assert a.result("FWZX", "2014Q2").duty == Decimal(40)
    assert a.result("FWZX", "2014Q4").management == Decimal(30)     # the year-period row is in no quarter
    year = a.result("FWZX", "2014")
    assert year.duty == Decimal("39.3")                             # 40 − 0.3 − 0.4
    assert year.management == Decimal("28.8")                       # 30 − 1.2


def test_ranking_ties_one_two_two_four_within_series():
    a = evaluate(tables(deductions=[
        duty("R1", "2014Q1", D(2014, 1, 2), "JDHK", 0.5),
        duty("R2", "2014Q1", D(2014, 1, 2), "QFK", 0.5),
        duty("R3", "2014Q1", D(2014, 1, 2), "JYK", 1)]))
    # 业务管理科室 Q1 totals: ZHK 70, JDHK 69.5, QFK 69.5, JYK 69
    ranks = {r.code: r.rank for r in a.results if r.period == "2014Q1" and r.series == "业务管理科室"}
    assert ranks == {"ZHK": 1, "JDHK": 2, "QFK": 2, "JYK": 4}
    # other series are ranked separately: BGS and RSK tie at 70 → both 1
    assert a.result("BGS", "2014Q1").rank == a.result("RSK", "2014Q1").rank == 1


def test_key_score_sum_of_points_times_coefficient_and_cap():
    a = evaluate(tables(key_tasks=[
        key("QFK", "Z1", "a", 1.5, completion="完成"),        # 1.5 × 1   = 1.5
        key("QFK", "Z2", "b", 1, completion="基本完成"),      # 1   × 0.5 = 0.5
        key("QFK", "Z3", "c", 0.5, completion="未完成"),      # 0.5 × 0   = 0
        key("QFK", "Z4", "d", 0.5, completion="基本完成")]))  # 0.5 × 0.5 = 0.25
    assert a.result("QFK", "2014").key == Decimal("2.25")
    assert a.key_task_scores[5].coefficient == Decimal("0.5")
    assert a.key_task_scores[5].score == Decimal("0.25")
    capped = evaluate(tables(key_tasks=[key("QFK", f"Z{i}", "t", 1.5) for i in range(8)]))
    assert capped.result("QFK", "2014").key == Decimal(10)   # 8 × 1.5 = 12 → cap 10


def test_service_mean_ratio_self_vote_and_half_up_rounding():
    peer = [ballot("2014", 1, "人事科", {"办公室": "满意", "人事科": "满意"}),      # self vote: B02
            ballot("2014Q2", 2, "综合科", {"办公室": "较满意"}),
            ballot("2014", 3, "轻纺科", {"办公室": "较满意"})]
    # 党组: one 基本满意 and seven 不满意 on 办公室: 15 × 0.6 / 8 = 1.125 → 1.13 (half-up)
    party = [party_ballot("2014", 1, {"办公室": "基本满意"})] + \
            [party_ballot("2014", n, {"办公室": "不满意"}) for n in range(2, 9)]
    a = evaluate(tables(peer=peer, party=party))
    s = {row.dept: row for row in a.service}["办公室"]
    # 相互: (1 + 0.8 + 0.8) / 3 × 15 = 2.6 × 5 = 13.00
    assert (s.peer, s.party) == (Decimal("13.00"), Decimal("1.13"))
    assert (s.government, s.enterprise) == (None, None)
    assert s.ballots == 11                                     # 3 peer + 8 party
    assert a.result("BGS", "2014").service == Decimal("14.13")  # 13.00 + 1.13
    # its only vote was its own
    assert {row.dept: row for row in a.service}["人事科"].peer == Decimal("0.00")


def test_trimmed_ballots_drop_one_highest_and_one_lowest():
    grades = ["满意", "较满意", "基本满意", "不满意"]
    peer = [ballot("2014", i, voter, {"综合科": g})
            for i, (voter, g) in enumerate(zip(["办公室", "人事科", "轻纺科", "检疫科"], grades), 1)]
    trimmed = evaluate(tables(peer=peer, params=[["互评去掉最高最低分", "是"]]))
    plain = evaluate(tables(peer=peer))
    def svc(a):
        return {r.dept: r for r in a.service}["综合科"]
    assert svc(trimmed).peer == Decimal("7.00")   # drop 1 and 0: (0.8 + 0.6) / 2 × 10
    assert svc(plain).peer == Decimal("6.00")     # (1 + 0.8 + 0.6 + 0) / 4 × 10
    assert svc(trimmed).ballots == 4              # valid ballots, before trimming
    two = evaluate(tables(peer=peer[:2], params=[["互评去掉最高最低分", "是"]]))
    assert svc(two).peer == Decimal("9.00")       # < 3 ballots: no trim, (1 + 0.8) / 2 × 10


def test_external_rates_half_up_and_mean_of_rows():
    a = evaluate(tables(external=[["2014", "ZHK", 86.5, "90"],
                                  ["2014Q1", "JDHK", 80, None], ["2014Q3", "JDHK", 90, None]]))
    s = {r.dept: r for r in a.service}
    assert s["综合科"].government == Decimal("4.33")    # 5 × 86.5 / 100 = 4.325 → 4.33
    assert s["综合科"].enterprise == Decimal("4.50")    # 5 × 90 / 100
    assert s["机电化矿科"].government == Decimal("4.25")  # 5 × (80 + 90) / 2 / 100


def test_excellence_capped_at_framework_points():
    a = evaluate(tables(bonuses=[["2014", "BGS", "a", "国家级", 3, None],
                                 ["2014Q1", "BGS", "b", "省级", 2, None],
                                 ["2014Q2", "BGS", "c", "市级", 1, None],
                                 ["2014", "RSK", "d", "局级", 0.5, None]]))
    assert a.result("BGS", "2014").excellence == Decimal(5)       # 3 + 2 + 1 = 6 → cap 5
    assert a.result("RSK", "2014").excellence == Decimal("0.5")


def test_grave_annex5_deduction_blocks_excellent():
    bonus = [["2014", "BGS", "a", "国家级", 3, None]]
    grave = evaluate(tables(bonuses=bonus,
                            deductions=[duty("R1", "2014Q2", D(2014, 5, 5), "BGS", 1, "F5-1")]))
    bgs = grave.result("BGS", "2014")
    assert (bgs.total, bgs.rank, bgs.grade) == (Decimal(72), 1, "合格")   # 39 + 30 + 3, rank 1, but 重大
    assert grave.result("RSK", "2014").grade == "合格"                    # rank 2 > quota 1
    minor = evaluate(tables(bonuses=bonus,
                            deductions=[mgmt("R1", "2014Q2", D(2014, 5, 5), "BGS", 1, "F5-2")]))
    assert minor.result("BGS", "2014").grade == "优秀"                    # 附件5 but 一般


def test_fail_line_and_quota():
    rows = [duty("R1", "2014Q1", D(2014, 1, 9), "JYK", Decimal("0.1"))]
    a = evaluate(tables(deductions=rows, params=[["不合格分数线", 70], ["优秀名额:业务管理科室", 2]]))
    assert a.result("JYK", "2014").total == Decimal("69.9")   # 44.9 + 25
    assert a.result("JYK", "2014").grade == "不合格"           # 69.9 < 70
    # ZHK, JDHK, QFK tie at 70 = line (not below): rank 1 ≤ quota 2 → 优秀
    assert [a.result(c, "2014").grade for c in ("ZHK", "JDHK", "QFK")] == ["优秀"] * 3
    assert all(r.grade is None for r in a.results if r.period != "2014")


def test_pending_counts_quarter_rows_vs_year_row():
    bad = Decimal("0.05")
    a = evaluate(tables(
        deductions=[
            duty("R1", "2014Q1", D(2014, 1, 9), "BGS", bad),        # Q1 + year
            duty("R2", "2014Q2", D(2014, 4, 9), "BGS", bad),        # Q2 + year
            duty("R3", "2014", D(2014, 4, 9), "BGS", bad),          # year-period: year only
            duty("R4", "2014Q9", D(2014, 4, 9), "BGS", 1),          # D06: year only
            duty("R5", "2014Q1", D(2014, 1, 9), "财务科", 1),       # D05: nowhere
            ded("R6", "2014Q2", D(2014, 4, 9), "BGS", "履职绩效", "LZ01", "BJ-1", "r6", bad,
                "撤销"),  # revoked: nowhere
        ],
        key_tasks=[key("BGS", "Z1", "t", 3)],                       # K01: year
        external=[["2014", "ZHK", 120, None]],                      # B05: ZHK year
        bonuses=[["2014", "BGS", "x", "区级", 1, None]]))           # C01: year
    assert a.result("BGS", "2014Q1").pending == 1
    assert a.result("BGS", "2014Q2").pending == 1
    assert a.result("BGS", "2014").pending == 6                     # R1 R2 R3 R4 + K01 + C01
    assert a.result("ZHK", "2014").pending == 1 and a.result("ZHK", "2014Q1").pending == 0
    assert a.result("BGS", "2014").duty == Decimal(40)              # nothing counted


def test_no_input_periods_gives_the_year_row_only():
    a = evaluate(tables())
    assert [str(p) for p in a.periods] == ["2014"] and len(a.results) == 8
    bgs = a.result("BGS", "2014")
    # 40 + 30 + 0 + (0 + 0) + 0, tied at 70 with RSK → both rank 1, quota 1 → both 优秀
    assert (bgs.total, bgs.rank, bgs.grade) == (Decimal(70), 1, "优秀")
