"""`distribute --assessors`: one signed 考核填报 workbook per assessing department
(SPEC section 9), holding exactly what it assesses — checked by decompressing
every part — with validated input rows, and its e-mail over a real SMTP server.

Assignments are worked out by hand in tests/assessor_fixtures.py.
"""
import json
import zipfile

import openpyxl
import pytest
import python_calamine

from lyciq_xl import contract as c
from lyciq_xl.mail import assessor_book, integrity
from tests.assessor_fixtures import build_assessor_master
from tests.mail_fixtures import SECRET, SECTIONS, libreoffice_resave, run_cli, smtp_server

PERIOD = "2014Q3"
QFK_BOOK, RSK_BOOK, BGS_BOOK = (f"{n}_{PERIOD}_考核填报.xlsx" for n in ("轻纺科", "人事科", "办公室"))


@pytest.fixture
def books(tmp_path):
    master = build_assessor_master(tmp_path / "主工作簿.xlsx")
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--assessors", "--period", PERIOD, "--out", out) == 0
    return master, out


def blob(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def grid(path, sheet):
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def every_id() -> set[str]:
    ids = set()
    for code, *_ in SECTIONS:
        ids |= {f"{code}-LZ-0{n}" for n in (1, 2, 3)} | {f"{code}-ZD-0{n}" for n in (1, 2)} | {f"{code}-R1"}
    return ids


def test_one_book_per_assessing_department_and_its_draft(books):
    _master, out = books
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [QFK_BOOK, RSK_BOOK, BGS_BOOK] +
        [f"{n}_{PERIOD}_考核填报邮件.eml" for n in ("轻纺科", "人事科", "办公室")])


def test_a_department_assessing_two_sections_sees_exactly_those_two(books):
    _master, out = books
    path = out / QFK_BOOK
    assert python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names == [
        "填报说明", "考核指标", "扣分标准", "扣分填报"]
    rows = grid(path, "考核指标")
    assert [r[:3] for r in rows[1:]] == [["办公室", "履职绩效", "BGS-LZ-02"], ["综合科", "履职绩效", "ZHK-LZ-01"]]
    text = blob(path)                           # every part, decompressed
    assert "BGS-LZ-02" in text and "ZHK-LZ-01" in text and "轻纺科" in text   # the search can hit
    for needle in (every_id() - {"BGS-LZ-02", "ZHK-LZ-01"}) | {
            "人事科", "RSK", "rsk@lyciq.test", "bgs@lyciq.test", "zhk@lyciq.test",   # not assessed
            "扣分事由", "分管局长", "绩效办", "重点事项", "相互评价", "考核结果", SECRET}:
        assert needle not in text, f"found {needle}"


def test_other_departments_get_their_key_tasks_external_and_bonus_rows(books):
    _master, out = books
    assert python_calamine.CalamineWorkbook.from_path(str(out / RSK_BOOK)).sheet_names == [
        "填报说明", "考核指标", "扣分标准", "扣分填报", "外部评价", "创优加分"]
    assert grid(out / RSK_BOOK, "外部评价") == [["考核期", "科室", "地方政府评价", "企业评价"],
                                              ["2014Q3", "综合科", "", ""], ["2014Q3", "轻纺科", "", ""]]
    assert [r[2] for r in grid(out / RSK_BOOK, "考核指标")[1:]] == ["BGS-LZ-02"]
    assert python_calamine.CalamineWorkbook.from_path(str(out / BGS_BOOK)).sheet_names == [
        "填报说明", "考核指标", "扣分标准", "扣分填报", "重点指标完成情况"]
    assert [r[:2] for r in grid(out / BGS_BOOK, "重点指标完成情况")] == [["科室", "指标编号"], ["综合科", "ZHK-ZD-01"]]
    assert [r[2] for r in grid(out / BGS_BOOK, "考核指标")[1:]] == ["RSK-LZ-03"]
    for name, allowed in ((BGS_BOOK, {"RSK-LZ-03", "ZHK-ZD-01"}), (RSK_BOOK, {"BGS-LZ-02"})):
        text = blob(out / name)
        assert not any(i in text for i in every_id() - allowed), name
    wb = openpyxl.load_workbook(out / RSK_BOOK)
    lists = {str(dv.sqref): dv.formula1 for dv in wb["创优加分"].data_validations.dataValidation}
    assert lists["B2:B21"] == '"办公室,人事科"'          # only the sections whose 创优 it assesses


def test_input_sheet_columns_drop_downs_and_checks(books):
    _master, out = books
    wb = openpyxl.load_workbook(out / QFK_BOOK)
    ws = wb["扣分填报"]
    assert [c_.value for c_ in ws[1]] == ["考核期", "日期", "科室", "绩效类别", "指标编号", "标准编号",
                                          "事由", "扣分", "考核责任部门", "依据文号", "考核类型", "专项名称"]
    rules = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert rules == {
        "A2:A201": ("list", '"2014Q3"', None),
        # 2014-07-01 = serial 41821 (2014-01-01 is 41640, + 181 days of Jan–Jun); 2014-09-30 = 41821 + 91
        "B2:B201": ("date", "41821", "41912"),
        "C2:C201": ("list", '"办公室,综合科"', None),
        "D2:D201": ("list", '"履职绩效,管理绩效"', None),
        "E2:E201": ("list", "'考核指标'!$C$2:$C$3", None),
        "F2:F201": ("list", "'扣分标准'!$A$2:$A$2", None),
        "H2:H201": ("custom", "AND(ISNUMBER(H2),H2>0,ROUND(H2*10,9)=INT(ROUND(H2*10,9)))", None),
        "K2:K201": ("list", '"季度考核,专项考核"', None),     # 年度考核 only in a year workbook
    }
    assert ws.protection.sheet and not ws.protection.insertRows      # rows may be inserted
    assert ws["A1"].protection.locked and ws["L1"].protection.locked
    assert not ws["A2"].protection.locked and not ws["L201"].protection.locked
    assert ws["A202"].protection.locked
    for sheet in ("考核指标", "扣分标准"):
        ref = wb[sheet]
        assert ref.protection.sheet
        assert all(cell.protection.locked for row in ref.iter_rows() for cell in row)


def test_year_workbook_offers_the_year_its_quarters_and_annual_assessment(tmp_path):
    master = build_assessor_master(tmp_path / "m.xlsx")
    assert run_cli("distribute", master, "--assessors", "--period", "2014", "--out", tmp_path / "o") == 0
    ws = openpyxl.load_workbook(tmp_path / "o" / "轻纺科_2014_考核填报.xlsx")["扣分填报"]
    rules = {str(dv.sqref): (dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert rules["A2:A201"] == ('"2014,2014Q1,2014Q2,2014Q3,2014Q4"', None)
    assert rules["K2:K201"] == ('"季度考核,专项考核,年度考核"', None)
    assert rules["B2:B201"] == ("41640", "42004")          # 2014-01-01 … 2014-12-31 (41640 + 364)


def _props(path) -> dict[str, str]:
    return {p.name: p.value for p in openpyxl.load_workbook(path).custom_doc_props.props}


def _mac_checks(path):
    """(valid as an assessor book, valid as a plain section book)."""
    props = _props(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = json.loads(props["锁定行数"])
    grids = {s: book.get_sheet_by_name(s).to_python() for s in rows}
    cells = integrity.locked_cells(grids, rows)
    base = integrity.decode_base(props, rows)
    identity = integrity.Identity(props["科室代码"], props["期间"], c.TEMPLATE_VERSION, props["分发编号"])
    as_assessor = integrity.verify(SECRET, assessor_book.signed_payload(identity, rows, cells, base),
                                   props["校验码"])
    as_section = integrity.verify(SECRET, integrity.payload(identity, rows, cells, base), props["校验码"])
    return as_assessor, as_section


def test_signed_identity_says_assessor_and_survives_a_libreoffice_resave(books, tmp_path):
    _master, out = books
    props = _props(out / QFK_BOOK)
    assert (props["填报类型"], props["科室代码"], props["期间"]) == ("考核填报", "QFK", PERIOD)
    assert json.loads(props["锁定行数"]) == {"填报说明": 9, "考核指标": 3, "扣分标准": 2, "扣分填报": 1}
    # domain-separated: the MAC is no section workbook's
    assert _mac_checks(out / QFK_BOOK) == (True, False)
    resaved = libreoffice_resave(out / QFK_BOOK, tmp_path)
    assert _mac_checks(resaved) == (True, False)
    assert _props(resaved)["填报类型"] == "考核填报"


def test_one_mail_per_department_over_smtp(tmp_path):
    master = build_assessor_master(tmp_path / "m.xlsx")
    controller, handler = smtp_server()
    try:
        rc = run_cli("distribute", master, "--assessors", "--period", PERIOD, "--out", tmp_path / "out",
                     "--send", "--smtp-host", "127.0.0.1", "--smtp-port", controller.port,
                     "--smtp-security", "none", "--sender", "jxb@lyciq.test")
    finally:
        controller.stop()
    assert rc == 0
    got = {rcpts[0]: msg for rcpts, msg in handler.messages}
    assert sorted(got) == ["bgs@lyciq.test", "qfk@lyciq.test", "rsk@lyciq.test"]
    for mail, name in (("bgs@lyciq.test", "办公室"), ("qfk@lyciq.test", "轻纺科"), ("rsk@lyciq.test", "人事科")):
        msg = got[mail]
        assert msg["Subject"].startswith("【考核填报】") and name in msg["Subject"]
        assert "2014年10月5日" in msg.get_body(("plain",)).get_content()     # 5th of the month after Q3
        (att,) = list(msg.iter_attachments())
        assert att.get_filename() == f"{name}_{PERIOD}_考核填报.xlsx"
        assert att.get_content() == (tmp_path / "out" / att.get_filename()).read_bytes()
    log = json.loads((tmp_path / "m_发送记录.json").read_text(encoding="utf-8"))
    assert sorted(log[PERIOD]) == ["考核填报:BGS", "考核填报:QFK", "考核填报:RSK"]
    assert {e["status"] for e in log[PERIOD].values()} == {"已发送"}
