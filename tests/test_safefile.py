import os
import stat

import openpyxl

from lyciq_xl.xlsxio import safefile


def test_new_files_get_normal_permissions_not_mkstemps_0600(tmp_path):
    # Generated annexes and section workbooks are shared with colleagues.
    old = os.umask(0o022)
    try:
        path = tmp_path / "附件2.xlsx"
        safefile.save_workbook(openpyxl.Workbook(), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert openpyxl.load_workbook(path).sheetnames == ["Sheet"]
    assert [p.name for p in tmp_path.iterdir()] == ["附件2.xlsx"]   # no temp left


def test_replacing_keeps_the_files_permissions(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"old")
    path.chmod(0o640)
    safefile.write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
