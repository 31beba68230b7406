"""The add-in built from macros/: package structure, VBA read back by
olevba, ribbon callbacks, reproducibility, and the CFB/PROJECT details."""
import io
import re
import struct
import zipfile
from pathlib import Path

import olefile
import pytest
from defusedxml import ElementTree
from oletools.olevba import VBA_Parser

from addin_fixtures import BAD_NAME, NO_WORKBOOK, TITLE, olevba_modules, procedure
from lyciq_xl.addin import build, vbaproject
from lyciq_xl.addin.ovba import decompress

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UI_NS = "{http://schemas.microsoft.com/office/2009/07/customui}"


@pytest.fixture(scope="module")
def xlam() -> bytes:
    return build.package(build.read_sources())


@pytest.fixture(scope="module")
def parts(xlam):
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def vba_bin(parts, tmp_path_factory) -> Path:
    # on disk: olevba's stomping check needs a real file
    path = tmp_path_factory.mktemp("vba") / "vbaProject.bin"
    path.write_bytes(parts["xl/vbaProject.bin"])
    return path


def expected_sources() -> dict[str, str]:
    """Each of our modules' stored source, worked out from the files
    independently of the builder: CRLF endings. (The xlwings module is
    patched: tests/test_addin_security.py reads it back; Dictionary is
    compared with Excel's own stored copy below.)"""
    ribbon = (build.MACROS / "LyciqRibbon.bas").read_text()
    actions = (build.MACROS / "LyciqActions.bas").read_text()

    def crlf(text):
        return "".join(line + "\r\n" for line in text.splitlines())
    return {"LyciqRibbon": crlf(ribbon), "LyciqActions": crlf(actions)}


def excel_stored(module: str) -> str:
    """`module` as Excel itself stored it in xlwings' shipped add-in."""
    import xlwings
    return olevba_modules(Path(xlwings.__file__).parent / "addin" / "xlwings.xlam")[module]


def test_content_types(parts):
    types = ElementTree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(CT_NS + "Override")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(CT_NS + "Default")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    assert defaults["xml"] == "application/xml"          # covers customUI14.xml
    for part in overrides:
        assert part.lstrip("/") in parts, part


def test_relationships(parts):
    root = ElementTree.fromstring(parts["_rels/.rels"])
    rels = {r.get("Type"): r.get("Target") for r in root.iter(REL_NS + "Relationship")}
    assert rels["http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"] \
        == "customUI/customUI14.xml"
    assert rels["http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"] \
        == "xl/workbook.xml"
    wb = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    wrels = {r.get("Type"): r.get("Target") for r in wb.iter(REL_NS + "Relationship")}
    assert wrels["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == "vbaProject.bin"
    for target in list(rels.values()) + ["xl/" + t for t in wrels.values()]:
        assert target in parts, target
    assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]
    assert b'codeName="Sheet1"' in parts["xl/worksheets/sheet1.xml"]


def test_ribbon_tab_groups_and_buttons(parts):
    ui = ElementTree.fromstring(parts["customUI/customUI14.xml"])
    tab, = ui.iter(UI_NS + "tab")
    assert tab.get("label") == "绩效考核"
    groups = {g.get("label"): [b.get("label") for b in g.iter(UI_NS + "button")]
              for g in tab.iter(UI_NS + "group")}
    assert groups == {"计算": ["重新计算", "校验"], "附件": ["生成附件2", "生成附件3"],
                      "个人": ["个人档案"], "分发": ["分发工作簿", "分发考核表", "汇总回收", "反馈单"]}
    for button in ui.iter(UI_NS + "button"):
        assert button.get("imageMso") and button.get("screentip") and button.get("supertip")


def test_every_button_runs_lyciq_run(parts):
    ui = ElementTree.fromstring(parts["customUI/customUI14.xml"])
    buttons = list(ui.iter(UI_NS + "button"))
    assert buttons
    assert {b.get("onAction") for b in buttons} == {"LyciqRibbon.LyciqRun"}
    source = (build.MACROS / "LyciqRibbon.bas").read_text()
    assert re.search(r"^Sub LyciqRun\(control As IRibbonControl\)$", source, re.M)


def test_each_button_names_one_xl_function(parts):
    import inspect

    from lyciq_xl import xl
    ui = ElementTree.fromstring(parts["customUI/customUI14.xml"])
    tags = [b.get("tag") for b in ui.iter(UI_NS + "button")]
    assert tags == ["recalculate", "validate", "generate_annex2", "generate_annex3",
                    "personal_archive", "distribute", "distribute_assessors", "collect",
                    "feedback"]
    for tag in tags:
        func = getattr(xl, tag)
        assert tag in xl.__all__
        # RunPython calls it with no arguments
        params = inspect.signature(func, follow_wrapped=False).parameters.values()
        assert all(p.default is not p.empty for p in params), tag


def test_lyciq_run_guards_before_python_starts(vba_bin):
    module = olevba_modules(vba_bin)["LyciqRibbon"]
    run = procedure(module, "LyciqRun").splitlines()
    # the guard is the first statement; RunPython only after it said ""
    assert run[2].strip() == "refusal = LyciqRefusal(ActiveWorkbook, control.Tag)"
    assert run[3].strip() == 'If refusal <> "" Then'
    assert "Exit Sub" in run[5] and "RunPython" in run[7]
    refusal = procedure(module, "LyciqRefusal").splitlines()
    assert refusal[1].strip() == "If wb Is Nothing Then"


def test_ribbon_messages_are_chinese_built_with_chrw(vba_bin):
    module = olevba_modules(vba_bin)["LyciqRibbon"]
    assert module.isascii()
    consts = dict(re.findall(r'Private Const (\w+_TEXT) As String = "([0-9A-F]+)"', module))

    def text(units):   # 4 hex digits per UTF-16 code unit, as LyciqText reads them
        return "".join(chr(int(units[i:i + 4], 16)) for i in range(0, len(units), 4))
    assert {k: text(v) for k, v in consts.items()} == {
        "TITLE_TEXT": TITLE, "NO_WORKBOOK_TEXT": NO_WORKBOOK, "BAD_NAME_TEXT": BAD_NAME}
    assert 'MsgBox refusal, vbExclamation, LyciqText(TITLE_TEXT)' in module
    assert "ChrW(" in procedure(module, "LyciqText")


def test_vba_sources_are_ascii():
    for path in build.MACROS.glob("*.bas"):
        assert path.read_bytes().isascii(), path
    assert (build.MACROS / "ThisWorkbook.cls").read_bytes().isascii()
    with pytest.raises(ValueError, match="not ASCII"):
        vbaproject.module_from_source('Attribute VB_Name = "X"\nMsgBox "考核"\n',
                                      vbaproject.PROCEDURAL)


def test_olevba_reads_every_module_back(vba_bin):
    parser = VBA_Parser(str(vba_bin))
    got = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_all_macros()}
    assert sorted(got) == ["Dictionary", "LyciqActions", "LyciqRibbon", "Sheet1",
                           "ThisWorkbook", "xlwings"]
    for name, code in expected_sources().items():
        assert got[name] == code, name
    # the class and document modules carry every attribute Excel writes
    # (Excel for Mac needs VB_Base on a class): the same text as Excel's own
    # save of xlwings' add-in, attribute for attribute
    assert got["Dictionary"] == excel_stored("Dictionary")
    attributes = [line for line in excel_stored("ThisWorkbook").splitlines()
                  if line.startswith("Attribute ")]
    assert len(attributes) == 8
    assert got["ThisWorkbook"].startswith("\r\n".join(attributes) + "\r\n")
    sheet = [line for line in excel_stored("Sheet1").splitlines() if line.startswith("Attribute ")]
    assert got["Sheet1"] == "\r\n".join(sheet) + "\r\n"
    assert parser.detect_vba_stomping() is False
    parser.close()


def test_source_only_project(vba_bin):
    ole = olefile.OleFileIO(str(vba_bin))
    # Reserved1 0x61CC, Version 0xFFFF: no p-code, Excel compiles the source
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in project
    assert "Module=LyciqRibbon" in project and "Class=Dictionary" in project
    # the Office library reference that IRibbonControl needs
    assert b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in decompress(ole.openstream("VBA/dir").read())
    ole.close()


def test_project_protection_fields_decrypt():
    project_id = vbaproject.PROJECT_ID
    key = sum(project_id.encode()) & 0xFF
    for data in (bytes(4), bytes(1), b"\xff"):
        assert vbaproject.decrypt(vbaproject.encrypt(data)) == (key, data)
    # and our decryptor agrees with Excel's own output (xlwings' add-in):
    # CMG = 0 (unprotected), DPB = 0x00 (no password), GC = 0xFF (visible)
    pid = "{318BEE36-5BE1-492A-826D-473DB19B0F30}"
    pid_key = sum(pid.encode()) & 0xFF
    assert vbaproject.decrypt("5D5F8AADDAA8DEA8DEA8DEA8DE") == (pid_key, bytes(4))
    assert vbaproject.decrypt("5D5F8AADDAADDBADDBAD") == (pid_key, b"\x00")
    assert vbaproject.decrypt("5D5F8AADDAADDBADDB52") == (pid_key, b"\xff")


def test_cfb_directory_is_a_valid_red_black_tree(vba_bin):
    raw = vba_bin.read_bytes()
    ole = olefile.OleFileIO(str(vba_bin))
    entries = ole.direntries
    assert all(e.getctime() is None and e.getmtime() is None for e in entries if e)
    assert all(e.clsid == "" for e in entries if e)

    def black_height(sid):
        if sid == 0xFFFFFFFF:
            return 1
        e = entries[sid]
        left, right = black_height(e.sid_left), black_height(e.sid_right)
        assert left == right
        if e.color == 0:     # red: both children black
            for kid in (e.sid_left, e.sid_right):
                assert kid == 0xFFFFFFFF or entries[kid].color == 1
        return left + (e.color == 1)
    for e in entries:
        if e and e.entry_type in (1, 5):
            assert e.sid_child == 0xFFFFFFFF or entries[e.sid_child].color == 1
            black_height(e.sid_child)
    assert struct.unpack_from("<H", raw, 0x1A)[0] == 3        # CFB version 3
    ole.close()


def test_build_is_reproducible(xlam):
    again = build.package(build.read_sources())
    assert again == xlam
    with zipfile.ZipFile(io.BytesIO(xlam)) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
    # stored: deflate output could differ between zlib builds
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)


def test_committed_addin_is_current(xlam):
    committed = build.DEFAULT_OUT.read_bytes()
    assert committed == xlam, "workbook/lyciq.xlam is stale: run `lyciq-xl build`"
