"""SPEC section 9 in the engine: 考核类型/专项名称 (D11, D15), unknown
考核责任部门 (D12), who assesses what, and 专项 deductions listed under their
专项名称 in explain and 考核结果通报.

Fixture layout (tests/engine_fixtures.py): 扣分记录 A 记录号 … I 扣分 J 考核责任部门
K 依据文号 L 状态 M 考核类型 N 专项名称; 履职管理指标 I 考核责任部门; rows from 2:
BGS LZ01, BGS GL01, RSK LZ01, RSK GL01, ZHK LZ01 … (two per section, sheet order).
"""
import datetime as dt
from decimal import Decimal

from lyciq_xl import contract as c
from lyciq_xl.annex import report
from lyciq_xl.annex.source import Source
from lyciq_xl.engine import evaluate
from lyciq_xl.engine.assessors import assignments, kind_of, split_names
from lyciq_xl.engine.records import load_inputs
from tests.engine_fixtures import ded, found, indicator_rows, key, tables

D = dt.date
ERR, WARN = "错误", "警告"


def kinded(no, reason, points, kind, special, period="2014Q3", day=D(2014, 8, 1), dept="办公室",
           category="履职绩效", indicator="LZ01"):
    return ded(no, period, day, dept, category, indicator, "BJ-1", reason, points) + [kind, special]


def test_d11_special_without_name_is_an_error_and_left_out():
    a = evaluate(tables(deductions=[
        kinded("R1", "保密检查", Decimal("0.5"), "专项考核", None),            # row 2: D11
        kinded("R2", "安全检查", Decimal("0.3"), "专项考核", "安全生产专项检查"),  # row 3: counts
    ]))
    assert found(a, "D11") == [(ERR, "扣分记录", "N2")]
    assert a.result("BGS", "2014Q3").duty == Decimal("39.7")      # 40 − 0.3 (R1 left out)
    assert a.result("BGS", "2014Q3").pending == 1


def test_d15_unknown_kind_and_kind_at_odds_with_the_period():
    a = evaluate(tables(deductions=[
        kinded("R1", "a", 1, "季考", None),                                     # unknown
        kinded("R2", "b", 1, "年度考核", None),                                 # 年度考核 on 2014Q3
        kinded("R3", "c", 1, "季度考核", None, period="2014"),                  # 季度考核 on the year
        kinded("R4", "d", Decimal("0.2"), "年度考核", None, period="2014"),      # fine
        kinded("R5", "e", Decimal("0.1"), None, None, period="2014"),           # blank: 年度考核
    ]))
    assert found(a, "D15") == [(ERR, "扣分记录", "M2"), (ERR, "扣分记录", "M3"),
                               (ERR, "扣分记录", "M4")]
    # year: 40 − 0.2 − 0.1 = 39.7; R1–R3 left out
    assert a.result("BGS", "2014").duty == Decimal("39.7")
    inp = load_inputs(tables(deductions=[kinded("R5", "e", 1, None, None, period="2014"),
                                         kinded("R6", "f", 1, None, None)]))
    assert [kind_of(d) for d in inp.deductions] == ["年度考核", "季度考核"]


def test_d12_assessor_that_is_no_section_is_a_warning_not_a_crash():
    rows = indicator_rows()
    rows[0][8] = "绩效办、办公室"            # I2: 绩效办 is no 科室
    a = evaluate(tables(indicators=rows, deductions=[kinded("R1", "x", 1, None, None)]))
    assert found(a, "D12") == [(WARN, "履职管理指标", "I2")]
    assert "“绩效办”" in next(f.message for f in a.findings if f.rule == "D12")
    assert a.result("BGS", "2014Q3").duty == Decimal("39")      # 40 − 1: still counts


def test_split_names_on_every_list_separator():
    assert split_names("办公室, 人事科，综合科、 检疫科") == ["办公室", "人事科", "综合科", "检疫科"]
    assert split_names(None) == []


def framework_with(assessors: dict[tuple[str, str, str], str]) -> list[list]:
    """指标框架 rows with a 考核责任部门 column (F); (框架, 类别, 分项) -> names."""
    return [list(f) + [assessors.get(f[:3])] for f in c.DEFAULT_FRAMEWORK]


def test_who_assesses_what_own_cell_overrides_framework_and_lists_split():
    ADMIN, BIZ = c.FrameworkName.ADMIN, c.FrameworkName.BUSINESS
    t = tables(
        key_tasks=[key("检疫科", "JYK-ZD-01", "疫情防控", 1.5),
                   key("综合科", "ZHK-ZD-01", "无纸化", 1)[:9] + ["办公室"] + ["已审核", "完成"]],
    )
    fw_rows = framework_with({
        (BIZ, "履职绩效", "履职绩效"): "综合科",
        (ADMIN, "管理绩效", "管理绩效"): "人事科",
        (BIZ, "重点绩效", "重点绩效"): "综合科",
        (BIZ, "服务绩效", "地方政府评价"): "办公室",
        (ADMIN, "创优绩效", "创优绩效"): "人事科",
        (BIZ, "创优绩效", "创优绩效"): "人事科",
    })
    from lyciq_xl.table import table_from_grid
    t[c.Framework.SHEET] = table_from_grid(
        c.Framework.SHEET, [list(c.Framework.REQUIRED) + [c.Framework.ASSESSOR]] + fw_rows,
        c.Framework.REQUIRED)
    rows = indicator_rows()
    rows[6][8] = "办公室，人事科"             # 机电化矿科 LZ01 (row 8): own cell overrides 综合科
    rows[2][8] = "人事科"                     # 人事科 LZ01: a department assessing itself
    t[c.Indicators.SHEET] = table_from_grid(
        c.Indicators.SHEET, [list(c.Indicators.COLUMNS)] + rows, c.Indicators.REQUIRED)
    got = assignments(load_inputs(t))
    assert set(got) == {"BGS", "RSK", "ZHK"}
    assert sorted(got["ZHK"].indicators) == [("JYK", "履职绩效", "LZ01"), ("QFK", "履职绩效", "LZ01"),
                                             ("ZHK", "履职绩效", "LZ01")]
    assert sorted(got["BGS"].indicators) == [("JDHK", "履职绩效", "LZ01")]
    assert sorted(got["RSK"].indicators) == [
        ("BGS", "管理绩效", "GL01"), ("BJZX", "管理绩效", "GL01"), ("FWZX", "管理绩效", "GL01"),
        ("JDHK", "履职绩效", "LZ01"), ("RSK", "履职绩效", "LZ01"), ("RSK", "管理绩效", "GL01")]
    assert sorted(got["ZHK"].key_tasks) == [("JYK", "JYK-ZD-01")]        # framework 重点绩效
    assert sorted(got["BGS"].key_tasks) == [("ZHK", "ZHK-ZD-01")]        # own cell
    assert got["BGS"].external == {"ZHK", "JDHK", "QFK", "JYK"}          # 业务管理科室 only
    assert got["RSK"].bonuses == {s for s, _n, _r in c.DEFAULT_SECTIONS}
    assert got["ZHK"].external == set() and got["ZHK"].bonuses == set()


def special_master():
    return tables(deductions=[
        kinded("R1", "涉密文件未按规定存放", Decimal("0.5"), "专项考核", "保密专项检查"),
        kinded("R2", "迟报材料", Decimal("0.2"), None, None),
        kinded("R3", "燃气管道", Decimal("1"), "专项考核", "安全生产专项检查", dept="综合科"),
        kinded("R4", "消防通道堵塞", Decimal("0.3"), "专项考核", "安全生产专项检查"),
    ])


def test_explain_lists_special_deductions_under_their_name():
    text = evaluate(special_master()).explain("办公室", "2014Q3").text()
    lines = text.splitlines()
    # 40 − (0.5 + 0.2 + 0.3) = 39
    assert "【履职绩效】扣分制:基础分 40 − 扣分合计 1 = 39(扣分不设下限)" in lines
    i = lines.index("  专项考核「保密专项检查」:扣分 0.5")
    assert lines[i + 1].startswith("    记录号 R1 ")
    j = lines.index("  专项考核「安全生产专项检查」:扣分 0.3")
    assert lines[j + 1].startswith("    记录号 R4 ")
    ordinary = [line for line in lines if line.startswith("  记录号 ")]
    assert len(ordinary) == 1 and ordinary[0].startswith("  记录号 R2 ")


def test_report_has_a_block_of_special_deductions():
    t = special_master()
    doc = report.build(Source.from_tables(t), evaluate(t))
    block = next(b for b in doc.blocks if b.heading and "专项考核扣分" in b.heading)
    assert block.heading == "三、专项考核扣分"
    assert [line.cells[:2] + line.cells[4:] for line in block.lines] == [
        ["保密专项检查", "办公室", "涉密文件未按规定存放", Decimal("0.5")],
        ["安全生产专项检查", "办公室", "消防通道堵塞", Decimal("0.3")],
        ["安全生产专项检查", "综合科", "燃气管道", Decimal("1")],
    ]
    assert block.merges == [(0, 1, 2)]       # one 专项名称 cell over its two rows


def test_sample_shows_special_assessments_and_real_assessors():
    from lyciq_xl.sample import SAMPLE_PATH
    from lyciq_xl.xlsxio.reader import read_tables
    a = evaluate(read_tables(SAMPLE_PATH))
    assert found(a, "D12") == [] and found(a, "D11") == [] and found(a, "D15") == []
    text = a.explain("办公室", "2014Q3").text()
    # sample_data: BGS 2014Q3 BJ-04 0.5 under 保密专项检查
    assert "  专项考核「保密专项检查」:扣分 0.5" in text.splitlines()
    text = a.explain("机关服务中心", "2014Q1").text()
    assert "  专项考核「财务资产专项检查」:扣分 0.4" in text.splitlines()   # BJ-06, 0.4 points
    assert set(assignments(a.inputs)) == {"BGS", "RSK", "ZHK"}          # 办公室, 人事科, 综合科
