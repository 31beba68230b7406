"""The files collect is given and the files it writes: every output folder
checked before the first write, receipts never overwritten, returns known
by their signature whatever their name, attachment names in GBK/GB18030,
other formats in a folder, and a returned workbook that tries to set the
add-in's interpreter (found as clerks would: issue 8 §4 items 7-11, issue 13 §1)."""
from __future__ import annotations

import datetime as dt
import email.utils
import shutil
from email.message import EmailMessage

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from lyciq_xl import contract as c
from mail_fixtures import (
    BGS_FILE,
    BGS_PERIOD,
    BGS_RECEIPT,
    build_master,
    by_id,
    distributed_bgs,
    fill,
    grid,
    receipt_lines,
    run_cli,
    sha,
)

PERIOD = BGS_PERIOD
IND = c.Indicators.SHEET


@pytest.fixture
def setup(tmp_path):
    return distributed_bgs(tmp_path)


# --- 7: every precondition before the first write ---------------------------------

def test_receipts_naming_an_existing_file_writes_nothing(setup, capsys):
    """It used to merge into the master, then fail with an internal error and
    exit 2 - which promises nothing was written."""
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    (tmp / "receipts.xlsx").write_bytes(b"not a folder")
    digest = sha(master)
    capsys.readouterr()
    assert run_cli("collect", master, back, "--receipts", tmp / "receipts.xlsx") == 2
    assert sha(master) == digest
    captured = capsys.readouterr()
    assert "是一个已存在的文件,不是文件夹" in captured.err + captured.out
    assert "本次未写入任何内容" in captured.err + captured.out


def test_receipts_folder_below_a_file_writes_nothing(setup, capsys):
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    (tmp / "plain").write_bytes(b"x")
    digest = sha(master)
    assert run_cli("collect", master, back, "--receipts", tmp / "plain" / "回执") == 2
    assert sha(master) == digest
    assert "不是文件夹" in "".join(capsys.readouterr())


def test_distribute_into_a_folder_below_a_file_adds_no_secret(tmp_path, capsys):
    """The first distribution adds 分发密钥 to 参数: an --out that cannot be
    created must stop the run before that write, not after it."""
    master = build_master(tmp_path / "master.xlsx", secret=None)
    (tmp_path / "plain").write_bytes(b"x")
    digest = sha(master)
    try:           # the command line's own --out check may stop it first (argparse: exit 2)
        code = run_cli("distribute", master, "--out", tmp_path / "plain" / "out", "--period", PERIOD)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert sha(master) == digest
    assert "本次未写入任何内容" in "".join(capsys.readouterr())


# --- 8: receipts are never overwritten ----------------------------------------------

def test_a_later_run_does_not_overwrite_an_earlier_receipt(setup):
    master, sent, tmp = setup
    tampered = fill(sent, tmp / "bad", {IND: {"D2": "改过的指标名称"}})
    assert run_cli("collect", master, tampered, "--receipts", tmp / "rc") == 1
    refusal = (tmp / "rc" / BGS_RECEIPT).read_bytes()
    good = fill(sent, tmp / "good", {IND: {"J2": "张三"}})
    assert run_cli("collect", master, good, "--receipts", tmp / "rc") == 0
    assert (tmp / "rc" / BGS_RECEIPT).read_bytes() == refusal            # kept as it was
    again = receipt_lines(tmp / "rc", f"办公室_{PERIOD}_回执(2).xlsx")
    assert again[5][1].startswith("已接收,更新 1 处")


# --- 9: renamed returns are genuine -------------------------------------------------

RENAMED = ("办公室绩效填报-最终版.xlsx", "2014年办公室_绩效填报.xlsx",
           "副本 办公室_2014Q3_绩效填报.xlsx", "办公室 2014Q3 绩效填报.xlsx",
           "回复 办公室_2014Q3_绩效填报.xlsx", "检疫科绩效填报(1).xlsx")


def test_renamed_returns_are_identified_by_their_signature(setup):
    """The signed properties say which section and period a file is; the
    file name proves nothing. Each name carries a different 责任人, saved
    a minute apart, so each is a genuine newer return."""
    master, sent, tmp = setup
    folder = tmp / "renamed"
    for n, name in enumerate(RENAMED):
        path = fill(sent, tmp / f"v{n}", {IND: {"J2": f"责任人{n}"}},
                    saved=dt.datetime(2014, 10, 1, 9, n))
        folder.mkdir(exist_ok=True)
        shutil.move(path, folder / name)
    assert run_cli("collect", master, folder, "--receipts", tmp / "rc") == 0
    rows = grid(master, c.Receipts.SHEET)[1:]
    assert [r[2] for r in rows] == list(RENAMED)                 # save order = minute order
    assert {r[0] for r in rows} == {"办公室"}
    assert by_id(master, IND)["BGS-LZ-01"]["责任人"] == "责任人5"


# --- 10: attachment names in raw GBK ------------------------------------------------

def gbk_mail(attachment: bytes, name: str, charset: str = "gbk") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bgs@lyciq.test", "jxb@lyciq.test", "reply"
    msg["Date"] = email.utils.format_datetime(dt.datetime(2014, 10, 3, 9, 0).astimezone())
    msg.set_content("see attachment")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream",
                       filename="PLACEHOLDER.xlsx")
    raw = bytes(msg)
    assert raw.count(b"PLACEHOLDER.xlsx") == 1
    # what an older mail client writes: the name's bytes as they are, no RFC 2047/2231
    return raw.replace(b"PLACEHOLDER.xlsx", name.encode(charset))


def test_attachment_name_in_raw_gbk_is_decoded(setup):
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    (tmp / "mail").mkdir()
    (tmp / "mail" / "a.eml").write_bytes(gbk_mail(back.read_bytes(), BGS_FILE))
    assert run_cli("collect", master, tmp / "mail", "--receipts", tmp / "rc") == 0
    (row,) = grid(master, c.Receipts.SHEET)[1:]
    assert row[2] == BGS_FILE
    assert receipt_lines(tmp / "rc", BGS_RECEIPT)[0][1] == BGS_FILE


def test_gb18030_only_characters_in_a_raw_name_are_decoded(setup):
    """䶮 (U+4DAE) is in GB18030 but not GBK."""
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    name = "办公室_䶮_绩效填报.xlsx"
    (tmp / "a.eml").write_bytes(gbk_mail(back.read_bytes(), name, "gb18030"))
    assert run_cli("collect", master, tmp / "a.eml", "--receipts", tmp / "rc") == 0
    assert grid(master, c.Receipts.SHEET)[1][2] == name


# --- 11: every file in a folder gets a line and a receipt --------------------------

def test_other_formats_in_a_folder_each_get_a_line_and_a_receipt(setup, capsys):
    master, sent, tmp = setup
    folder = tmp / "inbox"
    folder.mkdir()
    for name in ("办公室_2014Q3_绩效填报.ods", "人事科_2014Q3_绩效填报.et", "综合科.csv", "说明.pdf"):
        (folder / name).write_bytes(b"PK\x03\x04 not what it claims")
    (folder / "~$办公室_2014Q3_绩效填报.xlsx").write_bytes(b"\x00" * 165)   # Excel's lock: skipped
    digest = sha(master)
    capsys.readouterr()
    assert run_cli("collect", master, folder, "--receipts", tmp / "rc") == 1
    printed = capsys.readouterr().out
    assert sha(master) == digest
    assert "共 4 个文件:接收 0 个,拒收 4 个" in printed
    assert "跳过:~$办公室_2014Q3_绩效填报.xlsx" in printed
    receipts = sorted(p.name for p in (tmp / "rc").iterdir())
    assert receipts == ["人事科_2014Q3_绩效填报_回执.xlsx", "办公室_2014Q3_绩效填报_回执.xlsx",
                        "综合科_回执.xlsx", "说明_回执.xlsx"]
    ods = str(receipt_lines(tmp / "rc", "办公室_2014Q3_绩效填报_回执.xlsx"))
    assert "OpenDocument" in ods and "Excel工作簿(*.xlsx)" in ods
    et = str(receipt_lines(tmp / "rc", "人事科_2014Q3_绩效填报_回执.xlsx"))
    assert "WPS表格格式(.et)" in et and "另存为" in et
    assert "不是Excel工作簿" in str(receipt_lines(tmp / "rc", "说明_回执.xlsx"))


# --- issue 13 §1: a returned workbook must not set the add-in's interpreter -----------

@pytest.mark.parametrize("how", ["sheet", "hidden sheet", "defined name"])
def test_a_sheet_or_name_like_the_addin_config_is_refused(setup, how):
    """The add-in's xlwings code reads INTERPRETER_WIN/PYTHONPATH from a sheet
    named lyciq.conf (or xlwings.conf) in the active workbook: a section
    workbook carrying one, opened by the office, would choose the program
    its next ribbon click runs. The HMAC does not cover extra sheets, so
    before this check such a file was accepted."""
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    wb = load_workbook(back)
    if how == "defined name":
        wb.defined_names["LYCIQ.conf"] = DefinedName("LYCIQ.conf", attr_text=f"'{IND}'!$A$1")
    else:
        ws = wb.create_sheet("Lyciq.Conf")
        ws["A1"], ws["B1"] = "INTERPRETER_WIN", r"C:\Users\Public\evil.exe"
        if how == "hidden sheet":
            ws.sheet_state = "veryHidden"
    wb.save(back)
    digest = sha(master)
    assert run_cli("collect", master, back, "--receipts", tmp / "rc") == 1
    assert sha(master) == digest
    text = str(receipt_lines(tmp / "rc", f"办公室_{PERIOD}_绩效填报_回执.xlsx"))
    assert "加载项" in text and "运行发送者指定的程序" in text


def test_xlwings_conf_sheet_is_refused_too(setup):
    master, sent, tmp = setup
    wb = load_workbook(fill(sent, tmp / "back", {IND: {"J2": "张三"}}))
    wb.create_sheet("xlwings.conf")
    wb.save(tmp / "back" / BGS_FILE)
    assert run_cli("collect", master, tmp / "back" / BGS_FILE, "--receipts", tmp / "rc") == 1
    assert "xlwings.conf" in str(receipt_lines(tmp / "rc", f"办公室_{PERIOD}_绩效填报_回执.xlsx"))


def test_an_addin_config_file_attached_to_a_reply_is_refused_with_a_warning(setup):
    """A lyciq.conf saved beside a workbook could name the add-in's Python
    (issue 13): attached to a reply it is not silently dropped but refused,
    the receipt and the console saying why."""
    master, sent, tmp = setup
    back = fill(sent, tmp / "back", {IND: {"J2": "张三"}})
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bgs@lyciq.test", "jxb@lyciq.test", "回复"
    msg["Date"] = email.utils.format_datetime(dt.datetime(2014, 10, 3, 9, 0).astimezone())
    msg.set_content("见附件")
    msg.add_attachment(back.read_bytes(), maintype="application", subtype="octet-stream",
                       filename=BGS_FILE)
    msg.add_attachment(b'"INTERPRETER_WIN","C:\\evil.exe"', maintype="text", subtype="plain",
                       filename="lyciq.conf")
    (tmp / "a.eml").write_bytes(bytes(msg))
    assert run_cli("collect", master, tmp / "a.eml", "--receipts", tmp / "rc") == 1
    assert by_id(master, IND)["BGS-LZ-01"]["责任人"] == "张三"       # the workbook itself is fine
    assert "加载项的设置文件" in str(receipt_lines(tmp / "rc", "lyciq_回执.xlsx"))
