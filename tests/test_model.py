import datetime as dt
from decimal import Decimal

import pytest

from lyciq_xl import contract
from lyciq_xl.errors import InputError
from lyciq_xl.model import Period, load_framework, load_sections, load_settings
from lyciq_xl.table import table_from_grid


def test_period_parse_and_bounds():
    q3 = Period.parse("2014Q3")
    assert (q3.year, q3.quarter) == (2014, 3)
    assert (q3.first_day, q3.last_day) == (dt.date(2014, 7, 1), dt.date(2014, 9, 30))
    assert q3.deadline == dt.date(2014, 10, 5)
    assert Period.parse("2014q4").deadline == dt.date(2015, 1, 5)
    assert Period.parse(Decimal(2014)).is_year
    assert Period.parse("2014Q5") is None and Period.parse("14Q1") is None
    assert str(Period.parse(" 2014Q1 ")) == "2014Q1"


def test_sections_resolve_by_name_or_code():
    t = table_from_grid("科室", [list(contract.Sections.COLUMNS)] + [
        [c, n, s, None, None, None] for c, n, s in contract.DEFAULT_SECTIONS])
    index = load_sections(t)
    assert index.resolve("办公室").code == "BGS"
    assert index.resolve("jdhk").name == "机电化矿科"
    assert index.resolve("财务科") is None
    assert [s.code for s in index.in_series(contract.Series.AFFILIATED)] == ["FWZX", "BJZX"]


def test_sections_bad_series_is_input_error():
    t = table_from_grid("科室", [list(contract.Sections.COLUMNS), ["X", "某科", "科室", None, None, None]])
    with pytest.raises(InputError, match="C2"):
        load_sections(t)


def test_settings_and_framework_defaults():
    rows = [["年度", 2014], ["评价:满意", 1], ["评价:较满意", 0.8], ["完成系数:完成", 1],
            ["创优:国家级", 3], ["优秀名额：业务管理科室", 2]]
    s = load_settings(table_from_grid("参数", [["参数", "值"]] + rows))
    assert s.year == 2014 and s.ratings["较满意"] == Decimal("0.8")
    assert s.quotas[contract.Series.BUSINESS] == 2 and s.quotas[contract.Series.ADMIN] == 1
    assert s.fail_line == Decimal(60) and s.trim_ballots is False
    fw = load_framework(table_from_grid("指标框架", [list(contract.Framework.REQUIRED)] +
                                        [list(r) for r in contract.DEFAULT_FRAMEWORK]))
    business = fw[contract.FrameworkName.BUSINESS]
    assert business.points("服务绩效") == Decimal(30)   # 10 + 10 + 5 + 5
    assert business.service_items["企业评价"] == Decimal(5)
    assert fw[contract.FrameworkName.ADMIN].points("履职绩效") == Decimal(40)
