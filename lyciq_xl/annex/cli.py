"""`lyciq-xl annex`: write the annexes (and the results report) into --out."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from lyciq_xl.annex import framework, html, indicators, key_tasks, pdf, quarterly, report
from lyciq_xl.annex.layout import Document, render_workbook
from lyciq_xl.annex.source import Source
from lyciq_xl.xlsxio import safefile

EXIT_OK = 0


@dataclass
class Output:
    stem: str            # file name without extension (as in issue 3)
    doc: Document
    template: str


def build_all(source: Source, assessment, dept: str | None = None,
              include_drafts: bool = False) -> list[Output]:
    """Every document of one run. Annex 3 is the year-end variant (完成情况,
    得分) once any 完成情况 has been entered, the plan otherwise."""
    scores = assessment.key_task_scores if key_tasks.has_outcomes(source) else None
    return [
        Output(framework.FILE_NAME, framework.build(source, dept), "annex1.html.j2"),
        Output(indicators.FILE_NAME, indicators.build(source, dept, include_drafts),
               "annex2.html.j2"),
        Output(key_tasks.FILE_NAME, key_tasks.build(source, dept, include_drafts, scores),
               "annex3.html.j2"),
        Output(report.FILE_NAME, report.build(source, assessment, dept), "report.html.j2"),
    ]


def run(args: argparse.Namespace) -> int:
    if args.pdf:
        pdf.soffice()                     # fail before writing anything
    source, assessment = report.load(args.workbook)
    # builds everything in memory first: an unknown --dept is an InputError
    # before any file is written
    outputs = build_all(source, assessment, args.dept, args.include_drafts)
    # 科室个人考核结果汇总表 (SPEC 8): one workbook per quarter, a sheet per section
    quarters = quarterly.quarter_reports(assessment, source.section(args.dept))

    out: Path = args.out
    for stem in [o.stem for o in outputs] + [q.stem for q in quarters]:
        safefile.check_not_locked(out / f"{stem}.xlsx")   # one still open in Excel: write none
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for item in outputs:
        path = out / f"{item.stem}.xlsx"
        safefile.save_workbook(render_workbook(item.doc), path)
        written.append(path)
        if args.html:
            html_path = out / f"{item.stem}.html"
            extra = {"bars": report.chart_data(item.doc)} if item.stem == report.FILE_NAME else {}
            safefile.write_atomically(
                html_path, html.render(item.doc, item.template, **extra).encode("utf-8"))
            written.append(html_path)
    for report_ in quarters:
        path = out / f"{report_.stem}.xlsx"
        safefile.save_workbook(report_.workbook(), path)
        written.append(path)
    if args.pdf:
        written += pdf.convert([out / f"{stem}.xlsx" for stem in
                                [o.stem for o in outputs] + [q.stem for q in quarters]], out)

    for path in written:
        print(f"已生成:{path}")
    for item in outputs:
        for note in item.doc.notes:
            print(f"注意:{note}")
    return EXIT_OK
