"""`lyciq-xl feedback`: one 考核结果反馈单 per section, holding that section
only, stating the published 考核结果; PDF through LibreOffice; mailed to a
real aiosmtpd server, each section its own letter."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from lyciq_xl import contract as c
from lyciq_xl.commands.recalc import recalc_file
from lyciq_xl.xlsxio.reader import read_tables
from mail_fixtures import SECTIONS, YEAR, build_master, run_cli, sha, smtp_server

OFFICE = "绩效管理办公室"     # the performance office signs every letter; not the section 办公室


def make_master(folder: Path, approved: bool = False) -> Path:
    """mail_fixtures' four sections (one 0.5 deduction each, {code}-R1 in 2014Q3),
    plus BGS-R2 (0.3 in 2014Q2) that an appeal 撤销es, then recalculated."""
    path = build_master(folder / "主工作簿.xlsx", with_results=False)
    book = openpyxl.load_workbook(path)
    book[c.Deductions.SHEET].append(["BGS-R2", f"{YEAR}Q2", dt.date(YEAR, 5, 6), "办公室", c.Category.DUTY,
                                     "BGS-LZ-02", "S1", "办公室第二次扣分事由", 0.3, "绩效办", None, "有效"])
    appeals = book.create_sheet(c.Appeals.SHEET)
    appeals.append(list(c.Appeals.COLUMNS))
    appeals.append(["SS-1", "办公室", "BGS-R2", dt.date(YEAR, 7, 3), "理由", "撤销", None, None,
                    dt.date(YEAR, 7, 20), "纪要〔2014〕1号"])
    if approved:
        book[c.Params.SHEET].append([c.FeedbackParam.APPROVED, "是", None])
    book.save(path)
    recalc_file(path)
    return path


def text_of_parts(path: Path) -> str:
    """Every part of the file, decompressed, as one text."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def others(code: str) -> list[str]:
    """What must never appear in `code`'s letter: the other sections' names,
    codes and 记录号."""
    out = []
    for other, name, _, mail in SECTIONS:
        if other != code:
            out += [name, other, f"{other}-R1", mail]
    return out + (["BGS-R2"] if code != "BGS" else [])


@pytest.fixture()
def master(tmp_path):
    return make_master(tmp_path)


def test_one_letter_per_section_holding_only_its_section(master, tmp_path):
    out = tmp_path / "反馈"
    assert run_cli("feedback", master, "--out", out, "--period", "2014") == 0
    letters = sorted(out.glob("*.xlsx"))
    assert [p.name for p in letters] == sorted(f"{name}_2014_考核结果反馈单.xlsx" for _, name, _, _ in SECTIONS)
    for code, name, _, _ in SECTIONS:
        text = text_of_parts(out / f"{name}_2014_考核结果反馈单.xlsx").replace(OFFICE, "")
        assert name in text and f"{code}-R1" in text
        leaked = [word for word in others(code) if word in text]
        assert leaked == [], (name, leaked)


def _letter_total(path: Path) -> D:
    ws = openpyxl.load_workbook(path).active
    row = next(r for r in ws.iter_rows() if r[0].value == "总分")
    return D(str(row[1].value))


def test_total_in_each_letter_equals_the_published_result(master, tmp_path):
    out = tmp_path / "反馈"
    assert run_cli("feedback", master, "--out", out, "--period", "2014") == 0
    stored = {r[c.Results.CODE]: r[c.Results.TOTAL]
              for r in read_tables(master, [c.Results])[c.Results.SHEET].rows if r[c.Results.PERIOD] == "2014"}
    # BGS: 40-0.5 (BGS-R2's 0.3 撤销 on appeal) + 30 + 重点 0 (完成情况 blank) = 69.5;
    # RSK the same without BGS-R2: 69.5. ZHK/QFK (业务管理科室): 45-0.5 + 25 = 69.5.
    assert stored == {"BGS": D("69.5"), "RSK": D("69.5"), "ZHK": D("69.5"), "QFK": D("69.5")}
    for code, name, _, _ in SECTIONS:
        assert _letter_total(out / f"{name}_2014_考核结果反馈单.xlsx") == stored[code]


def test_letter_shows_the_appeal_and_the_revoked_deduction(master, tmp_path):
    out = tmp_path / "反馈"
    assert run_cli("feedback", master, "--out", out, "--period", "2014") == 0
    ws = openpyxl.load_workbook(out / "办公室_2014_考核结果反馈单.xlsx").active
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "原扣分 0.3,经申诉撤销,不计入" in cells
    assert any(t.startswith("撤销,依据:纪要〔2014〕1号") for t in cells)
    assert any("申诉" in t and "日内" in t for t in cells)          # how and by when
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_quarter_letter_has_no_annual_grade(master, tmp_path):
    out = tmp_path / "反馈"
    assert run_cli("feedback", master, "--out", out, "--period", "2014Q3") == 0
    ws = openpyxl.load_workbook(out / "人事科_2014Q3_考核结果反馈单.xlsx").active
    first = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "总分" in first and "等次" not in first
    assert _letter_total(out / "人事科_2014Q3_考核结果反馈单.xlsx") == D("69.5")   # 40-0.5+30


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice and poppler are needed")
def test_pdf_holds_every_counted_record_of_that_section_only(master, tmp_path):
    out = tmp_path / "反馈"
    assert run_cli("feedback", master, "--out", out, "--period", "2014", "--pdf") == 0
    counted = {"BGS": ["BGS-R1"], "RSK": ["RSK-R1"], "ZHK": ["ZHK-R1"], "QFK": ["QFK-R1"]}
    for code, name, _, _ in SECTIONS:
        pdf = out / f"{name}_2014_考核结果反馈单.pdf"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        compact = re.sub(r"\s+", "", text)
        for record in counted[code]:
            assert record in compact, (name, record)
        assert "69.50" in compact
        assert [w for w in others(code) if w in compact.replace(OFFICE, "")] == []


def test_refuses_when_the_stored_results_are_stale(master, tmp_path):
    book = openpyxl.load_workbook(master)
    book[c.Deductions.SHEET]["I2"] = 0.8          # BGS-R1: 0.5 -> 0.8 after the recalc
    book.save(master)
    before = sha(master)
    out = tmp_path / "反馈"
    assert run_cli("feedback", master, "--out", out, "--eml") == 2
    assert not out.exists() and sha(master) == before


def test_refuses_without_results_and_send_without_approval(tmp_path, capsys):
    bare = build_master(tmp_path / "无结果.xlsx", with_results=False)
    assert run_cli("feedback", bare, "--out", tmp_path / "a") == 2
    assert "重新计算" in capsys.readouterr().err
    master = make_master(tmp_path)
    before = sha(master)
    assert run_cli("feedback", master, "--out", tmp_path / "b", "--send", "--smtp-host", "127.0.0.1",
                   "--sender", "jxb@lyciq.test") == 2
    assert "结果审定" in capsys.readouterr().err
    assert not (tmp_path / "b").exists() and sha(master) == before


def test_smtp_each_section_receives_its_own_letter_only(tmp_path):
    master = make_master(tmp_path, approved=True)
    controller, handler = smtp_server()
    try:
        code = run_cli("feedback", master, "--out", tmp_path / "反馈", "--period", "2014", "--send",
                       "--smtp-host", "127.0.0.1", "--smtp-port", controller.port,
                       "--smtp-security", "none", "--sender", "jxb@lyciq.test")
    finally:
        controller.stop()
    assert code == 0
    assert sorted(rcpt for rcpt, _ in handler.messages) == sorted([m] for *_, m in SECTIONS)
    by_mail = {mail: (code, name) for code, name, _, mail in SECTIONS}
    for rcpt, msg in handler.messages:
        code, name = by_mail[rcpt[0]]
        assert msg["To"] == rcpt[0]
        attachments = list(msg.iter_attachments())
        assert [a.get_filename() for a in attachments] == [f"{name}_2014_考核结果反馈单.xlsx"]
        body = msg.get_body(("plain",)).get_content()
        payload = attachments[0].get_content()
        with zipfile.ZipFile(io.BytesIO(payload)) as z:
            text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        for part in (body + msg["Subject"], text):
            part = part.replace(OFFICE, "")
            assert name in part
            assert [w for w in others(code) if w in part] == [], (name, rcpt)
    log = read_tables(master, [c.FeedbackLog])[c.FeedbackLog.SHEET].rows
    assert sorted(r[c.FeedbackLog.DEPT] for r in log) == sorted(name for _, name, _, _ in SECTIONS)
    assert {r[c.FeedbackLog.PERIOD] for r in log} == {"2014"}
    assert {r[c.FeedbackLog.DATE] for r in log} == {dt.date.today()}


@pytest.mark.skipif(not hasattr(c.Deductions, "SPECIAL"), reason="专项名称 column arrives with SPEC 9 (issue 11)")
def test_special_assessments_are_listed_under_their_name(tmp_path):
    path = build_master(tmp_path / "主工作簿.xlsx", with_results=False)
    book = openpyxl.load_workbook(path)
    ws = book[c.Deductions.SHEET]
    headers = [cell.value for cell in ws[1]]          # 专项名称 is one of Deductions.COLUMNS (SPEC 9)
    kind, special = headers.index(c.Deductions.KIND) + 1, headers.index(c.Deductions.SPECIAL) + 1
    ws.cell(2, kind, "专项考核")
    ws.cell(2, special, "保密专项检查")                # BGS-R1
    book.save(path)
    recalc_file(path)
    out = tmp_path / "反馈"
    assert run_cli("feedback", path, "--out", out, "--period", "2014") == 0
    sheet = openpyxl.load_workbook(out / "办公室_2014_考核结果反馈单.xlsx").active
    column_d = [row[3] for row in sheet.iter_rows(values_only=True)]
    heading = column_d.index("专项考核:保密专项检查")
    assert column_d[heading + 1] == "办公室扣分事由"       # BGS-R1 right under its 专项名称


def test_drafted_letters_start_the_appeal_deadline(master, tmp_path):
    """--eml records 反馈记录 (today); an appeal 16 days later is E03 on recalc."""
    assert run_cli("feedback", master, "--out", tmp_path / "反馈", "--period", "2014Q3", "--eml") == 0
    log = read_tables(master, [c.FeedbackLog])[c.FeedbackLog.SHEET].rows
    assert len(log) == 4 and {r[c.FeedbackLog.PERIOD] for r in log} == {"2014Q3"}
    book = openpyxl.load_workbook(master)
    late = dt.date.today() + dt.timedelta(days=16)           # 申诉期限天数 defaults to 15
    book[c.Appeals.SHEET].append(["SS-2", "办公室", "BGS-R1", late, "理由", "维持", None, None, late, None])
    book.save(master)
    a = recalc_file(master)
    assert [(f.rule, f.sheet, f.cell) for f in a.findings if f.rule == "E03"] == [("E03", "申诉记录", "D3")]
