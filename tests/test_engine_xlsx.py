"""A master workbook built by hand with openpyxl — columns reordered, a clerk's
own column added, numbers typed as text — read with read_tables and scored;
then what recalc writes (owned sheets, JSON) and explain()."""
import datetime as dt
import json
from decimal import Decimal

import openpyxl
import pytest

from lyciq_xl import contract as c
from lyciq_xl.engine import evaluate, owned_sheets, render_explanation, to_json
from lyciq_xl.errors import InputError
from lyciq_xl.xlsxio.reader import read_tables
from tests.engine_fixtures import NAMES, PARAMS, STANDARDS, indicator_rows, tables

CLERK = "备注"   # a clerk's own column, kept and ignored


def _sheet(book, spec, columns, rows, extra=True):
    """Write `rows` (dicts by header) under `columns` reversed, plus 备注 first."""
    ws = book.create_sheet(spec.SHEET)
    headers = ([CLERK] if extra else []) + list(reversed(columns))
    ws.append(headers)
    for row in rows:
        ws.append([("手填" if h == CLERK else row.get(h)) for h in headers])
    return headers


def _rows(columns, grid):
    return [dict(zip(columns, r)) for r in grid]


def build(path):
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, c.Params, c.Params.REQUIRED, _rows(c.Params.REQUIRED, PARAMS))
    _sheet(book, c.Sections, c.Sections.REQUIRED, _rows(c.Sections.REQUIRED, c.DEFAULT_SECTIONS))
    _sheet(book, c.Framework, c.Framework.REQUIRED, _rows(c.Framework.REQUIRED, c.DEFAULT_FRAMEWORK))
    _sheet(book, c.Indicators, c.Indicators.COLUMNS, _rows(c.Indicators.COLUMNS, indicator_rows()))
    _sheet(book, c.Standards, c.Standards.COLUMNS, _rows(c.Standards.COLUMNS, STANDARDS))
    key_cols = c.KeyTasks.COLUMNS
    _sheet(book, c.KeyTasks, key_cols, [
        {c.KeyTasks.DEPT: "综合科", c.KeyTasks.ID: "Z1", c.KeyTasks.TASK: "口岸提速",
         c.KeyTasks.POINTS: "1.5", c.KeyTasks.APPROVAL: "已审核", c.KeyTasks.COMPLETION: "完成"}])
    D = c.Deductions
    ded = [
        {D.RECORD_NO: "KF-001", D.PERIOD: "2014Q1", D.DATE: dt.datetime(2014, 2, 3), D.DEPT: "ZHK",
         D.CATEGORY: "履职绩效", D.INDICATOR: "LZ01", D.STANDARD: "BJ-1", D.REASON: "报表迟报",
         D.POINTS: "0.1", D.STATUS: "有效"},                                  # text number
        {D.RECORD_NO: "KF-002", D.PERIOD: "2014Q2", D.DATE: "2014/5/6", D.DEPT: "综合科",
         D.CATEGORY: "履职绩效", D.INDICATOR: "LZ01", D.STANDARD: "BJ-1", D.REASON: "台账缺失",
         D.POINTS: 0.2, D.STATUS: "有效"},
        {D.RECORD_NO: "KF-003", D.PERIOD: "2014Q2", D.DATE: dt.datetime(2014, 5, 7), D.DEPT: "综合科",
         D.CATEGORY: "管理绩效", D.INDICATOR: "GL01", D.STANDARD: "BJ-1", D.REASON: "误填",
         D.POINTS: 0.15, D.STATUS: "有效"},                                   # D01, row 4
        {D.RECORD_NO: "KF-004", D.PERIOD: "2014Q2", D.DATE: dt.datetime(2014, 5, 8), D.DEPT: "综合科",
         D.CATEGORY: "管理绩效", D.INDICATOR: "GL01", D.STANDARD: "BJ-1", D.REASON: "已撤回",
         D.POINTS: 2, D.STATUS: "撤销"},
    ]
    # SPEC 5's columns; section 9's optional 考核类型/专项名称 are absent here
    ded_headers = _sheet(book, D, D.COLUMNS[:D.COLUMNS.index(D.STATUS) + 1], ded)
    peer = [{c.PeerBallots.PERIOD: "2014", c.PeerBallots.BALLOT_NO: 1, c.PeerBallots.VOTER: "办公室", "综合科": "满意"},
            {c.PeerBallots.PERIOD: "2014", c.PeerBallots.BALLOT_NO: 2, c.PeerBallots.VOTER: "人事科", "综合科": "较满意"}]
    _sheet(book, c.PeerBallots, list(c.PeerBallots.COLUMNS) + NAMES, peer, extra=False)
    _sheet(book, c.PartyBallots, list(c.PartyBallots.COLUMNS) + NAMES,
           [{c.PartyBallots.PERIOD: "2014", c.PartyBallots.BALLOT_NO: 1, "综合科": "基本满意"}], extra=False)
    _sheet(book, c.External, c.External.COLUMNS,
           [{c.External.PERIOD: "2014", c.External.DEPT: "综合科", c.External.GOVERNMENT: 95,
             c.External.ENTERPRISE: "88"}])
    _sheet(book, c.Bonuses, c.Bonuses.COLUMNS,
           [{c.Bonuses.PERIOD: "2014Q3", c.Bonuses.DEPT: "综合科", c.Bonuses.ITEM: "省级表彰",
             c.Bonuses.LEVEL: "省级", c.Bonuses.POINTS: 2}])
    book.save(path)
    return ded_headers


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine") / "主工作簿.xlsx"
    headers = build(path)
    return path, headers


@pytest.fixture(scope="module")
def assessment(workbook):
    return evaluate(read_tables(workbook[0]))


def test_reordered_workbook_scores_by_header(assessment, workbook):
    _, headers = workbook
    points_col = "ABCDEFGHIJKLM"[headers.index(c.Deductions.POINTS)]
    assert points_col == "E"            # 备注, 状态, 依据文号, 考核责任部门, 扣分 …
    assert [(f.rule, f.sheet, f.cell) for f in assessment.findings] == [("D01", "扣分记录", "E4")]
    zhk = assessment.result("ZHK", "2014")
    assert zhk.duty == Decimal("44.7")          # 45 − (0.1 + 0.2)
    assert zhk.management == Decimal(25)        # KF-003 left out (D01), KF-004 revoked
    assert zhk.key == Decimal("1.5")            # 1.5 × 1
    # service: 相互 (1 + 0.8) / 2 × 10 = 9.00; 党组 0.6 × 10 = 6.00;
    #          政府 5 × 95 / 100 = 4.75; 企业 5 × 88 / 100 = 4.40 → 24.15
    assert zhk.service == Decimal("24.15")
    assert zhk.excellence == Decimal(2)
    assert zhk.total == Decimal("97.35")        # 44.7 + 25 + 1.5 + 24.15 + 2
    assert (zhk.rank, zhk.grade, zhk.pending) == (1, "优秀", 1)
    assert [str(p) for p in assessment.periods] == ["2014Q1", "2014Q2", "2014Q3", "2014"]
    assert assessment.result("ZHK", "2014Q2").pending == 1


def test_owned_sheets_formats_and_links(assessment):
    results, service, checks = owned_sheets(assessment)
    assert (results.name, service.name, checks.name) == ("考核结果", "服务评价明细", "校验结果")
    assert results.headers == c.Results.COLUMNS and checks.headers == c.Findings.COLUMNS
    assert results.number_formats["总分"] == "0.00" and service.number_formats["相互评价"] == "0.00"
    assert len(results.rows) == 4 * 8                          # Q1–Q3 and the year, 8 sections
    zhk_year = next(r for r in results.rows if r[0] == "2014" and r[1] == "ZHK")
    assert zhk_year[9] == Decimal("97.35") and zhk_year[11] == "优秀" and zhk_year[12] == 1
    assert checks.rows[0][:4] == ["错误", "扣分记录", "E4", "D01"]
    assert checks.links == {(0, "单元格"): "'扣分记录'!E4"}
    assert all(w > 0 for w in results.widths.values())


def test_json_has_exact_decimal_strings(assessment):
    data = json.loads(json.dumps(to_json(assessment), ensure_ascii=False))
    zhk = next(r for r in data["results"] if r["code"] == "ZHK" and r["period"] == "2014")
    assert zhk["total"] == "97.35" and zhk["duty"] == "44.7" and zhk["rank"] == 1
    q1 = next(r for r in data["results"] if r["code"] == "ZHK" and r["period"] == "2014Q1")
    assert q1["key"] is None and q1["duty"] == "44.9"         # 45 − 0.1
    assert data["errors"] == 1 and data["warnings"] == 0
    assert data["findings"][0]["cell"] == "E4" and "0.15" in data["findings"][0]["message"]


def test_explain_lists_every_counted_deduction(assessment):
    text = render_explanation(assessment.explain("综合科"))
    for no, std, pts in (("KF-001", "BJ-1", "0.1"), ("KF-002", "BJ-1", "0.2")):
        line = next(l for l in text.splitlines() if no in l)
        assert std in line and f"扣分 {pts}" in line
    assert "KF-004" not in text                                  # revoked
    assert "E4 [D01]" in text                                    # the row left out, with its cell
    assert "基础分 45 − 扣分合计 0.3 = 44.7" in text
    assert "Z1" in text and "分值 1.5 × 完成系数 1" in text
    assert "有效票 2 张" in text and "平均系数 0.9000" in text    # (1 + 0.8) / 2
    assert "上限 5" in text and "省级表彰" in text
    q2 = assessment.explain("ZHK", "2014Q2").text()
    assert "KF-002" in q2 and "KF-001" not in q2 and "重点绩效" not in q2.split("\n\n")[1]


def test_explain_unknown_dept_or_period_is_input_error(assessment):
    with pytest.raises(InputError, match="财务科"):
        assessment.explain("财务科")
    with pytest.raises(InputError, match="2014Q4"):
        assessment.explain("ZHK", "2014Q4")


def test_broken_configuration_is_input_error():
    t = tables()
    grid = [list(c.Standards.COLUMNS), ["X1", "本局", None, "一般", "情形", 2, 1, "履职绩效"]]
    from lyciq_xl.table import table_from_grid
    t[c.Standards.SHEET] = table_from_grid(c.Standards.SHEET, grid, c.Standards.REQUIRED)
    with pytest.raises(InputError, match="F2"):                   # 最低扣分 2 > 最高扣分 1
        evaluate(t)
    t = tables()
    del t[c.Bonuses.SHEET]
    with pytest.raises(InputError, match="创优加分"):
        evaluate(t)
