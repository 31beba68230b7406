"""Key tasks with an assessing department (SPEC 9, "Key tasks with an assessing
department"): the department's 考核填报 return writes 完成情况, the section's own
绩效填报 return writes 自评完成情况 (added to the master when absent), and a
resend of the department's return rewrites 完成情况 only while the cell still
holds what its earlier import wrote (registered in 考核导入记录).

The master is tests/assessor_fixtures.py's: 重点指标 columns A 科室 … J 考核责任部门
K 审核状态 L 完成情况, rows 2–9 = BGS-ZD-01, BGS-ZD-02, RSK-ZD-01, RSK-ZD-02,
ZHK-ZD-01 (J6 办公室: assessed by 办公室), ZHK-ZD-02 (J7 绩效办: no 科室, not
assessed), QFK-ZD-01, QFK-ZD-02; the framework names nobody for 重点绩效. So the
only assessed key task is ZHK-ZD-01, and the added column is M (13th).
综合科's section workbook lists ZHK-ZD-01 (row 2) and ZHK-ZD-02 (row 3), 完成情况
in L; 办公室's assessor workbook lists ZHK-ZD-01 in 重点指标完成情况 row 2,
完成情况 in G (科室 指标编号 重点工作事项 目标要求 完成时限 分值 完成情况).
Every expected value is a literal.
"""
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from assessor_fixtures import build_assessor_master
from lyciq_xl import contract as c
from lyciq_xl.table import table_from_grid
from lyciq_xl.xlsxio.reader import open_workbook, sheet_grid
from mail_fixtures import edit_master, fill, grid, libreoffice_resave, run_cli

PERIOD = "2014Q3"
ZHK_BOOK = f"综合科_{PERIOD}_绩效填报.xlsx"
BGS_BOOK = f"办公室_{PERIOD}_考核填报.xlsx"
KT = c.KeyTasks.SHEET
BGS_KT = c.AssessorBook.KEY_TASK_SHEET
DEADLINE = dt.date(2014, 12, 31)


def key_task_row(code, name, n, assessor="绩效办", done=None, self_done=None):
    """One 重点指标 row of tests/mail_fixtures.build_master, A–M as read back."""
    points = Decimal("1.5") if n == 1 else Decimal("0.5")
    return [name, f"{code}-ZD-0{n}", f"{name}重点事项{n}", "本局", f"{name}目标{n}", DEADLINE, points,
            f"{name}分管局长", f"{code}重点责任人{n}", assessor, "已审核", done, self_done]


UNTOUCHED = {  # master row -> the fixture's row (none of these is written)
    2: key_task_row("BGS", "办公室", 1), 3: key_task_row("BGS", "办公室", 2),
    4: key_task_row("RSK", "人事科", 1), 5: key_task_row("RSK", "人事科", 2),
    8: key_task_row("QFK", "轻纺科", 1), 9: key_task_row("QFK", "轻纺科", 2),
}
COLUMNS = list(c.KeyTasks.COLUMNS) + ["自评完成情况"]


@pytest.fixture
def setup(tmp_path):
    master = build_assessor_master(tmp_path / "主工作簿.xlsx")
    assert run_cli("distribute", master, "--period", PERIOD, "--out", tmp_path / "分发") == 0
    assert run_cli("distribute", master, "--assessors", "--period", PERIOD, "--out", tmp_path / "考核") == 0
    return master, tmp_path


def key_tasks(master) -> dict[int, list]:
    """重点指标 read back: master row -> values A–M (a missing column as None)."""
    t = table_from_grid(KT, sheet_grid(open_workbook(master), KT))
    return {r.number: [r[h] for h in COLUMNS] for r in t.rows}


def changes(master) -> list[list]:
    """回收变更 rows: 工作表 行 列 原值 新值 科室 (file left out) 指标编号 分发时值 标记."""
    rows = grid(master, c.Changes.SHEET)[1:]
    return [r[:6] + r[7:] for r in rows]


def receipt(folder, name) -> list[list]:
    return [r for r in grid(folder / name, c.ReceiptBook.SHEET) if r and r[0] in (KT, BGS_KT)]


def test_the_section_book_says_which_completion_is_a_self_assessment(setup):
    _master, tmp = setup
    guide = [r[0] for r in grid(tmp / "分发" / ZHK_BOOK, "填报说明")]
    assert guide[-1] == ("9. “重点指标”表中ZHK-ZD-01的完成情况由考核责任部门考核并报送,以其报送为准;"
                         "本表这些行填写的“完成情况”作为本科室的“自评完成情况”记录。")
    # 办公室's own key tasks have no assessing department (J2, J3 say 绩效办): no such line
    bgs_guide = [r[0] for r in grid(tmp / "分发" / "办公室_2014Q3_绩效填报.xlsx", "填报说明")]
    assert not any("自评完成情况" in line for line in bgs_guide)


def test_section_return_lands_in_self_assessment_and_leaves_the_departments_value(setup):
    master, tmp = setup
    # 办公室 assesses ZHK-ZD-01: 基本完成
    bgs = fill(tmp / "考核" / BGS_BOOK, tmp / "办公室回复", {BGS_KT: {"G2": "基本完成"}})
    assert run_cli("collect", master, bgs, "--receipts", tmp / "回执1") == 0
    # 综合科 fills both its key tasks (and its clerk re-saves in LibreOffice)
    zhk = fill(tmp / "分发" / ZHK_BOOK, tmp / "综合科回复", {KT: {"L2": "完成", "L3": "未完成"}})
    zhk = libreoffice_resave(zhk, tmp)
    assert run_cli("collect", master, zhk, "--receipts", tmp / "回执2") == 0
    assert grid(master, KT)[0] == COLUMNS                     # 自评完成情况 added as M1
    assert key_tasks(master) == {
        **UNTOUCHED,
        # L6: the department's value stays; M6: the section's own 完成
        6: key_task_row("ZHK", "综合科", 1, "办公室", "基本完成", "完成"),
        # no assessing department (绩效办 is no 科室): the section writes 完成情况, as before
        7: key_task_row("ZHK", "综合科", 2, "绩效办", "未完成", None),
    }
    assert changes(master) == [
        # 办公室's import (指标编号 as its 记录号), then 综合科's two cells; all bases blank
        [KT, 6.0, "完成情况", "", "基本完成", "办公室", "ZHK-ZD-01", "", ""],
        [KT, 6.0, "自评完成情况", "", "完成", "综合科", "ZHK-ZD-01", "", ""],
        [KT, 7.0, "完成情况", "", "未完成", "综合科", "ZHK-ZD-02", "", ""],
    ]
    lines = receipt(tmp / "回执2", "综合科_2014Q3_回执.xlsx")
    assert [line[:3] for line in lines] == [[KT, "L2", "已更新"], [KT, "L3", "已更新"]]
    assert lines[0][3] == ("该重点指标的完成情况由考核责任部门考核、以其报送为准;"
                           "本科室填写的“完成情况”已记入主工作簿的“自评完成情况”。")
    # the next distribution shows 综合科 its own self-assessment, not 办公室's 基本完成
    assert run_cli("distribute", master, "--period", PERIOD, "--out", tmp / "再分发") == 0
    again = grid(tmp / "再分发" / ZHK_BOOK, KT)
    assert [(r[1], r[11]) for r in again[1:]] == [("ZHK-ZD-01", "完成"), ("ZHK-ZD-02", "未完成")]
    # ... and 办公室 sees 综合科's self-assessment beside its own value (locked, for reference)
    assert run_cli("distribute", master, "--assessors", "--period", PERIOD, "--out", tmp / "再考核") == 0
    rows = grid(tmp / "再考核" / BGS_BOOK, BGS_KT)
    assert rows[0][6:] == ["完成情况", "自评完成情况"] and rows[1][1] == "ZHK-ZD-01"
    assert rows[1][6:] == ["基本完成", "完成"]


def test_an_office_edit_of_the_self_assessment_is_a_conflict(setup, capsys):
    """The office added 自评完成情况 itself (N, right of a clerk's own column M)
    and typed 未完成 after distributing; the section's 完成 is not imported."""
    master, tmp = setup
    edit_master(master, KT, {"M1": "备注", "M6": "绩效办的备注", "N1": "自评完成情况", "N6": "未完成"})
    zhk = fill(tmp / "分发" / ZHK_BOOK, tmp / "综合科回复", {KT: {"L2": "完成"}})
    assert run_cli("collect", master, zhk, "--receipts", tmp / "回执") == 1
    rows = grid(master, KT)
    assert rows[0] == list(c.KeyTasks.COLUMNS) + ["备注", "自评完成情况"]     # no second column
    assert rows[5][9:] == ["办公室", "已审核", "", "绩效办的备注", "未完成"]   # row 6: nothing written
    # 原值 = the master's (kept), 新值 = the returned, 分发时值 blank
    assert changes(master) == [[KT, 6.0, "自评完成情况", "未完成", "完成", "综合科", "ZHK-ZD-01", "",
                                "冲突:保留主工作簿的值"]]
    (line,) = receipt(tmp / "回执", "综合科_2014Q3_回执.xlsx")
    assert line[:3] == [KT, "L2", "冲突"] and line[4:] == ["未完成", "完成"]
    assert line[3].startswith("“自评完成情况”在分发后绩效办也改过")


def test_a_resend_after_an_office_edit_of_the_imported_completion_is_a_conflict(setup, capsys):
    master, tmp = setup
    first = fill(tmp / "考核" / BGS_BOOK, tmp / "第一次", {BGS_KT: {"G2": "基本完成"}})
    assert run_cli("collect", master, first, "--receipts", tmp / "回执1") == 0
    registry = grid(master, c.AssessorImports.SHEET)
    assert [r[:3] + [r[5]] for r in registry[1:]] == [["ZHK-ZD-01", "办公室", "2014Q3", "重点指标"]]
    edit_master(master, KT, {"L6": "完成"})                   # the office corrects it by hand
    second = fill(tmp / "考核" / BGS_BOOK, tmp / "第二次", {BGS_KT: {"G2": "未完成"}})
    capsys.readouterr()
    assert run_cli("collect", master, second, "--receipts", tmp / "回执2") == 1
    assert "冲突 1 处" in capsys.readouterr().out.splitlines()[-1]
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室", "完成")   # kept
    assert changes(master)[1:] == [[KT, 6.0, "完成情况", "完成", "未完成", "办公室", "ZHK-ZD-01", "",
                                    "冲突:保留主工作簿的值"]]
    receipts = sorted((tmp / "回执2").iterdir())
    (line,) = receipt(tmp / "回执2", receipts[0].name)
    assert line[:3] == [KT, "L6", "未导入"] and line[4:] == ["完成", "未完成"]
    assert "冲突:重点指标 ZHK-ZD-01 的完成情况未按重新报送更新,绩效办在导入后修改过该单元格" in line[3]


def test_a_resend_updates_the_completion_it_wrote_and_keeps_it_when_left_out(setup):
    master, tmp = setup
    first = fill(tmp / "考核" / BGS_BOOK, tmp / "第一次", {BGS_KT: {"G2": "基本完成"}})
    assert run_cli("collect", master, first, "--receipts", tmp / "回执1") == 0
    second = fill(tmp / "考核" / BGS_BOOK, tmp / "第二次", {BGS_KT: {"G2": "未完成"}})
    assert run_cli("collect", master, second, "--receipts", tmp / "回执2") == 0
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室", "未完成")
    assert changes(master)[1:] == [[KT, 6.0, "完成情况", "基本完成", "未完成", "办公室", "ZHK-ZD-01", "", ""]]
    # a third return with G2 blank: nothing to clear a cell with, the value stays and the receipt says so
    third = fill(tmp / "考核" / BGS_BOOK, tmp / "第三次", {BGS_KT: {"G2": None}})
    assert run_cli("collect", master, third, "--receipts", tmp / "回执3") == 0
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室", "未完成")
    (line,) = receipt(tmp / "回执3", sorted((tmp / "回执3").iterdir())[0].name)
    assert line[:3] == [KT, "L6", "提示"] and "未出现在重新报送中;主工作簿中的值保留" in line[3]
    registry = grid(master, c.AssessorImports.SHEET)
    assert len(registry) == 2                                  # one registration, updated in place


def test_explain_and_the_feedback_letter_show_the_self_assessment_beside(setup, capsys):
    master, tmp = setup
    bgs = fill(tmp / "考核" / BGS_BOOK, tmp / "办公室回复", {BGS_KT: {"G2": "基本完成"}})
    zhk = fill(tmp / "分发" / ZHK_BOOK, tmp / "综合科回复", {KT: {"L2": "完成", "L3": "完成"}})
    assert run_cli("collect", master, bgs, zhk, "--receipts", tmp / "回执") == 0
    assert run_cli("recalc", master) in (0, 1)
    capsys.readouterr()
    assert run_cli("explain", master, "综合科", "2014") == 0
    lines = capsys.readouterr().out.splitlines()
    # scored on 办公室's 基本完成 (0.5): 1.5 × 0.5 = 0.75; ZHK-ZD-02 (no department) 0.5 × 1 = 0.5
    assert "【重点绩效】得分制:Σ 分值 × 完成系数 = 1.25,上限 10,得分 1.25" in lines
    assert ("  指标编号 ZHK-ZD-01 | 第6行 | 综合科重点事项1 | 分值 1.5 × 完成系数 0.5"
            "(基本完成,自评:完成)= 0.75") in lines
    assert "  指标编号 ZHK-ZD-02 | 第7行 | 综合科重点事项2 | 分值 0.5 × 完成系数 1(完成)= 0.5" in lines
    assert run_cli("feedback", master, "--out", tmp / "反馈", "--period", "2014") == 0
    sheet = openpyxl.load_workbook(tmp / "反馈" / "综合科_2014_考核结果反馈单.xlsx").active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0] in ("ZHK-ZD-01",
                                                                                          "ZHK-ZD-02")}
    # 指标编号 分值 完成系数 重点工作事项 得分 完成情况 考核责任部门
    assert rows["ZHK-ZD-01"][5:7] == ("基本完成,自评:完成", "办公室")
    assert rows["ZHK-ZD-02"][5:7] == ("完成", "绩效办")


def test_a_later_section_return_may_change_its_own_self_assessment(setup):
    """回收变更 remembers what 综合科 itself set in 自评完成情况: its next return
    (from the same distributed file, base blank) changing it again is no conflict."""
    master, tmp = setup
    first = fill(tmp / "分发" / ZHK_BOOK, tmp / "第一次", {KT: {"L2": "完成"}})
    assert run_cli("collect", master, first, "--receipts", tmp / "回执1") == 0
    second = fill(tmp / "分发" / ZHK_BOOK, tmp / "第二次", {KT: {"L2": "基本完成"}})
    assert run_cli("collect", master, second, "--receipts", tmp / "回执2") == 0
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室", None, "基本完成")
    assert changes(master)[1:] == [
        [KT, 6.0, "自评完成情况", "完成", "基本完成", "综合科", "ZHK-ZD-01", "", ""]]


RSK_BOOK = f"人事科_{PERIOD}_考核填报.xlsx"


def test_external_and_bonus_rows_carry_their_record_number_and_resend_like_deductions(setup):
    """人事科 reports 外部评价 of 综合科 and 轻纺科 and 创优加分 of 办公室 and 人事科
    (tests/assessor_fixtures.py). Its 外部评价 sheet: A 考核期 B 科室 C 地方政府评价
    D 企业评价, rows 2 综合科, 3 轻纺科; 创优加分: A 考核期 B 科室 C 事项 D 级别 E 加分
    F 依据文号, blank rows. Incoming rows are numbered in sheet order: 外部评价, then 创优加分."""
    master, tmp = setup
    first = fill(tmp / "考核" / RSK_BOOK, tmp / "第一次", {
        "外部评价": {"C2": 90, "D2": 85},
        "创优加分": {"A2": "2014Q3", "B2": "办公室", "C2": "全省先进集体", "D2": "省级", "E2": 2,
                   "F2": "辽政发1号"}})                   # 省级 = 2 points (参数 创优:省级)
    assert run_cli("collect", master, first, "--receipts", tmp / "回执1") == 0
    assert grid(master, "外部评价") == [["考核期", "科室", "地方政府评价", "企业评价", "来源记录号"],
                                           ["2014Q3", "综合科", 90.0, 85.0, "RSK-2014Q3-001"]]
    assert grid(master, "创优加分") == [
        ["考核期", "科室", "事项", "级别", "加分", "依据文号", "来源记录号"],
        ["2014Q3", "办公室", "全省先进集体", "省级", 2.0, "辽政发1号", "RSK-2014Q3-002"]]
    edit_master(master, "外部评价", {"D2": 80})              # the office corrects 企业评价
    second = fill(tmp / "考核" / RSK_BOOK, tmp / "第二次", {
        "外部评价": {"C2": 92, "D2": 85},
        "创优加分": {"A2": "2014Q3", "B2": "办公室", "C2": "全省先进集体", "D2": "省级", "E2": 2,
                   "F2": "辽政发2号"}})
    assert run_cli("collect", master, second, "--receipts", tmp / "回执2") == 1     # a conflict
    # 外部评价: edited since the import, kept as the office left it; 创优加分: updated
    assert grid(master, "外部评价")[1] == ["2014Q3", "综合科", 90.0, 80.0, "RSK-2014Q3-001"]
    assert grid(master, "创优加分")[1] == ["2014Q3", "办公室", "全省先进集体", "省级", 2.0, "辽政发2号",
                                              "RSK-2014Q3-002"]
    marked = [r for r in changes(master) if r[-1]]
    assert [r[:2] + [r[-1]] for r in marked] == [["外部评价", 2.0, "冲突:保留主工作簿的值"]]


def test_a_new_key_task_under_a_framework_with_a_department_is_self_assessed(setup):
    """The framework's 重点绩效 row of 业务管理科室 names 办公室: a key task 综合科 adds in
    its section workbook (new row 4: B 指标编号 C 重点工作事项 G 分值 L 完成情况) has
    no 考核责任部门 of its own, so the framework's applies and its 完成 is a self-assessment."""
    master, tmp = setup
    wb = openpyxl.load_workbook(master)
    fw = wb[c.Framework.SHEET]
    who = next(cell.column for cell in fw[1] if cell.value == c.Framework.ASSESSOR)
    (row,) = [r for r in range(2, fw.max_row + 1)
              if (fw.cell(r, 1).value, fw.cell(r, 2).value) == (c.FrameworkName.BUSINESS, c.Category.KEY)]
    fw.cell(row, who).value = "办公室"
    wb.save(master)
    zhk = fill(tmp / "分发" / ZHK_BOOK, tmp / "综合科回复",
               {KT: {"B4": "ZHK-ZD-03", "C4": "新增重点事项", "G4": 1, "L4": "完成"}})
    assert run_cli("collect", master, zhk, "--receipts", tmp / "回执") == 0
    assert key_tasks(master)[10] == ["综合科", "ZHK-ZD-03", "新增重点事项", None, None, None, Decimal("1"),
                                     None, None, None, "草拟", None, "完成"]
    # ZHK-ZD-02's own cell says 绩效办 (no 科室): it overrides the framework, nobody assesses it
    zhk2 = fill(tmp / "分发" / ZHK_BOOK, tmp / "综合科回复2", {KT: {"L3": "基本完成"}})
    assert run_cli("collect", master, zhk2, "--receipts", tmp / "回执2") == 0
    assert key_tasks(master)[7][11:] == ["基本完成", None]


def test_the_departments_copy_of_the_self_assessment_is_locked_and_signed(setup):
    """H (自评完成情况) of 办公室's 重点指标完成情况 is reference only: changing it
    breaks the signature and the whole return is refused, nothing imported."""
    master, tmp = setup
    forged = fill(tmp / "考核" / BGS_BOOK, tmp / "改自评", {BGS_KT: {"G2": "基本完成", "H2": "未完成"}})
    assert run_cli("collect", master, forged, "--receipts", tmp / "回执") == 1
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室")[:12] + [None]
    lines = grid(tmp / "回执" / "办公室_2014Q3_考核填报_回执.xlsx", c.ReceiptBook.SHEET)
    assert any("锁定内容或文件属性被改动" in str(cell) for line in lines for cell in line)


def test_a_first_return_after_an_office_edit_since_distribution_is_a_conflict(setup, capsys):
    # three-way on the first import too: ZHK-ZD-01 went out blank (master L6 empty);
    # the office then types 完成 and the department returns 未完成 — both changed it
    master, tmp = setup
    edit_master(master, KT, {"L6": "完成"})
    first = fill(tmp / "考核" / BGS_BOOK, tmp / "第一次", {BGS_KT: {"G2": "未完成"}})
    capsys.readouterr()
    assert run_cli("collect", master, first, "--receipts", tmp / "回执") == 1
    assert "冲突 1 处" in capsys.readouterr().out.splitlines()[-1]
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室", "完成")   # kept
    assert changes(master) == [[KT, 6.0, "完成情况", "完成", "未完成", "办公室", "ZHK-ZD-01", "",
                                "冲突:保留主工作簿的值"]]
    (line,) = receipt(tmp / "回执", sorted((tmp / "回执").iterdir())[0].name)
    assert line[:3] == [KT, "L6", "未导入"] and line[4:] == ["完成", "未完成"]
    assert "冲突:重点指标 ZHK-ZD-01 的完成情况在分发后绩效办已修改(分发时(空白),现为“完成”" in line[3]
    # nothing imported, so nothing registered: the registry sheet is not even made
    assert c.AssessorImports.SHEET not in openpyxl.load_workbook(master).sheetnames


def test_a_first_return_leaving_the_sent_completion_keeps_the_offices_later_edit(setup):
    # ZHK-ZD-01 goes out as 基本完成; the office then changes it to 完成; the
    # department sends its copy back with 基本完成 untouched: only what the
    # department changed is applied, so the office's 完成 stands
    master, tmp = setup
    edit_master(master, KT, {"L6": "基本完成"})
    assert run_cli("distribute", master, "--assessors", "--period", PERIOD, "--out", tmp / "考核2") == 0
    edit_master(master, KT, {"L6": "完成"})
    back = fill(tmp / "考核2" / BGS_BOOK, tmp / "交回", {BGS_KT: {}})
    assert run_cli("collect", master, back, "--receipts", tmp / "回执") == 0
    assert key_tasks(master)[6] == key_task_row("ZHK", "综合科", 1, "办公室", "完成")
    assert [r for r in changes(master) if r[0] == KT] == []
