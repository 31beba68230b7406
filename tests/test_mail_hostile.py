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
from email.message import EmailMessage
from pathlib import Path

import pytest
import python_calamine

from lyciq_xl import contract as c
from tests.mail_fixtures import build_master, parts, run_cli, sha

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


def zip_bytes(src: Path, replace: dict[str, bytes] = {}, extra: list[tuple[str, bytes]] = ()) -> bytes:
    """The section workbook re-zipped member by member, with edits; `extra`
    members are appended as given (duplicate names allowed)."""
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
