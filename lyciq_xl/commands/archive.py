"""个人档案 / `lyciq-xl archive`: the personal assessment files (个人考核档案,
SPEC 8) of the master's staff, one .xlsx per person, and with PDF their
PDFs from ONE LibreOffice run for the whole batch. Writes nothing to the
master; annex.personal builds each person's Document."""
from __future__ import annotations

from pathlib import Path

from lyciq_xl.annex import pdf
from lyciq_xl.annex.layout import render_workbook
from lyciq_xl.annex.personal import chosen_people, file_stem, personal_file
from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.engine import evaluate
from lyciq_xl.errors import ExitCode, InputError, PdfError
from lyciq_xl.port.base import WorkbookPort
from lyciq_xl.table import bulk_allocation
from lyciq_xl.xlsxio import safefile

SECONDS_PER_PDF = 1      # LibreOffice converts a one-page file in well under this
FOLDER = "个人考核档案"   # default output folder beside the workbook (the ribbon)


def archive(port: WorkbookPort, out: Path | None = None, person: str | None = None,
            dept: str | None = None, *, as_pdf: bool = False) -> Outcome:
    """Write the chosen people's files into `out` (default: a folder beside the workbook)."""
    if as_pdf:
        pdf.soffice()                     # fail before writing anything
    folder = out if out is not None else port.folder() / FOLDER
    with bulk_allocation():
        assessment = evaluate(port.read_tables())
    ind, people = chosen_people(assessment, person, dept)     # InputError before any write
    paths = [folder / f"{file_stem(ind, p)}.xlsx" for p in people]
    port.check_outputs_writable(paths)                   # one open in Excel: write none
    folder.mkdir(parents=True, exist_ok=True)
    for done, (p, path) in enumerate(zip(people, paths), 1):
        try:
            safefile.save_workbook(render_workbook(personal_file(ind, p).doc), path)
        except PermissionError as exc:    # Windows: last year's file is open in Excel
            raise InputError(f"无法保存“{path}”:该文件可能正在 Excel 中打开,请关闭后重试。") from exc
        port.progress("生成个人考核档案", done, len(paths))
    errors: list[str] = []
    if as_pdf and paths:
        try:
            pdf.convert(paths, folder, timeout=max(pdf.TIMEOUT, SECONDS_PER_PDF * len(paths)))
        except PdfError as exc:           # the .xlsx are written: not an exit 2
            errors.append(str(exc))
    if not paths:
        text = "没有计入考核月份的人员,未生成档案。"
    else:
        text = (f"已生成 {len(paths)} 人的个人考核档案"
                f"{'(含PDF)' if as_pdf and not errors else ''}:{folder}")
    return Outcome([text], text, ExitCode.PARTIAL if errors else ExitCode.OK, errors)
