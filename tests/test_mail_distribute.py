"""distribute: section workbooks (content, protection, identity, no leaks)
and e-mail through a real SMTP server on 127.0.0.1."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook

from lyciq_xl import contract as c
from lyciq_xl.mail import integrity
from tests.mail_fixtures import (SECRET, SECTIONS, build_master, run_cli,
                                 smtp_server)

PERIOD = "2014Q3"


@pytest.fixture
def master(tmp_path):
    return build_master(tmp_path / "master.xlsx")


def book_path(out: Path, name: str) -> Path:
    return out / f"{name}_{PERIOD}_绩效填报.xlsx"


def test_section_workbook_content_and_protection(master, tmp_path):
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--out", out, "--period", PERIOD) == 0
    wb = load_workbook(book_path(out, "办公室"))
    assert wb.sheetnames == [c.SectionBook.GUIDE_SHEET, c.Indicators.SHEET, c.KeyTasks.SHEET,
                             c.Deductions.SHEET, c.Results.SHEET]
    assert all(ws.sheet_state == "visible" and ws.protection.sheet for ws in wb)
    assert wb.security.lockStructure
    ind = wb[c.Indicators.SHEET]
    assert [cell.value for cell in ind[1]] == list(c.Indicators.COLUMNS)
    assert [ind.cell(r, 3).value for r in (2, 3, 4)] == ["BGS-LZ-01", "BGS-LZ-02", "BGS-LZ-03"]
    # inputs unlocked (E 指标内容, J 责任人), identity columns locked
    assert not ind["E2"].protection.locked and not ind["J4"].protection.locked
    assert ind["C2"].protection.locked and ind["K2"].protection.locked and ind["D4"].protection.locked
    # 10 blank rows for new indicators: 5..14 open in B (绩效类别), locked in A (科室)
    assert not ind["B5"].protection.locked and not ind["B14"].protection.locked
    assert ind["A5"].protection.locked and ind["B15"].protection.locked
    drop = {str(dv.sqref): dv.formula1 for dv in ind.data_validations.dataValidation}
    assert drop == {"B5:B14": '"履职绩效,管理绩效"'}
    key = wb[c.KeyTasks.SHEET]
    completion = {str(dv.sqref): dv.formula1 for dv in key.data_validations.dataValidation}
    assert completion["L2:L3 L4:L13"] == '"完成,基本完成,未完成"'
    assert completion["F2:F3 F4:F13"] == "36526"                 # 完成时限: a date
    assert completion["G4:G13"] == '"1.5,1,0.5"' and completion["D4:D13"] == '"辽宁局,地方政府,本局"'
    # no drop-down may point at another sheet (the master's 科室 list would leak)
    assert not any("!" in (dv.formula1 or "") for ws in wb for dv in ws.data_validations.dataValidation)
    # own deduction and result only; the guide names the deadline 2014-10-05
    assert [r[0].value for r in wb[c.Deductions.SHEET].iter_rows(min_row=2)] == ["BGS-R1"]
    assert [r[1].value for r in wb[c.Results.SHEET].iter_rows(min_row=2)] == ["BGS"]
    guide = "\n".join(str(r[0].value) for r in wb[c.SectionBook.GUIDE_SHEET].iter_rows())
    assert "2014年10月5日" in guide and "HMAC" in guide
    assert wb.properties.creator in ("", None) and wb.properties.lastModifiedBy in ("", None)


def test_identity_and_hmac_in_custom_properties(master, tmp_path):
    out = tmp_path / "out"
    run_cli("distribute", master, "--out", out, "--period", PERIOD)
    wb = load_workbook(book_path(out, "人事科"))
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props[c.SectionBook.PROP_CODE] == "RSK" and props[c.SectionBook.PROP_PERIOD] == PERIOD
    assert props[c.SectionBook.PROP_VERSION] == c.TEMPLATE_VERSION
    # recompute the HMAC independently from what calamine reads back
    book = python_calamine.CalamineWorkbook.from_path(str(book_path(out, "人事科")))
    grids = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in book.sheet_names}
    rows = integrity.decode_rows(props[c.SectionBook.PROP_ROWS], grids)
    assert rows[c.Indicators.SHEET] == 4 and rows[c.KeyTasks.SHEET] == 3   # header + 3 / + 2
    cells = integrity.locked_cells(grids, rows)
    assert (c.Indicators.SHEET, "D2") in cells and (c.Indicators.SHEET, "E2") not in cells
    base = integrity.input_cells(grids, rows)          # the inputs as distributed, signed too
    assert base[(c.Indicators.SHEET, "E2")] == "人事科内容1"
    assert integrity.decode_base(props, integrity.INPUT_COLUMNS) == base
    identity = integrity.Identity("RSK", PERIOD, c.TEMPLATE_VERSION, props[c.SectionBook.PROP_DIST])
    data = integrity.payload(identity, rows, cells, base)
    assert integrity.verify(SECRET, data, props[c.SectionBook.PROP_MAC])
    assert not integrity.verify("another-secret-0123456789", data, props[c.SectionBook.PROP_MAC])


def _own_values(code: str) -> set[str]:
    """Texts of a section's own data that may legitimately mention an
    assessing department; stripped before the leak search."""
    return set()


def test_no_other_section_anywhere_in_the_file(master, tmp_path):
    out = tmp_path / "out"
    run_cli("distribute", master, "--out", out, "--period", PERIOD)
    for code, name, _, mail in SECTIONS:
        texts = []
        with zipfile.ZipFile(book_path(out, name)) as z:
            for info in z.infolist():
                raw = z.read(info)           # zipfile decompresses every part
                texts.append(raw.decode("utf-8", errors="replace"))
        blob = "\n".join(texts)
        assert name in blob and code in blob        # sanity: the search can hit
        for other_code, other_name, _, other_mail in SECTIONS:
            if other_code == code:
                continue
            ids = [f"{other_code}-LZ-0{n}" for n in (1, 2, 3)] + \
                  [f"{other_code}-ZD-0{n}" for n in (1, 2)] + [f"{other_code}-R1"]
            for needle in [other_name, other_code, other_mail] + ids:
                assert needle not in blob, f"{name}: found {needle}"


def test_send_one_message_per_section_over_smtp(master, tmp_path):
    controller, handler = smtp_server()
    try:
        rc = run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD,
                     "--send", "--smtp-host", "127.0.0.1", "--smtp-port", controller.port,
                     "--smtp-security", "none", "--sender", "jxb@lyciq.test")
    finally:
        controller.stop()
    assert rc == 0
    assert sorted(r for rcpts, _ in handler.messages for r in rcpts) == sorted(s[3] for s in SECTIONS)
    for rcpts, msg in handler.messages:
        name = next(s[1] for s in SECTIONS if s[3] == rcpts[0])
        assert msg["To"] == rcpts[0] and msg["From"] == "jxb@lyciq.test"
        assert msg["Subject"].startswith("【绩效填报】") and name in msg["Subject"]
        body = msg.get_body(("plain",)).get_content()
        assert "2014年10月5日" in body and "指标内容" in body
        (att,) = list(msg.iter_attachments())
        assert att.get_filename() == f"{name}_{PERIOD}_绩效填报.xlsx"
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(att.get_content()))
        grid = book.get_sheet_by_name(c.Indicators.SHEET).to_python()
        assert {row[0] for row in grid[1:]} == {name}


def test_failed_send_is_listed_and_rerun_sends_only_the_rest(master, tmp_path, capsys):
    refused = SECTIONS[1][3]
    args = ("distribute", master, "--out", tmp_path / "out", "--period", PERIOD, "--send",
            "--smtp-host", "127.0.0.1", "--smtp-security", "none", "--sender", "jxb@lyciq.test")
    controller, handler = smtp_server(refuse=[refused])
    try:
        assert run_cli(*args, "--smtp-port", controller.port) == 1
    finally:
        controller.stop()
    printed = capsys.readouterr().out
    assert "发送成功 3 封,失败 1 封" in printed and "550" in printed
    assert sorted(r[0] for r, _ in handler.messages) == sorted(s[3] for s in SECTIONS if s[3] != refused)
    controller, handler = smtp_server()
    try:
        assert run_cli(*args, "--smtp-port", controller.port) == 0
    finally:
        controller.stop()
    assert [r for r, _ in handler.messages] == [[refused]]
    assert "此前已发送" in capsys.readouterr().out


def test_without_send_writes_eml_drafts(master, tmp_path):
    out = tmp_path / "out"
    assert run_cli("distribute", master, "--out", out, "--period", PERIOD, "--dept", "ZHK") == 0
    (eml,) = out.glob("*.eml")
    import email, email.policy
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "zhk@lyciq.test" and msg["X-Unsent"] == "1"
    assert [a.get_filename() for a in msg.iter_attachments()] == [f"综合科_{PERIOD}_绩效填报.xlsx"]


def test_password_never_sent_in_clear(master, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LYCIQ_SMTP_PASSWORD", "pw")
    rc = run_cli("distribute", master, "--out", tmp_path / "out", "--send", "--smtp-host",
                 "mail.example.cn", "--smtp-user", "u", "--smtp-security", "none",
                 "--sender", "u@example.cn")
    assert rc == 2 and "未加密" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_secret_is_generated_into_params(tmp_path):
    path = build_master(tmp_path / "m.xlsx", secret=None)
    assert run_cli("distribute", path, "--out", tmp_path / "out", "--dept", "BGS") == 0
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    params = {r[0]: r[1] for r in book.get_sheet_by_name(c.Params.SHEET).to_python()}
    assert re.fullmatch(r"[0-9a-f]{64}", params[c.ParamKey.SECRET])


def _strip_column_cells(xml: str, letter: str) -> str:
    return re.sub(rf'<c r="{letter}\d+"[^>]*?(?:/>|>.*?</c>)', "", xml, flags=re.S)


def test_no_leak_with_the_full_sample_master(sample_path, tmp_path):
    """The sample (8 sections) names assessing sections in 考核责任部门 and has a
    deduction citing another section's indicator: only the former may stay."""
    master = sample_path
    assert run_cli("distribute", master, "--out", tmp_path / "out") == 0
    book = python_calamine.CalamineWorkbook.from_path(str(master))
    sheet = lambda n: book.get_sheet_by_name(n).to_python()
    sections = [(r[0], r[1], r[5]) for r in sheet(c.Sections.SHEET)[1:]]
    assert len(sections) == 8
    ids = {code: {r[2] for r in sheet(c.Indicators.SHEET)[1:] if r[0] in (code, name)} |
                 {r[1] for r in sheet(c.KeyTasks.SHEET)[1:] if r[0] in (code, name)}
           for code, name, _ in sections}
    for code, name, mail in sections:
        path = tmp_path / "out" / f"{name}_2014_绩效填报.xlsx"
        section_book = python_calamine.CalamineWorkbook.from_path(str(path))
        texts = []
        with zipfile.ZipFile(path) as z:
            sheet_files = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
            for part in z.namelist():
                text = z.read(part).decode("utf-8", errors="replace")
                if part in sheet_files:      # sheetN.xml follows sheet order
                    grid = section_book.get_sheet_by_index(sheet_files.index(part)).to_python()
                    for col, header in enumerate(grid[0] if grid else []):
                        if header == "考核责任部门":
                            from lyciq_xl.table import column_letter
                            text = _strip_column_cells(text, column_letter(col))
                texts.append(text)
        blob = "\n".join(texts)
        assert code in blob and min(ids[code]) in blob
        for other, other_name, other_mail in sections:
            if other == code:
                continue
            for needle in [other, other_name, other_mail, *sorted(ids[other] - ids[code])]:
                assert needle not in blob, f"{name}: {needle}"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, standing in for a bureau CA."""
    import subprocess
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login_with_password_from_environment(master, tmp_path, monkeypatch,
                                                      certificate, security):
    import ssl
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from tests.mail_fixtures import Recorder, free_port
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-pw")

    handler = Recorder()
    # aiosmtpd does not count implicit TLS as TLS for auth_require_tls, so that
    # check is only asked of the STARTTLS server (the SSL one is TLS throughout)
    tls = {"tls_context": context, "require_starttls": True, "auth_require_tls": True} \
        if security == "starttls" else {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticator, **tls)
    controller.start()
    monkeypatch.setenv("LYCIQ_SMTP_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("LYCIQ_SMTP_CAFILE", str(cert))
    try:
        rc = run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD,
                     "--dept", "BGS", "--send", "--smtp-host", "127.0.0.1",
                     "--smtp-port", controller.port, "--smtp-security", security,
                     "--smtp-user", "jxb", "--sender", "jxb@lyciq.test")
    finally:
        controller.stop()
    assert rc == 0
    assert seen == [(b"jxb", b"s3cret-pw")]
    assert [r for r, _ in handler.messages] == [["bgs@lyciq.test"]]
    log = (master.parent / "master_发送记录.json").read_text(encoding="utf-8")
    assert "s3cret-pw" not in log


def test_untrusted_server_certificate_is_not_accepted(master, tmp_path, certificate):
    import ssl
    from aiosmtpd.controller import Controller
    from tests.mail_fixtures import Recorder, free_port
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True)
    controller.start()
    try:   # no LYCIQ_SMTP_CAFILE: the self-signed certificate must be rejected
        rc = run_cli("distribute", master, "--out", tmp_path / "out", "--period", PERIOD,
                     "--dept", "BGS", "--send", "--smtp-host", "127.0.0.1",
                     "--smtp-port", controller.port, "--smtp-security", "starttls",
                     "--sender", "jxb@lyciq.test")
    finally:
        controller.stop()
    assert rc == 1 and handler.messages == []
    log = (master.parent / "master_发送记录.json").read_text(encoding="utf-8")
    assert "发送失败" in log and "CERTIFICATE_VERIFY_FAILED" in log


def test_section_without_email_is_listed_and_shown_in_status(tmp_path, capsys):
    from openpyxl import load_workbook as load
    path = build_master(tmp_path / "master.xlsx")
    wb = load(path)
    wb[c.Sections.SHEET]["F3"] = None                  # 人事科 has no e-mail address
    wb.save(path)
    assert run_cli("distribute", path, "--out", tmp_path / "out", "--period", PERIOD) == 1
    assert "人事科:科室表中没有电子邮箱" in capsys.readouterr().out
    assert (tmp_path / "out" / f"人事科_{PERIOD}_绩效填报.xlsx").exists()
    assert run_cli("status", path) == 0
    rows = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "缺少电子邮箱" in rows["RSK"] and "已生成邮件" in rows["BGS"]


def test_malformed_address_is_not_used(tmp_path, capsys):
    from openpyxl import load_workbook as load
    path = build_master(tmp_path / "master.xlsx")
    wb = load(path)
    wb[c.Sections.SHEET]["F3"] = "rsk@lyciq.test\nBcc: all@elsewhere.test"
    wb.save(path)
    assert run_cli("distribute", path, "--out", tmp_path / "out", "--period", PERIOD) == 1
    assert "格式不正确(第3行)" in capsys.readouterr().out
    assert not (tmp_path / "out" / f"人事科_{PERIOD}_邮件.eml").exists()
