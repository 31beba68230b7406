"""collect against hostile returns: each test crafts the zip/XML bytes of a
section workbook the way an attacker would, and checks the run neither
crashes nor lets the file past a check. The master must stay intact (or
change exactly where the file legitimately asked) and a receipt is written."""
from __future__ import annotations

import io
import re
import shutil
import warnings
import zipfile
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

import pytest
import python_calamine

from lyciq_xl import contract as c
from mail_fixtures import build_master, parts, run_cli, sha

PERIOD = "2014Q3"
BGS_FILE = f"办公室_{PERIOD}_绩效填报.xlsx"
BGS_RECEIPT = f"办公室_{PERIOD}_回执.xlsx"
INDICATORS_PART = "xl/worksheets/sheet2.xml"      # 履职管理指标 in the section workbook


@pytest.fixture(scope="module")
def distributed(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    master = build_master(base / "master.xlsx")
    assert run_cli("distribute", master, "--out", base / "out", "--period", PERIOD) == 0
    return master, base / "out" / BGS_FILE


@pytest.fixture
def env(distributed, tmp_path):
    master, section_file = distributed
    shutil.copy(master, tmp_path / "master.xlsx")
    (tmp_path / "back").mkdir()
    return tmp_path / "master.xlsx", section_file, tmp_path


def zip_bytes(src: Path, replace: dict[str, bytes] | None = None,
              extra: Sequence[tuple[str, bytes]] = ()) -> bytes:
    """The section workbook re-zipped member by member, with edits; `extra`
    members are appended as given (duplicate names allowed)."""
    replace = replace or {}
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # "Duplicate name" is the point
            for name, data in extra:
                zout.writestr(name, data)
    return buf.getvalue()


def member(src: Path, name: str) -> str:
    return parts(src)[name].decode("utf-8")


def collect(master: Path, tmp: Path, name: str, data: bytes) -> int:
    path = tmp / "back" / name
    path.write_bytes(data)
    return run_cli("collect", master, path, "--receipts", tmp / "rc")


def receipt_text(tmp: Path, name: str = BGS_RECEIPT) -> str:
    book = python_calamine.CalamineWorkbook.from_path(str(tmp / "rc" / name))
    rows = book.get_sheet_by_name(c.ReceiptBook.SHEET).to_python()
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


def indicators(master: Path) -> dict[str, dict]:
    rows = python_calamine.CalamineWorkbook.from_path(str(master)) \
        .get_sheet_by_name(c.Indicators.SHEET).to_python()
    return {r[2]: dict(zip(rows[0], r)) for r in rows[1:]}


def filled(src: Path, tmp: Path) -> bytes:
    """The section workbook with one input cell filled (an unfilled copy of
    the distributed file is not a return)."""
    from openpyxl import load_workbook
    wb = load_workbook(src)
    wb[c.Indicators.SHEET]["J2"] = "已填写"
    wb.save(tmp / "filled.xlsx")
    return (tmp / "filled.xlsx").read_bytes()


def custom_with(src: Path, prop: str, value: str) -> bytes:
    custom = member(src, "docProps/custom.xml")
    new = re.sub(f'(name="{prop}"[^>]*><vt:lpwstr>)[^<]*(<)', lambda m: m.group(1) + value + m.group(2),
                 custom)
    assert new != custom
    return new.encode("utf-8")


# --- integrity: the properties are attacker-controlled text ---------------------

def test_non_ascii_mac_is_refused_not_a_crash(env):
    # hmac.compare_digest raises TypeError on non-ASCII str: one such file
    # used to abort the whole run (no receipts, other sections not merged)
    master, src, tmp = env
    data = zip_bytes(src, {"docProps/custom.xml": custom_with(src, c.SectionBook.PROP_MAC, "校验码伪造")})
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "校验码不符" in receipt_text(tmp)


def test_deeply_nested_row_counts_are_refused_not_a_crash(env):
    # json.loads of 100,000 "[" raises RecursionError, not ValueError
    master, src, tmp = env
    data = zip_bytes(src, {"docProps/custom.xml": custom_with(src, c.SectionBook.PROP_ROWS, "[" * 100_000)})
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "校验码不符" in receipt_text(tmp)


# --- zip and worksheet XML ------------------------------------------------------

def test_nine_digit_row_number_is_refused_before_calamine_allocates_it(env):
    """r="100000000" used to slip past the extent check (numbers of 9+
    digits fell back to "previous row + 1"); calamine then asked for 35 GB
    and aborted the process. Run in a child with a 3 GB address-space limit
    so a regression fails this test instead of the machine."""
    import resource
    import subprocess
    import sys
    master, src, tmp = env
    sheet = member(src, INDICATORS_PART).replace(
        "</sheetData>", '<row r="100000000"><c r="A100000000" t="inlineStr"><is><t>x</t></is></c>'
                        "</row></sheetData>")
    path = tmp / "back" / BGS_FILE
    path.write_bytes(zip_bytes(src, {INDICATORS_PART: sheet.encode()}))
    digest = sha(master)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    done = subprocess.run([sys.executable, "-m", "lyciq_xl", "collect", str(master), str(path),
                           "--receipts", str(tmp / "rc")], preexec_fn=limit, capture_output=True,
                          text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 1, done.stderr[-2000:]
    assert sha(master) == digest
    assert "行数超出限制" in receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")


def test_duplicate_part_name_is_refused(env):
    """Two members for one part, differing in case: calamine reads the later
    one, the formula check looked at the other - so a formula's cached value
    ("PWNED") was merged as if typed."""
    master, src, tmp = env
    clean = member(src, INDICATORS_PART)
    evil = re.sub(r'<c r="E2"[^>]*>.*?</c>',
                  '<c r="E2" t="str"><f>"PWN"&amp;"ED"</f><v>PWNED</v></c>', clean, count=1)
    assert evil != clean
    data = zip_bytes(src, extra=[(INDICATORS_PART.upper(), evil.encode())])
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "重复的部件" in receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")


def test_formula_cell_without_address_is_not_imported(env):
    """A cell may omit r= (calamine places it after the previous one); the
    formula check keyed cells by r= only, so this formula's cached value
    was imported."""
    master, src, tmp = env
    sheet = member(src, INDICATORS_PART)
    row = re.search(r'<row r="3"[^>]*>.*?</row>', sheet).group()
    implicit = re.sub(r' r="[A-Z]+3"', "", row)           # every cell of row 3 positional
    implicit = re.sub(r'(<c s="\d+") t="inlineStr"><is><t>办公室内容2</t></is></c>',
                      r'\1 t="str"><f>"PWN"&amp;"ED"</f><v>PWNED</v></c>', implicit)
    assert "PWNED" in implicit
    data = zip_bytes(src, {INDICATORS_PART: sheet.replace(row, implicit).encode()})
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert indicators(master)["BGS-LZ-02"]["指标内容"] == "办公室内容2"
    assert "履职管理指标 E3 未导入 该单元格是公式" in receipt_text(tmp)


# --- cell content -----------------------------------------------------------------

def test_control_characters_are_dropped_and_the_receipt_is_written(env):
    """calamine decodes "_x0001_" to U+0001: openpyxl then refused to write
    the receipt - after the master had been written - and the run ended in
    "程序内部错误 ... 文件未被修改" with no receipt for anyone."""
    master, src, tmp = env
    sheet = member(src, INDICATORS_PART).replace("<t>办公室内容1</t>", "<t>改_x0001_后_x001F_内容</t>")
    assert collect(master, tmp, BGS_FILE, zip_bytes(src, {INDICATORS_PART: sheet.encode()})) == 0
    assert indicators(master)["BGS-LZ-01"]["指标内容"] == "改后内容"
    assert "履职管理指标 E2 已更新 “指标内容”已更新。 办公室内容1 改后内容" in receipt_text(tmp)


def test_text_longer_than_an_excel_cell_is_not_imported(env):
    master, src, tmp = env
    sheet = member(src, INDICATORS_PART).replace("<t>办公室内容1</t>", "<t>" + "长" * 40_000 + "</t>")
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert collect(master, tmp, BGS_FILE, zip_bytes(src, {INDICATORS_PART: sheet.encode()})) == 1
    assert indicators(master)["BGS-LZ-01"]["指标内容"] == "办公室内容1"
    assert "履职管理指标 E2 未导入 内容有40000个字符,超过Excel单元格上限(32767个字符)" in receipt_text(tmp)
    assert ",未导入 1 处(见下表)" in receipt_text(tmp)        # in the verdict too


def test_attachment_with_a_very_long_name_gets_a_receipt(env):
    """An .eml attachment's name can be any length; the receipt named after
    it used to fail with "File name too long" and abort the run."""
    master, src, tmp = env
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "x@evil.test", "jxb@lyciq.test", "回复"
    msg.set_content("见附件")
    msg.add_attachment(b"not a workbook", maintype="application", subtype="octet-stream",
                       filename="办" * 400 + ".xlsx")
    path = tmp / "back" / "a.eml"
    path.write_bytes(bytes(msg))
    assert run_cli("collect", master, path, "--receipts", tmp / "rc") == 1
    (receipt,) = (tmp / "rc").iterdir()
    assert receipt.name == "办" * 60 + "_回执.xlsx"
    assert "不是有效的Excel工作簿" in receipt_text(tmp, receipt.name)


@pytest.mark.parametrize("mode", ["", ' TargetMode="External"'])
def test_sheet_part_with_odd_name_and_first_byte_is_checked_like_any_other(env, mode):
    """calamine reads whatever part the workbook's relationships name. A sheet
    stored as "sheet2.bin" whose first byte is not "<" was neither parsed
    (no DTD check) nor measured nor searched for formulas: here a row far
    beyond the limit and a formula went through."""
    master, src, tmp = env
    sheet = member(src, INDICATORS_PART)
    sheet = re.sub(r'<c r="E2"[^>]*>.*?</c>',
                   '<c r="E2" t="str"><f>"PWN"&amp;"ED"</f><v>PWNED</v></c>', sheet, count=1)
    sheet = sheet.replace("</sheetData>", '<row r="30000"><c r="A30000" t="inlineStr"><is><t>远</t>'
                                          "</is></c></row></sheetData>")
    rels = member(src, "xl/_rels/workbook.xml.rels").replace(
        # calamine ignores the mode
        f'Target="/{INDICATORS_PART}"', f'Target="/xl/worksheets/SHEET2.bin"{mode}')
    data = zip_bytes(src, {"xl/_rels/workbook.xml.rels": rels.encode()},
                     extra=[("xl/worksheets/sheet2.bin", ("x" + sheet).encode())])
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "部件“xl/worksheets/sheet2.bin”不是有效的XML" in \
        receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")


# --- new-indicator rows ---------------------------------------------------------------

def test_new_row_cannot_redeclare_a_signed_draft_indicator(tmp_path):
    """A 草拟 indicator the file carries in its signed (locked) rows: a "new"
    row below with the same 指标编号 used to update it through the re-sent-
    draft path, changing its locked 绩效类别 and 指标名称 with the HMAC intact."""
    from openpyxl import load_workbook
    master = build_master(tmp_path / "master.xlsx")
    wb = load_workbook(master)
    ws = wb[c.Indicators.SHEET]
    assert ws["C4"].value == "BGS-LZ-03" and ws["B4"].value == c.Category.MANAGEMENT
    ws["K4"] = c.Approval.DRAFT
    wb.save(master)
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD) == 0
    wb = load_workbook(tmp_path / "out" / BGS_FILE)
    ws = wb[c.Indicators.SHEET]
    assert ws["C4"].value == "BGS-LZ-03" and ws["K4"].value == c.Approval.DRAFT
    for address, value in {"B5": c.Category.DUTY, "C5": "BGS-LZ-03", "D5": "改过的名称"}.items():
        ws[address] = value
    (tmp_path / "back").mkdir()
    wb.save(tmp_path / "back" / BGS_FILE)
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert run_cli("collect", master, tmp_path / "back" / BGS_FILE, "--receipts", tmp_path / "rc") == 1
    row = indicators(master)["BGS-LZ-03"]
    assert (row["绩效类别"], row["指标名称"]) == (c.Category.MANAGEMENT, "办公室指标3")
    assert "履职管理指标 A5 未导入 指标编号“BGS-LZ-03”在本文件中重复" in receipt_text(tmp_path)


def test_two_sheets_of_one_name_are_refused(env):
    """workbook.xml listing 履职管理指标 twice: calamine read the first (a
    formula in E2), the formula check kept the second (a formula in E3), so
    E2's cached value "PWNED" was merged."""
    master, src, tmp = env
    sheet = member(src, INDICATORS_PART)
    first = re.sub(r'<c r="E2"[^>]*>.*?</c>', '<c r="E2" t="str"><f>"PWN"&amp;"ED"</f><v>PWNED</v></c>',
                   sheet, count=1)
    second = re.sub(r'<c r="E3"[^>]*>.*?</c>', '<c r="E3" t="str"><f>1</f><v>x</v></c>', sheet, count=1)
    book = member(src, "xl/workbook.xml").replace(
        "</sheets>", f'<sheet name="{c.Indicators.SHEET}" sheetId="9" r:id="rId99"/></sheets>')
    rels = member(src, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>", '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                            'relationships/worksheet" Target="/xl/worksheets/sheet9.xml" Id="rId99"/>'
                            "</Relationships>")
    types = member(src, "[Content_Types].xml").replace(
        "</Types>", '<Override PartName="/xl/worksheets/sheet9.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    data = zip_bytes(src, {"xl/workbook.xml": book.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                           "[Content_Types].xml": types.encode(), INDICATORS_PART: first.encode()},
                     extra=[("xl/worksheets/sheet9.xml", second.encode())])
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "两个同名工作表" in receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")


# --- what the clerk is shown ------------------------------------------------------------

def test_refusal_message_cannot_forge_a_console_line(env, capsys):
    """科室代码 is echoed in the refusal; a newline in it (&#10; in the XML)
    printed a line of the file's choosing, here a fake acceptance."""
    master, src, tmp = env
    forged = "ZZZ&#13;&#10;已接收:人事科_2014Q3_绩效填报.xlsx,更新 3 处"
    data = zip_bytes(src, {"docProps/custom.xml": custom_with(src, c.SectionBook.PROP_CODE, forged)})
    capsys.readouterr()
    assert collect(master, tmp, BGS_FILE, data) == 1
    printed = capsys.readouterr().out
    assert not [line for line in printed.splitlines() if line.startswith("已接收")], printed
    assert "科室代码“ZZZ??已接收" in printed


# --- arrival time -----------------------------------------------------------------------

def test_future_date_cannot_lock_out_later_returns(env):
    """Without a Received header the sender's Date is used; a Date in 2099
    made every later (real) return of the section "older" and refused."""
    import datetime as dt
    import email.utils
    master, src, tmp = env
    first = zip_bytes(src, {INDICATORS_PART: member(src, INDICATORS_PART).replace(
        "<t>办公室内容1</t>", "<t>第一版</t>").encode()})
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bgs@lyciq.test", "jxb@lyciq.test", "回复"
    msg["Date"] = email.utils.format_datetime(dt.datetime(2099, 1, 1, 9, 0).astimezone())
    msg.set_content("见附件")
    msg.add_attachment(first, maintype="application", subtype="octet-stream", filename=BGS_FILE)
    before = dt.datetime.now().replace(microsecond=0)
    assert collect(master, tmp, "a.eml", bytes(msg)) == 0
    rows = python_calamine.CalamineWorkbook.from_path(str(master)) \
        .get_sheet_by_name(c.Receipts.SHEET).to_python()
    assert before <= rows[1][3] <= dt.datetime.now()
    second = zip_bytes(src, {INDICATORS_PART: member(src, INDICATORS_PART).replace(
        "<t>办公室内容1</t>", "<t>第二版</t>").encode()})
    assert collect(master, tmp, BGS_FILE, second) == 0
    assert indicators(master)["BGS-LZ-01"]["指标内容"] == "第二版"


def test_excel4_macro_sheet_is_refused(env):
    """XLM macros live in a macro sheet, not a vbaProject part: neither the
    part name, the relationship nor the content type was on the lists."""
    master, src, tmp = env
    macro = (b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>'
             b'<row r="1"><c r="A1"><f>EXEC("calc.exe")</f></c></row></sheetData></xm:macrosheet>')
    book = member(src, "xl/workbook.xml").replace(
        "</sheets>", '<sheet name="Auto_Open" sheetId="9" state="veryHidden" r:id="rId99"/></sheets>')
    rels = member(src, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>", '<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/'
                            'xlMacrosheet" Target="macrosheets/sheet1.xml" Id="rId99"/></Relationships>')
    data = zip_bytes(src, {"xl/workbook.xml": book.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                     extra=[("xl/macrosheets/sheet1.xml", macro)])
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "宏表(Excel 4.0宏)" in receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")


def test_new_rows_beyond_the_offered_ones_are_not_imported(env):
    """Distribute offers 10 yellow rows per sheet; with the protection
    removed a file could append any number of indicators to the master."""
    from openpyxl import load_workbook
    master, src, tmp = env
    wb = load_workbook(src)
    ws = wb[c.Indicators.SHEET]
    ws.protection.sheet = False
    assert ws.max_row == 4 + 10 and ws["C4"].value == "BGS-LZ-03"    # 3 rows, 10 new rows
    for n, r in enumerate(range(5, 5 + 12), start=1):                # 12 new rows: 2 too many
        ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"] = c.Category.DUTY, f"BGS-NEW-{n:02d}", f"新增{n}"
    wb.save(tmp / "back" / BGS_FILE)
    # exit 1: the file is merged, but some of it was not imported (未导入)
    assert run_cli("collect", master, tmp / "back" / BGS_FILE, "--receipts", tmp / "rc") == 1
    ids = set(indicators(master))
    assert {f"BGS-NEW-{n:02d}" for n in range(1, 11)} <= ids
    assert not {"BGS-NEW-11", "BGS-NEW-12"} & ids
    text = receipt_text(tmp)
    assert "履职管理指标 A15 未导入 超出新增指标的黄色空行" in text and "A16 未导入" in text


@pytest.mark.parametrize("period", ["9999", "0000Q1"])
def test_period_outside_the_calendar_is_refused_not_a_crash(env, period):
    """The receipt of a refused file states whether it was on time: the
    deadline of "9999" is in the year 10000, which datetime cannot hold."""
    master, src, tmp = env
    data = zip_bytes(src, {"docProps/custom.xml": custom_with(src, c.SectionBook.PROP_PERIOD, period)})
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert f"文件的期间“{period}”不是本次汇总的期间" in \
        receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")


def test_date_at_the_end_of_the_calendar_is_ignored_not_a_crash(env):
    """"31 Dec 9999 -1200" is the year 10000 in local time: astimezone()
    raised OverflowError and the whole run stopped."""
    import datetime as dt
    master, src, tmp = env
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bgs@lyciq.test", "jxb@lyciq.test", "回复"
    msg["Date"] = "Fri, 31 Dec 9999 23:59:59 -1200"
    msg.set_content("见附件")
    msg.add_attachment(filled(src, tmp), maintype="application", subtype="octet-stream",
                       filename=BGS_FILE)
    before = dt.datetime.now().replace(microsecond=0)
    assert collect(master, tmp, "a.eml", bytes(msg)) == 0
    rows = python_calamine.CalamineWorkbook.from_path(str(master)) \
        .get_sheet_by_name(c.Receipts.SHEET).to_python()
    assert before <= rows[1][3] <= dt.datetime.now()      # no usable date: the time of collecting


def test_deeply_nested_message_is_refused_not_a_crash(env):
    """3000 nested multiparts: the e-mail parser recursed past Python's
    limit and the RecursionError stopped the whole run."""
    master, src, tmp = env
    body = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(3000))
    body += "Content-Type: text/plain\n\nhi\n" + "".join(f"--b{i}--\n" for i in reversed(range(3000)))
    raw = ("From: x@evil.test\nTo: jxb@lyciq.test\nSubject: x\nMIME-Version: 1.0\n" + body).encode()
    digest = sha(master)
    assert collect(master, tmp, "nested.eml", raw) == 1
    assert sha(master) == digest
    assert "邮件结构异常" in receipt_text(tmp, "nested_回执.xlsx")


def test_date_cell_calamine_panics_on_is_refused(env):
    """A date-formatted cell holding -1e300 makes calamine panic; pyo3 turns
    that into PanicException, a BaseException that even the CLI's last line
    of defence does not catch: the clerk got a raw traceback."""
    master, src, tmp = env
    sheet = member(src, "xl/worksheets/sheet3.xml")               # 重点指标; F2 完成时限 is a date
    cell = re.search(r'<c r="F2" s="(\d+)"[^>]*><v>\d+</v></c>', sheet)
    assert cell, sheet[:2000]
    data = zip_bytes(src, {"xl/worksheets/sheet3.xml": sheet.replace(
        cell.group(), f'<c r="F2" s="{cell.group(1)}"><v>-1e300</v></c>').encode()})
    digest = sha(master)
    assert collect(master, tmp, BGS_FILE, data) == 1
    assert sha(master) == digest
    assert "单元格数值超出范围" in receipt_text(tmp, f"办公室_{PERIOD}_绩效填报_回执.xlsx")
