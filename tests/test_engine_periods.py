"""Dates and periods as clerks type them: text dates with a time, datetimes
on the quarter's boundary days, period spellings, a quarter of another year.
Each test states the SPEC rule it checks; expected numbers are worked by
hand in the comments. Fixture layout: tests/engine_fixtures.py.
"""
import datetime as dt
from decimal import Decimal

import pytest

from engine_fixtures import DED, ERR, D, found, good, party_ballot, tables
from lyciq_xl.engine import evaluate
from lyciq_xl.table import as_date

# --- dates and periods --------------------------------------------------------------------

@pytest.mark.parametrize("date", ["2014-03-31 10:30", "2014/1/1 08:00:00", "2014年3月31日 17:05",
                                  "2014年3月31号", "2014-03-31T23:59:59"])
def test_text_dates_with_a_time_on_the_quarter_boundary_days(date):
    # first and last day of 2014Q1, as text pasted from a system export
    a = evaluate(tables(deductions=[good(date=date)]))
    assert a.findings == [] and a.result("BGS", "2014Q1").duty == Decimal("39.5")   # 40 − 0.5


@pytest.mark.parametrize("date", [dt.datetime(2014, 3, 31, 23, 59, 59), dt.datetime(2014, 1, 1, 0, 0),
                                  D(2014, 1, 1), D(2014, 3, 31)])
def test_datetimes_on_the_quarter_boundary_days(date):
    a = evaluate(tables(deductions=[good(date=date)]))
    assert a.findings == [] and a.result("BGS", "2014Q1").duty == Decimal("39.5")   # 40 − 0.5


@pytest.mark.parametrize("date", [D(2013, 12, 31), dt.datetime(2014, 4, 1, 0, 0)])
def test_datetimes_just_outside_the_quarter_are_d09(date):
    a = evaluate(tables(deductions=[good(date=date)]))
    assert found(a, "D09") == [(ERR, DED, "C2")] and a.result("BGS", "2014Q1").duty == Decimal(40)


def test_text_date_with_time_is_still_checked_against_the_quarter():
    assert as_date("2014-04-01 00:00") == D(2014, 4, 1)
    assert as_date("2014-04-01T08:30:15.5") == D(2014, 4, 1)
    assert as_date("2014-04-01 上午") is None and as_date("2014-04-01 25:10") is None
    a = evaluate(tables(deductions=[good(date="2014-04-01 00:00"), good("R2", date="2013-12-31 23:59")]))
    assert found(a, "D09") == [(ERR, DED, "C2"), (ERR, DED, "C3")]


@pytest.mark.parametrize("period", ["2014q1", " 2014Q1 ", "２０１４Ｑ１", "2014 Q1", "2014Ｑ1"])
def test_period_forms_clerks_type(period):
    a = evaluate(tables(deductions=[good(period=period)]))
    assert a.findings == [] and [str(p) for p in a.periods] == ["2014Q1", "2014"]


def test_quarter_of_another_year_makes_no_result_row_and_is_pending_on_the_year():
    # 2013Q4 is D06: left out, no 2014Q4 rows; a ballot names 2014Q2
    a = evaluate(tables(deductions=[good(period="2013Q4", date=D(2013, 11, 1))],
                        party=[party_ballot("2014Q2", 1, {"人事科": "满意"})]))
    assert found(a, "D06") == [(ERR, DED, "B2")]
    assert [str(p) for p in a.periods] == ["2014Q1", "2014Q2", "2014"]
    assert [a.result("BGS", p).pending for p in ("2014Q1", "2014Q2", "2014")] == [0, 0, 1]
    q2 = a.result("RSK", "2014Q2")
    # quarter rows: 履职 + 管理 only (40 + 30), other categories blank
    assert (q2.key, q2.service, q2.excellence, q2.total, q2.grade) == (None, None, None, Decimal(70), None)
    assert a.result("RSK", "2014").service == Decimal("15.00")    # quarter ballot counts for the year: 15 × 1
