"""相互评价 and 党组评价 ballots: empty sheets, trimming, repeated section
columns, unused pre-numbered slips.
Each test states the SPEC rule it checks; expected numbers are worked by
hand in the comments. Fixture layout: tests/engine_fixtures.py.
"""
from decimal import Decimal

from engine_fixtures import ERR, ballot, found, party_ballot, tables
from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate

# --- ballots ------------------------------------------------------------------------------

def test_empty_ballot_sheets_and_a_section_with_no_rows_anywhere():
    a = evaluate(tables(peer_header=list(c.PeerBallots.COLUMNS), party_header=list(c.PartyBallots.COLUMNS)))
    assert a.findings == []
    zhk = a.result("ZHK", "2014")
    # base points only: 45 + 25 + 0 + (0 + 0 + 0 + 0) + 0 = 70
    assert (zhk.duty, zhk.management, zhk.key, zhk.service, zhk.excellence, zhk.total) == \
        (Decimal(45), Decimal(25), Decimal(0), Decimal(0), Decimal(0), Decimal(70))


def test_trim_needs_three_valid_ballots_after_invalid_cells():
    # four ballots on 综合科 but one cell is B01 and one a self vote (B02):
    # 2 valid (满意 1, 基本满意 0.6) < 3 → no trim: 10 × 1.6 / 2 = 8.00
    peer = [ballot("2014", 1, "办公室", {"综合科": "满意"}),
            ballot("2014", 2, "人事科", {"综合科": "很好"}),
            ballot("2014", 3, "综合科", {"综合科": "满意"}),
            ballot("2014Q3", 4, "jyk", {"综合科": "基本满意"})]
    a = evaluate(tables(peer=peer, params=[["互评去掉最高最低分", "是"]]))
    assert found(a, "B01") == [(ERR, "相互评价", "F3")] and found(a, "B02") == [(ERR, "相互评价", "F4")]
    s = {r.dept: r for r in a.service}["综合科"]
    assert (s.peer, s.ballots) == (Decimal("8.00"), 2)


def test_a_ballot_column_repeating_a_section_name_exactly_is_b03_on_its_header():
    # two columns both headed 人事科 (D and K): the second is ignored like a
    # code/name repeat, but it must be named, not silently dropped
    from engine_fixtures import NAMES
    header = ["考核期", "票号"] + NAMES + ["人事科"]
    a = evaluate(tables(party=[party_ballot("2014", 1, {"人事科": "较满意"}) + ["满意"]],
                        party_header=header))
    assert found(a, "B03") == [(ERR, "党组评价", "K1")]
    assert "人事科" in a.findings[0].message
    assert {s.dept: s for s in a.service}["人事科"].party == Decimal("12.00")   # 15 × 0.8, K ignored


def test_unused_pre_numbered_ballot_slips_raise_nothing():
    # slips numbered in advance (票号 only, or 票号 and 考核期 filled down) that
    # hold no grade leave nothing out of the scores: no D06 / B03 for them
    peer = [ballot("2014", 1, "人事科", {"办公室": "满意"}),
            ballot(None, 2, None, {}), ballot("2014", 3, None, {})]
    party = [party_ballot(None, 1, {}), party_ballot("2014", 2, {"办公室": "较满意"})]
    a = evaluate(tables(peer=peer, party=party))
    assert a.findings == []
    s = {r.dept: r for r in a.service}["办公室"]
    assert (s.peer, s.party, s.ballots) == (Decimal("15.00"), Decimal("12.00"), 2)   # 15 × 1, 15 × 0.8
    # a slip with a grade is still checked: blank 投票科室 → B03, whole ballot out
    a = evaluate(tables(peer=peer + [ballot("2014", 4, None, {"办公室": "不满意"})]))
    assert found(a, "B03") == [(ERR, "相互评价", "C5")]
