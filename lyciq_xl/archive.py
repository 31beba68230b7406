"""`lyciq-xl archive`: the personal assessment files (个人考核档案, SPEC 8)
of the master's staff into --out, one .xlsx per person, and with --pdf
their PDFs from ONE LibreOffice run for the whole batch.

The file adapter: reads the master once (writing nothing to it) and hands
the Assessment to annex.personal, which builds each person's Document."""
from __future__ import annotations

import argparse
from pathlib import Path

from lyciq_xl.annex import pdf
from lyciq_xl.annex.layout import render_workbook
from lyciq_xl.annex.personal import personal_files
from lyciq_xl.xlsxio import safefile

EXIT_OK = 0
SECONDS_PER_PDF = 1      # LibreOffice converts a one-page file in well under this


def write_archive(assessment, out: Path, person: str | None = None, dept: str | None = None,
                  as_pdf: bool = False) -> list[Path]:
    """Write the chosen people's files into `out`; the paths written."""
    files = personal_files(assessment, person, dept)     # InputError before any write
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for item in files:
        path = out / f"{item.stem}.xlsx"
        safefile.check_not_locked(path)
        safefile.save_workbook(render_workbook(item.doc), path)
        written.append(path)
    if as_pdf and written:
        timeout = max(pdf.TIMEOUT, SECONDS_PER_PDF * len(written))
        written += pdf.convert(written, out, timeout=timeout)
    return written


def run(args: argparse.Namespace) -> int:
    from lyciq_xl.recalc import assess_file
    if args.pdf:
        pdf.soffice()                     # fail before writing anything
    assessment = assess_file(Path(args.workbook))
    written = write_archive(assessment, args.out, args.person, args.dept, args.pdf)
    people = sum(1 for p in written if p.suffix == ".xlsx")
    print(f"已生成 {people} 人的个人考核档案({'含PDF,' if args.pdf else ''}文件夹:{args.out})。")
    if not people:
        print("没有计入考核月份的人员,未生成档案。")
    return EXIT_OK
