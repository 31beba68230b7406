"""The annex command end to end: real LibreOffice PDFs (one soffice run for
all four files), pdftotext/pdftoppm/pdffonts read-back, HTML, the results
report with its native charts, exit codes."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from annex_fixtures import INDICATORS, KEY_TASKS, build_master
from lyciq_xl import contract
from lyciq_xl.annex import key_tasks, report
from lyciq_xl.cli import main

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice and poppler-utils are required")

STEMS = ["附件1_绩效指标框架", "附件2_履职绩效和管理绩效指标", "附件3_年度重点绩效指标", "考核结果通报"]
APPROVED_NAMES = [name for dept, _, _, name, status in INDICATORS
                  if status == contract.Approval.APPROVED and dept != "财务科"]
APPROVED_TASKS = [task for dept, _, task, _, status, _ in KEY_TASKS
                  if status == contract.Approval.APPROVED and dept != "财务科"]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("annex")
    master = build_master(base / "master.xlsx")
    target = base / "out"
    assert main(["annex", str(master), "--out", str(target), "--pdf", "--html"]) == 0
    return target


def _text(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", "", raw)          # wrapped cell text joins up again


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_every_file_is_written_with_the_issue_names(out):
    expected = {f"{s}.{ext}" for s in STEMS for ext in ("xlsx", "pdf", "html")}
    assert {p.name for p in out.iterdir()} == expected


def test_pdf_annex2_shows_title_label_and_every_indicator(out):
    pdf = out / f"{STEMS[1]}.pdf"
    text = _text(pdf)
    assert "辽阳检验检疫局履职绩效和管理绩效指标" in text and "附件2" in text and "2014年" in text
    for name in APPROVED_NAMES:
        assert name in text, name
    assert "档案管理规范" not in text                 # a draft
    assert "第1页共" in text                          # footer page numbers
    assert 1 <= _pages(pdf) <= 3                       # 7 rows of long text, landscape


def test_pdf_header_row_and_section_label_on_every_page(out):
    pdf = out / f"{STEMS[1]}.pdf"
    pages = [_text_page(pdf, n) for n in range(1, _pages(pdf) + 1)]
    assert len(pages) == 2                 # 5 long rows fit on page 1 (see test_annex.py)
    assert all("指标名称指标内容评分标准" in p for p in pages)
    assert "轻纺科" in pages[1]             # the split group shows its label again
    assert "第2页共2页" in pages[1]


def _text_page(pdf: Path, page: int) -> str:
    raw = subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", raw)


def test_pdf_annex3_and_annex1(out):
    text = _text(out / f"{STEMS[2]}.pdf")
    assert "辽阳检验检疫局年度重点绩效指标" in text and "附件3" in text
    for task in APPROVED_TASKS:
        assert task in text, task
    assert "合计" in text and "4.5" in text
    assert 1 <= _pages(out / f"{STEMS[2]}.pdf") <= 3
    text = _text(out / f"{STEMS[0]}.pdf")
    assert "辽阳出入境检验检疫局绩效指标框架" in text and "附件1" in text
    for item in ("相互评价", "党组评价", "地方政府评价", "企业评价", "创优绩效"):
        assert item in text
    assert _pages(out / f"{STEMS[0]}.pdf") == 1


def test_pdf_fonts_are_cjk(out):
    fonts = subprocess.run(["pdffonts", str(out / f"{STEMS[1]}.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "NotoSansCJK" in fonts        # 黑体 label and header
    assert "NotoSerifCJK" in fonts       # 宋体 title, 仿宋 body
    assert "DejaVu" not in fonts         # no Latin font standing in for a Chinese one


def test_report_xlsx_has_native_charts(out):
    path = out / f"{STEMS[3]}.xlsx"
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        assert "<barChart>" in z.read(charts[0]).decode()
        assert "drawingml.chart+xml" in z.read("[Content_Types].xml").decode()
        assert 'grouping val="stacked"' in z.read(charts[1]).decode()
    ws = load_workbook(path).active
    assert len(ws._charts) == 2 and ws.page_setup.paperSize == 9


def test_report_year_results_ranked_per_series(out):
    ws = load_workbook(out / f"{STEMS[3]}.xlsx").active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=1, max_col=10)]
    start = next(i for i, r in enumerate(rows) if r[0] == "序列") + 1
    year = []
    for r in rows[start:]:
        if r[2] is None:
            break
        year.append((r[1], r[2], r[8]))
    assert year == [
        (1, "人事科", 70),        # 40 + 30, no deductions
        (2, "办公室", 69.5),      # 40 − 0.5 (2014Q1) + 30
        (1, "综合科", 70), (1, "机电化矿科", 70), (1, "检疫科", 70),   # 45 + 25
        (4, "轻纺科", 68.8),      # 45 + 25 − 1.2 (2014Q2)
        (1, "机关服务中心", 70), (1, "保健中心", 70)]


def test_pdf_report_shows_tables_and_charts(out, tmp_path):
    pdf = out / f"{STEMS[3]}.pdf"
    text = _text(pdf)
    assert "辽阳检验检疫局2014年度绩效考核结果通报" in text
    assert "各科室年度总分" in text and "各科室年度得分构成" in text
    assert _pages(pdf) == 2                       # tables, then the charts on their own page
    # the bars themselves: the chart page has plenty of chart-blue pixels
    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "30", str(pdf), str(tmp_path / "p")],
                   check=True)
    ppm = next(tmp_path.glob("p*.ppm")).read_bytes()
    header_end = _ppm_header_end(ppm)
    pixels = ppm[header_end:]
    blue = sum(1 for i in range(0, len(pixels) - 2, 3)
               if pixels[i + 2] > 150 and pixels[i] < 110 and pixels[i + 1] < 160)
    assert blue > 500


def _ppm_header_end(data: bytes) -> int:
    """Byte offset of the pixels in a binary P6 file (magic, width, height, max)."""
    fields, pos = 0, 0
    while fields < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields += 1
    return pos + 1


def test_html_versions(out):
    for stem in STEMS:
        page = (out / f"{stem}.html").read_text(encoding="utf-8")
        assert "@page" in page and "<thead>" in page
    annex2 = (out / f"{STEMS[1]}.html").read_text(encoding="utf-8")
    assert "size: A4 landscape" in annex2 and "附件2" in annex2 and 'rowspan="3"' in annex2
    for name in APPROVED_NAMES:
        assert name in annex2
    annex3 = (out / f"{STEMS[2]}.html").read_text(encoding="utf-8")
    for task in APPROVED_TASKS:
        assert task in annex3
    assert "size: A4 portrait" in (out / f"{STEMS[0]}.html").read_text(encoding="utf-8")
    assert "各科室年度总分" in (out / f"{STEMS[3]}.html").read_text(encoding="utf-8")


def test_year_end_annex3_scores_from_the_engine(tmp_path):
    master = build_master(tmp_path / "m.xlsx", completion={
        "BGS-Z01": "完成", "BGS-Z02": "基本完成", "RSK-Z01": "完成",
        "QFK-Z01": "未完成", "QFK-Z02": "完成"})
    source, assessment = report.load(master)
    assert key_tasks.has_outcomes(source)
    lines = key_tasks.build(source, scores=assessment.key_task_scores).blocks[0].lines
    assert [(l.cells[3], l.cells[-2], l.cells[-1]) for l in lines] == [
        ("推进无纸化办公系统建设", "完成", Decimal("1.5")),      # 1.5 × 1
        ("完成机关档案数字化", "基本完成", Decimal("0.5")),      # 1 × 0.5
        ("小计", None, Decimal("2.0")),
        ("全员业务培训计划", "完成", Decimal("0.5")),            # 0.5 × 1
        ("小计", None, Decimal("0.5")),
        ("出口服装质量提升工程", "未完成", Decimal("0")),         # 1 × 0
        ("纺织品检测能力建设", "完成", Decimal("0.5")),          # 0.5 × 1
        ("小计", None, Decimal("0.5")),
        ("合计", None, Decimal("3.0"))]                           # 2.0 + 0.5 + 0.5
    out = tmp_path / "out"
    assert main(["annex", str(master), "--out", str(out), "--dept", "人事科"]) == 0
    ws = load_workbook(out / f"{STEMS[2]}.xlsx").active
    assert ws["A2"].value == "辽阳检验检疫局年度重点绩效指标完成情况"
    assert [c.value for c in ws[4]][-2:] == ["完成情况", "得分"]
    assert ws["D5"].value == "全员业务培训计划" and ws["M5"].value == 0.5


def test_unknown_dept_is_exit_2_and_nothing_written(tmp_path, capsys):
    master = build_master(tmp_path / "m.xlsx")
    out = tmp_path / "out"
    assert main(["annex", str(master), "--out", str(out), "--dept", "财务科"]) == 2
    assert "科室“财务科”不在工作表“科室”中" in capsys.readouterr().err
    assert not out.exists()


def test_missing_soffice_is_a_chinese_error_before_writing(tmp_path, capsys, monkeypatch):
    master = build_master(tmp_path / "m.xlsx")
    monkeypatch.setenv("PATH", str(tmp_path))      # a PATH without LibreOffice
    out = tmp_path / "out"
    assert main(["annex", str(master), "--out", str(out), "--pdf"]) == 2
    assert "未找到 LibreOffice" in capsys.readouterr().err
    assert not out.exists()


def test_pdf_failure_after_the_xlsx_is_exit_3_not_2(tmp_path, monkeypatch, capsys):
    """Exit 2 promises nothing was written; when LibreOffice fails after the
    .xlsx files are written (here: a real soffice run that exceeds its time
    limit), the exit says "written in part" and the message says what is there."""
    from lyciq_xl.annex import pdf
    master = build_master(tmp_path / "master.xlsx")
    monkeypatch.setattr(pdf, "TIMEOUT", 0.001)
    target = tmp_path / "out"
    assert main(["annex", str(master), "--out", str(target), "--pdf"]) == 3
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{s}.xlsx" for s in STEMS)
    captured = capsys.readouterr()
    assert "超时" in captured.err and "Excel文件已生成" in captured.err
    assert captured.out.count("已生成:") == 4
