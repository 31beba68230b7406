"""A small master workbook for the mail tests, built with openpyxl per SPEC 5.

Four sections, each with its own indicators, key tasks, deductions and
results, so every section workbook has something to leak if splitting were
careless. Values are chosen to be unique per section (ids embed the code).
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import hashlib
import shutil
import socket
import subprocess
import uuid
import zipfile
from email.message import EmailMessage
from pathlib import Path

from openpyxl import Workbook

from lyciq_xl import contract as c
from lyciq_xl.cli import main as cli_main

SECRET = "0123456789abcdef0123456789abcdef-test-secret"
YEAR = 2014
SECTIONS = (  # code, name, series, e-mail
    ("BGS", "办公室", c.Series.ADMIN, "bgs@lyciq.test"),
    ("RSK", "人事科", c.Series.ADMIN, "rsk@lyciq.test"),
    ("ZHK", "综合科", c.Series.BUSINESS, "zhk@lyciq.test"),
    ("QFK", "轻纺科", c.Series.BUSINESS, "qfk@lyciq.test"),
)


def _sheet(wb, name, headers, rows):
    ws = wb.create_sheet(name)
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    return ws


def build_master(path: Path, secret: str | None = SECRET, with_results: bool = True) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    params = [[c.ParamKey.ORG_NAME, "辽阳出入境检验检疫局", None], [c.ParamKey.YEAR, YEAR, None]]
    params += [[c.ParamKey.COMPLETION_PREFIX + k, float(v), None] for k, v in c.DEFAULT_COMPLETION]
    params += [[c.ParamKey.RATING_PREFIX + k, float(v), None] for k, v in c.DEFAULT_RATINGS]
    params += [[c.ParamKey.BONUS_PREFIX + k, float(v), None] for k, v in c.DEFAULT_BONUS_LEVELS]
    if secret:
        params.append([c.ParamKey.SECRET, secret, "分发工作簿校验用"])
    _sheet(wb, c.Params.SHEET, c.Params.COLUMNS, params)
    _sheet(wb, c.Sections.SHEET, c.Sections.COLUMNS,
           [[code, name, series, f"{name}分管局长", f"{name}负责人", mail]
            for code, name, series, mail in SECTIONS])
    _sheet(wb, c.Framework.SHEET, c.Framework.REQUIRED, [list(r) for r in c.DEFAULT_FRAMEWORK])
    ind, key, ded, res = [], [], [], []
    for code, name, series, _ in SECTIONS:
        for n, cat in ((1, c.Category.DUTY), (2, c.Category.DUTY), (3, c.Category.MANAGEMENT)):
            ind.append([name, cat, f"{code}-LZ-0{n}", f"{name}指标{n}", f"{name}内容{n}",
                        f"{name}标准{n}", "查阅资料", "季度", "绩效办", f"{code}责任人{n}",
                        c.Approval.APPROVED])
        for n, pts in ((1, 1.5), (2, 0.5)):
            key.append([name, f"{code}-ZD-0{n}", f"{name}重点事项{n}", c.KeySource.BUREAU,
                        f"{name}目标{n}", dt.date(YEAR, 12, 31), pts, f"{name}分管局长",
                        f"{code}重点责任人{n}", "绩效办", c.Approval.APPROVED, None])
        ded.append([f"{code}-R1", f"{YEAR}Q3", dt.date(YEAR, 8, 1), name, c.Category.DUTY,
                    f"{code}-LZ-01", "S1", f"{name}扣分事由", 0.5, "绩效办", None, c.Status.VALID])
        res.append([f"{YEAR}Q3", code, name, series, 39.5, 30, None, None, None, 69.5, 1, None, 0])
    _sheet(wb, c.Indicators.SHEET, c.Indicators.COLUMNS, ind)
    _sheet(wb, c.KeyTasks.SHEET, c.KeyTasks.COLUMNS, key)
    _sheet(wb, c.Standards.SHEET, c.Standards.COLUMNS,
           [["S1", c.StandardSource.ANNEX4, "差错", c.Severity.MINOR, "一般差错", 0.1, 1,
             c.Category.DUTY]])
    _sheet(wb, c.Deductions.SHEET, c.Deductions.COLUMNS, ded)
    names = [s[1] for s in SECTIONS]
    _sheet(wb, c.PeerBallots.SHEET, list(c.PeerBallots.COLUMNS) + names, [])
    _sheet(wb, c.PartyBallots.SHEET, list(c.PartyBallots.COLUMNS) + names, [])
    _sheet(wb, c.External.SHEET, c.External.COLUMNS, [])
    _sheet(wb, c.Bonuses.SHEET, c.Bonuses.COLUMNS, [])
    if with_results:
        _sheet(wb, c.Results.SHEET, c.Results.COLUMNS, res)
    wb.save(path)
    return path


# --- helpers shared by the mail tests --------------------------------------------



def run_cli(*argv) -> int:
    return cli_main([str(a) for a in argv])


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_parts(path: Path) -> dict[str, str]:
    """sheet name -> zip part, read from workbook.xml and its rels."""
    import re
    p = parts(path)
    rels = {}
    for m in re.finditer(r"<Relationship ([^>]*)/?>", p["xl/_rels/workbook.xml.rels"].decode()):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        rels[attrs["Id"]] = attrs["Target"].lstrip("/").removeprefix("xl/")
    out = {}
    for m in re.finditer(r"<sheet ([^>]*)/>", p["xl/workbook.xml"].decode()):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
        out[attrs["name"]] = "xl/" + rels[attrs["r:id"]]
    return out


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None) -> Path:
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, replace.get(item.filename, zin.read(item.filename)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def libreoffice_resave(src: Path, workdir: Path) -> Path:
    """Re-save an .xlsx through LibreOffice headless, as a section using
    LibreOffice/WPS would."""
    out = workdir / f"lo-{uuid.uuid4().hex[:8]}"
    profile = f"file:///tmp/lo-profile-mail-{uuid.uuid4().hex[:8]}"
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    result = out / src.name
    assert result.exists(), "LibreOffice did not write the file"
    shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps every message, refuses addresses in `refuse`."""

    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 Message accepted"


def smtp_server(refuse=()):
    from aiosmtpd.controller import Controller
    handler = Recorder(refuse)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, handler


# --- returned workbooks and what collect wrote ---------------------------------------

def fill(src: Path, dest_dir: Path, edits: dict[str, dict[str, object]],
         saved: dt.datetime | None = None) -> Path:
    """A clerk fills cells with openpyxl; text is stored as text. `saved`:
    the file's docProps/core.xml modified time (local time), else now."""
    from openpyxl import load_workbook
    wb = load_workbook(src)
    for sheet, cells in edits.items():
        for address, value in cells.items():
            wb[sheet][address] = value
            if isinstance(value, str) and not value.startswith("=="):
                wb[sheet][address].data_type = "s"
            elif isinstance(value, str):          # "==1+1": a real formula "=1+1"
                wb[sheet][address] = value[1:]
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    wb.save(dest)
    if saved is not None:
        set_saved(dest, saved)
    return dest


def set_saved(path: Path, saved: dt.datetime) -> Path:
    """Rewrite dcterms:modified (openpyxl always stamps the moment of saving)."""
    import re
    core = parts(path)["docProps/core.xml"].decode()
    stamp = saved.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\2", core)
    assert new != core
    tmp = path.with_name(path.name + ".tmp")
    rewrite_zip(path, tmp, replace={"docProps/core.xml": new.encode()})
    tmp.replace(path)
    return path


def grid(path: Path, sheet: str) -> list[list]:
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python()


def by_id(path: Path, sheet: str) -> dict[str, dict]:
    rows = grid(path, sheet)
    return {r[rows[0].index("指标编号")]: dict(zip(rows[0], r)) for r in rows[1:]}


def receipt_lines(folder: Path, name: str) -> list[list]:
    return grid(folder / name, c.ReceiptBook.SHEET)


def edit_master(path: Path, sheet: str, cells: dict[str, object]) -> None:
    """The office edits its master in Excel (here: openpyxl) after distributing."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    for address, value in cells.items():
        wb[sheet][address] = value
    wb.save(path)


# --- 办公室's workbook distributed for one quarter (collect tests) ----------------

BGS_PERIOD = "2014Q3"
BGS_FILE = f"办公室_{BGS_PERIOD}_绩效填报.xlsx"
BGS_RECEIPT = f"办公室_{BGS_PERIOD}_回执.xlsx"


def distributed_bgs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A master in tmp_path, distributed for BGS_PERIOD: (master, 办公室's workbook, tmp_path)."""
    master = build_master(tmp_path / "master.xlsx")
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", BGS_PERIOD) == 0
    return master, tmp_path / "out" / BGS_FILE, tmp_path


# --- a small staff for the individual sheets (SPEC 8) ----------------------------------
# 办公室 BGS01 张明, BGS02 李华; 人事科 RSK01 王强; 综合科 ZHK01 赵敏; 轻纺科 none.
STAFF = (("BGS01", "张明", "办公室"), ("BGS02", "李华", "办公室"), ("RSK01", "王强", "人事科"),
         ("ZHK01", "赵敏", "综合科"))
PERSONAL_INDICATORS = (
    ("办公室", "BGS01", "BGS01-1", "公文校核(个人)", "BGS-LZ-01", "校核公文", "差错扣分", "已审核"),
    ("办公室", "BGS02", "BGS02-1", "信息报送(个人)", "BGS-LZ-02", "报送信息", "迟报扣分", "草拟"),
    ("人事科", "RSK01", "RSK01-1", "干部档案(个人)", "RSK-LZ-01", "整理档案", "缺漏扣分", "已审核"),
)
# 个人扣加分: rows 2-6 of the master; BGS's Q3 rows are master rows 2 and 3
PERSONAL_RECORDS = (
    ("2014-07", "BGS01", "BGS01-1", "扣分", 0.5, "公文错字", "王丽", "有效"),
    ("2014-08", "BGS02", "BGS02-1", "加分", 1, "信息被采用", "王丽", "有效"),
    ("2014-02", "BGS01", "BGS01-1", "扣分", 0.3, "一季度的记录", "王丽", "有效"),
    ("2014-07", "RSK01", "RSK01-1", "扣分", 0.3, "档案缺页", "刘军", "有效"),
    ("2014-10", "BGS01", "BGS01-1", "扣分", 0.2, "四季度的记录", "王丽", "有效"),
)
MONTHLY_REVIEWS = (("2014-07", "BGS01", "好", "认真", "王丽"), ("2014-07", "RSK01", None, None, "刘军"))
ANNUAL_REVIEWS = (("2014", "BGS01", "优秀", "党组确定"), ("2014", "RSK01", None, None))


def add_staff(path: Path) -> Path:
    """The individual sheets of SPEC 8 added to a build_master workbook."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    _sheet(wb, c.Staff.SHEET, c.Staff.COLUMNS, [[pid, name, dept, "科员", None, None, None, None]
                                                for pid, name, dept in STAFF])
    _sheet(wb, c.PersonalIndicators.SHEET, c.PersonalIndicators.COLUMNS, PERSONAL_INDICATORS)
    for spec, rows in ((c.PersonalRecords, PERSONAL_RECORDS), (c.MonthlyReviews, MONTHLY_REVIEWS),
                       (c.AnnualReviews, ANNUAL_REVIEWS)):
        ws = _sheet(wb, spec.SHEET, spec.COLUMNS, rows)
        for row in ws.iter_rows(min_row=2, max_col=1):     # months and years typed as text
            row[0].data_type = "s"
    wb.save(path)
    return path


def distributed_staff(tmp_path: Path, period: str = BGS_PERIOD) -> tuple[Path, Path, Path]:
    """A master with staff in tmp_path, distributed for `period`:
    (master, 办公室's workbook, tmp_path)."""
    master = add_staff(build_master(tmp_path / "master.xlsx"))
    assert run_cli("distribute", master, "--out", tmp_path / "out", "--period", period) == 0
    return master, tmp_path / "out" / f"办公室_{period}_绩效填报.xlsx", tmp_path


def eml(path: Path, dest: Path, when: dt.datetime, received: dt.datetime | None = None) -> Path:
    """A section head's reply dated `when` with the workbook `path` attached,
    written to `dest` as .eml (what a clerk saves from Outlook)."""
    msg = EmailMessage()
    if received:    # what the bureau's mail server stamps on arrival
        msg["Received"] = (f"from mx.lyciq.test by mail.lyciq.test; "
                           f"{email.utils.format_datetime(received.astimezone())}")
    msg["From"], msg["To"], msg["Subject"] = "bgs@lyciq.test", "jxb@lyciq.test", "回复"
    msg["Date"] = email.utils.format_datetime(when.astimezone())
    msg.set_content("已填好")
    msg.add_attachment(path.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       filename=path.name)
    dest.write_bytes(bytes(msg))
    return dest
