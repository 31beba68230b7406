"""collect applies returns of one section and period in the order they were
SAVED (docProps/core.xml dcterms:modified, capped by an e-mail's arrival;
then the distribution id), never in file-name order (issue 8 §2); a copy of
the distributed file is not a return."""
from __future__ import annotations

import datetime as dt
import email.utils
from email.message import EmailMessage

import pytest

from lyciq_xl import contract as c
from mail_fixtures import build_master, by_id, fill, grid, receipt_lines, run_cli, set_saved, sha

PERIOD = "2014Q3"
BGS_FILE = f"办公室_{PERIOD}_绩效填报.xlsx"
BGS_RECEIPT = f"办公室_{PERIOD}_回执.xlsx"
IND = c.Indicators.SHEET
OLDER, NEWER = dt.datetime(2014, 10, 3, 9, 0), dt.datetime(2014, 10, 4, 16, 30)


@pytest.fixture
def setup(tmp_path):
    master = build_master(tmp_path / "master.xlsx")
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD) == 0
    sent = tmp_path / "out" / BGS_FILE
    older = fill(sent, tmp_path / "older", {IND: {"E2": "旧版内容"}}, saved=OLDER)
    newer = fill(sent, tmp_path / "newer", {IND: {"E2": "新版内容"}}, saved=NEWER)
    return master, older, newer, tmp_path


def content(master) -> str:
    return by_id(master, IND)["BGS-LZ-01"]["指标内容"]


def test_older_then_newer_in_two_runs(setup):
    master, older, newer, tmp = setup
    assert run_cli("collect", master, older, "--receipts", tmp / "rc1") == 0
    assert content(master) == "旧版内容"
    assert run_cli("collect", master, newer, "--receipts", tmp / "rc2") == 0
    assert content(master) == "新版内容"
    saved = [r[7] for r in grid(master, c.Receipts.SHEET)[1:]]       # 保存时间
    assert saved == [OLDER, NEWER]


def test_newer_then_older_refuses_the_older_naming_both_times(setup):
    """A plain .xlsx, exactly as an .eml: its own save time decides."""
    master, older, newer, tmp = setup
    assert run_cli("collect", master, newer, "--receipts", tmp / "rc1") == 0
    digest = sha(master)
    assert run_cli("collect", master, older, "--receipts", tmp / "rc2") == 1
    assert sha(master) == digest and content(master) == "新版内容"
    text = str(receipt_lines(tmp / "rc2", BGS_RECEIPT))
    assert "保存时间(2014-10-03 09:00)早于" in text and "(2014-10-04 16:30)" in text


def test_both_in_one_batch_named_so_that_name_order_is_wrong(setup):
    master, older, newer, tmp = setup
    batch = tmp / "batch"
    batch.mkdir()
    # name order: "a…" (the newer) first, "b…" (the older) second
    (batch / "a_办公室_最终版.xlsx").write_bytes(newer.read_bytes())
    (batch / "b_办公室_初稿.xlsx").write_bytes(older.read_bytes())
    assert run_cli("collect", master, batch, "--receipts", tmp / "rc") == 0
    assert content(master) == "新版内容"
    rows = grid(master, c.Receipts.SHEET)[1:]
    assert [r[2] for r in rows] == ["b_办公室_初稿.xlsx", "a_办公室_最终版.xlsx"]   # save order
    first = receipt_lines(tmp / "rc", BGS_RECEIPT)
    second = receipt_lines(tmp / "rc", f"办公室_{PERIOD}_回执(2).xlsx")
    assert first[0][1] == "b_办公室_初稿.xlsx"
    assert first[5][1].endswith("已被同批较新的文件“a_办公室_最终版.xlsx”取代")
    assert any(line[2] == "已取代" and "保存于2014-10-04 16:30" in line[3] for line in first)
    assert second[0][1] == "a_办公室_最终版.xlsx" and "取代" not in second[5][1]


def test_both_in_one_batch_the_other_name_order_too(setup):
    master, older, newer, tmp = setup
    batch = tmp / "batch"
    batch.mkdir()
    (batch / "a_初稿.xlsx").write_bytes(older.read_bytes())
    (batch / "b_最终版.xlsx").write_bytes(newer.read_bytes())
    assert run_cli("collect", master, batch, "--receipts", tmp / "rc") == 0
    assert content(master) == "新版内容"


def test_an_emails_arrival_caps_the_claimed_save_time(setup):
    """A file cannot have been saved after the mail carrying it arrived: a
    modified time of 2099 counts as the arrival, so it locks nobody out."""
    master, older, newer, tmp = setup
    future = set_saved(fill(older, tmp / "future", {IND: {"J2": "未来"}}), dt.datetime(2099, 1, 1))
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "bgs@lyciq.test", "jxb@lyciq.test", "回复"
    msg["Date"] = email.utils.format_datetime(dt.datetime(2014, 10, 2, 8, 0).astimezone())
    msg.set_content("见附件")
    msg.add_attachment(future.read_bytes(), maintype="application", subtype="octet-stream",
                       filename=BGS_FILE)
    (tmp / "a.eml").write_bytes(bytes(msg))
    assert run_cli("collect", master, tmp / "a.eml", "--receipts", tmp / "rc1") == 0
    assert grid(master, c.Receipts.SHEET)[1][7] == dt.datetime(2014, 10, 2, 8, 0)
    assert run_cli("collect", master, newer, "--receipts", tmp / "rc2") == 0   # saved 10-04
    assert content(master) == "新版内容"


def test_the_distributed_file_itself_is_not_a_return(setup, capsys):
    master, older, newer, tmp = setup
    sent = tmp / "out" / BGS_FILE
    digest = sha(master)
    capsys.readouterr()
    assert run_cli("collect", master, tmp / "out", "--receipts", tmp / "rc") == 1
    printed = capsys.readouterr().out
    assert printed.count("未填写,可能误交了分发原件") == 4      # the four section workbooks
    assert "未填写 4 个" in printed.splitlines()[-1]
    assert sha(master) == digest                                # no 回收记录 row, nothing written
    lines = receipt_lines(tmp / "rc", BGS_RECEIPT)
    assert lines[0][1] == sent.name and lines[5][1].startswith("未填写")
    assert run_cli("status", master, "--period", PERIOD) == 0
    states = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "未报送" in states["BGS"] and "否" in states["BGS"].split()


def test_a_libreoffice_resave_of_the_distributed_file_is_not_a_return(setup):
    from mail_fixtures import libreoffice_resave
    master, older, newer, tmp = setup
    resaved = libreoffice_resave(tmp / "out" / BGS_FILE, tmp)
    digest = sha(master)
    assert run_cli("collect", master, resaved, "--receipts", tmp / "rc") == 1
    assert sha(master) == digest
    assert receipt_lines(tmp / "rc", BGS_RECEIPT)[5][1].startswith("未填写")
