"""附件1/2/3 and 考核结果通报 (`lyciq-xl annex`; the ribbon's 生成附件2/3):
read the master once, build every document in memory, then write."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lyciq_xl.annex import framework, html, indicators, key_tasks, pdf, quarterly, report
from lyciq_xl.annex.document import Document
from lyciq_xl.annex.layout import render_workbook
from lyciq_xl.annex.source import Source
from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.engine import Assessment, evaluate
from lyciq_xl.errors import ExitCode, InputError, PdfError
from lyciq_xl.port.base import WorkbookPort
from lyciq_xl.xlsxio import safefile

# what the clerk calls each document (the ribbon's message)
LABELS = {framework.FILE_NAME: "附件1", indicators.FILE_NAME: "附件2",
          key_tasks.FILE_NAME: "附件3", report.FILE_NAME: "考核结果通报"}
ALL = tuple(LABELS)


@dataclass
class Output:
    stem: str            # file name without extension (as in issue 3)
    doc: Document
    template: str


def build(source: Source, assessment: Callable[[], Assessment], stems: tuple[str, ...] = ALL,
          dept: str | None = None, include_drafts: bool = False) -> list[Output]:
    """The documents `stems` of one run. Annex 3 is the year-end variant
    (完成情况, 得分) once any 完成情况 has been entered, the plan otherwise.
    `assessment` is called only when a document needs the scores."""
    outputs = []
    if framework.FILE_NAME in stems:
        outputs.append(Output(framework.FILE_NAME, framework.build(source, dept), "annex1.html.j2"))
    if indicators.FILE_NAME in stems:
        outputs.append(Output(indicators.FILE_NAME, indicators.build(source, dept, include_drafts),
                              "annex2.html.j2"))
    if key_tasks.FILE_NAME in stems:
        scores: Mapping[int, Any] | None = (
            assessment().key_task_scores if key_tasks.has_outcomes(source) else None)
        outputs.append(Output(key_tasks.FILE_NAME,
                              key_tasks.build(source, dept, include_drafts, scores),
                              "annex3.html.j2"))
    if report.FILE_NAME in stems:
        outputs.append(Output(report.FILE_NAME, report.build(source, assessment(), dept),
                              "report.html.j2"))
    return outputs


def _save(out: Path, item: Output, as_html: bool) -> list[Path]:
    path = out / f"{item.stem}.xlsx"
    try:
        safefile.save_workbook(render_workbook(item.doc), path)
    except PermissionError as exc:    # Windows: the old annex is open in Excel
        raise InputError(f"无法保存“{path}”:该文件可能正在 Excel 中打开,请关闭后重试。") from exc
    written = [path]
    if as_html:
        html_path = out / f"{item.stem}.html"
        extra = {"bars": report.chart_data(item.doc)} if item.stem == report.FILE_NAME else {}
        safefile.write_atomically(
            html_path, html.render(item.doc, item.template, **extra).encode("utf-8"))
        written.append(html_path)
    return written


def annex(port: WorkbookPort, out: Path | None = None, stems: tuple[str, ...] = ALL, *,
          as_pdf: bool = False, as_html: bool = False, dept: str | None = None,
          include_drafts: bool = False, quarterly_reports: bool | None = None) -> Outcome:
    """Write the documents `stems` into `out` (default: beside the workbook);
    with `quarterly_reports` (default: when every annex is asked for) also the
    科室个人考核结果汇总表 of each quarter (SPEC 8)."""
    if as_pdf:
        pdf.soffice()                     # fail before writing anything
    folder = out if out is not None else port.folder()
    tables = port.read_tables()
    evaluated = evaluate(tables)      # rows it leaves out for errors are not printed
    source = Source.from_tables(tables, evaluated.findings)

    def assessment() -> Assessment:
        return evaluated
    # everything is built in memory first: an unknown dept is an InputError
    # before any file is written
    outputs = build(source, assessment, stems, dept, include_drafts)
    # 科室个人考核结果汇总表 (SPEC 8): one workbook per quarter, a sheet per section
    quarters = (quarterly.quarter_reports(evaluated, source.section(dept))
                if (stems == ALL if quarterly_reports is None else quarterly_reports) else [])
    stems_written = [o.stem for o in outputs] + [q.stem for q in quarters]
    # an annex still open in Excel: write none
    port.check_outputs_writable(folder / f"{stem}.xlsx" for stem in stems_written)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for done, item in enumerate(outputs, 1):
        written += _save(folder, item, as_html)
        port.progress("生成附件", done, len(outputs))
    for summary in quarters:
        path = folder / f"{summary.stem}.xlsx"
        safefile.save_workbook(summary.workbook(), path)
        written.append(path)
    errors: list[str] = []
    if as_pdf:
        try:
            written += pdf.convert([folder / f"{stem}.xlsx" for stem in stems_written], folder,
                                   timeout=pdf.TIMEOUT)
        except PdfError as exc:           # the .xlsx are written: not an exit 2
            errors.append(str(exc))
    lines = [f"已生成:{path}" for path in written]
    lines += [f"注意:{note}" for item in outputs for note in item.doc.notes]
    if len(outputs) == 1:
        alert = f"已生成{LABELS[outputs[0].stem]}:{written[0]}"
    else:
        alert = "已生成:" + "、".join(str(p) for p in written)
    return Outcome(lines, alert, ExitCode.PARTIAL if errors else ExitCode.OK, errors)
