"""Benchmarks: print a table of wall times, CPU times and peak memory.

    python bench/run.py              # sample + province (200 sections, 200,000 deductions)
                                     # + the individual part with 2,000 people
    python bench/run.py --quick      # province scale with 20,000 deductions
    python bench/run.py --people 0   # without the individual part
    python bench/run.py --archive    # + `archive` of all 2,000 people (.xlsx) and a PDF batch
    python bench/run.py --mail       # + distribute to the 200 sections and collect them back
    python bench/run.py --national   # also national scale (1,000 sections, 1,000,000 deductions; minutes)

Side by side for each file, each in its own process: fastexcel's columnar
read of every sheet (calamine -> Arrow, the floor for a Python tool),
python-calamine's cell-by-cell read, and `lyciq-xl recalc`; the ratios and
peak memory (ru_maxrss of the process). Measured, never asserted. Targets
(issue 9): recalc <= 1.5x fastexcel's read, national peak < 1.2 GB; issue
10: the individual part adds <= 30 % to the province recalc. CPU seconds
(user + system) are printed too: on a shared machine they move less than
wall times. Exit 1 (done, with validation errors: the bench files plant
some) and 3 (written in part, e.g. PDFs failed) still give a measure; the
notes under the table say which run ended so.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import NATIONAL, PROVINCE, generate  # noqa: E402
from lyciq_xl import contract  # noqa: E402

DATA = ROOT / "bench" / ".data"


NOTES: list[str] = []
DONE = (0, 1, 3)      # exit codes after which the command has done its work (ExitCode)


def run_measured(argv: list[str]) -> tuple[float, int, float]:
    """Run a command; return (wall seconds, peak RSS in MiB, CPU seconds).
    Exit 1 (validation errors) and 3 (written in part; noted) are measured;
    exit 2 or a crash stops the bench. stderr goes to a file: a pipe nobody
    reads while waiting would block a chatty child."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace").strip()
    if proc.returncode not in DONE:
        raise SystemExit(f"{argv} failed (exit {proc.returncode}): {text}")
    if proc.returncode == 3:
        NOTES.append(f"{' '.join(Path(a).name for a in argv[2:4])}: exit 3 (written in part): {text[-300:]}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def median_of(n: int, measure) -> list:
    runs = [measure() for _ in range(n)]
    return [statistics.median(col) for col in zip(*runs)]


def fastexcel_read_all(path: Path, *sheets: str) -> list[str]:
    """fastexcel's read of every sheet, or of `sheets` only."""
    code = ("import fastexcel, sys\n"
            "r = fastexcel.read_excel(sys.argv[1])\n"
            "[r.load_sheet(s).to_arrow() for s in (sys.argv[2:] or r.sheet_names)]\n")
    return [sys.executable, "-c", code, str(path), *sheets]


def calamine_read_all(path: Path) -> list[str]:
    code = ("import python_calamine as pc, sys\n"
            "b = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
            "[b.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in b.sheet_names]\n")
    return [sys.executable, "-c", code, str(path)]


def recalc_cmd(path: Path) -> list[str]:
    return [sys.executable, "-m", "lyciq_xl", "recalc", str(path)]


def bench_recalc(source: Path, repeats: int, tmp: Path) -> tuple[float, int, float]:
    def once():
        work = tmp / "work" / source.name
        work.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, work)
        shutil.rmtree(work.parent / ".lyciq-backup", ignore_errors=True)
        return run_measured(recalc_cmd(work))
    return median_of(repeats, once)


def side_by_side(label: str, path: Path, repeats: int, tmp: Path) -> list[tuple[str, ...]]:
    """fastexcel read, python-calamine read and recalc of one file, each the
    median of `repeats` runs (taken in turn, so load on the machine falls on
    all three alike): rows of (measure, wall s, CPU s, peak MiB)."""
    runs: dict[str, list] = {"fastexcel": [], "calamine": [], "recalc": []}
    for _ in range(repeats):
        runs["fastexcel"].append(run_measured(fastexcel_read_all(path)))
        runs["calamine"].append(run_measured(calamine_read_all(path)))
        runs["recalc"].append(bench_recalc(path, 1, tmp))
    fx, cal, rec = ([statistics.median(col) for col in zip(*runs[k])] for k in runs)

    def row(name: str, m: list) -> tuple[str, ...]:
        return f"{label}: {name}", f"{m[0]:.2f}", f"{m[2]:.2f}", f"{m[1]:.0f}"
    return [(f"{label}: file size", f"{path.stat().st_size / 1e6:.1f} MB", "", ""),
            row("fastexcel read, all sheets", fx),
            row("python-calamine read, all sheets", cal),
            row("lyciq-xl recalc", rec),
            (f"{label}: recalc / fastexcel (target <= 1.5)", f"{rec[0] / fx[0]:.2f}",
             f"{rec[2] / fx[2]:.2f}", ""),
            (f"{label}: recalc / python-calamine", f"{rec[0] / cal[0]:.2f}",
             f"{rec[2] / cal[2]:.2f}", "")]


def phases(path: Path) -> dict[str, float]:
    """In-process split of one recalc into its phases (seconds)."""
    from lyciq_xl.engine import evaluate, owned_sheets
    from lyciq_xl.table import bulk_allocation
    from lyciq_xl.xlsxio.reader import read_tables
    from lyciq_xl.xlsxio.writer import write_workbook
    times, t = {}, time.perf_counter()
    with bulk_allocation():
        tables = read_tables(path)
        times["read+normalise"], t = time.perf_counter() - t, time.perf_counter()
        assessment = evaluate(tables)
        times["evaluate"], t = time.perf_counter() - t, time.perf_counter()
        sheets = owned_sheets(assessment)
        times["owned sheets"], t = time.perf_counter() - t, time.perf_counter()
        write_workbook(path, owned=sheets, backup=False)       # as commands.recalc does
        times["write"] = time.perf_counter() - t
    return times


def workbook(name: str, sections: int, deductions: int) -> Path:
    path = DATA / f"{name}-{deductions}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate(path, sections, deductions)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def people_workbook(sections: int, deductions: int, people: int) -> Path:
    path = DATA / f"province-{deductions}-people{people}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate(path, sections, deductions, people=people)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def bench_individual(people: int, plain_path: Path, sections: int, deductions: int,
                     repeats: int, tmp: Path) -> list[tuple[str, ...]]:
    """The province workbook plus `people` × 12 months × 5 个人扣加分 rows:
    its recalc against the same workbook without them, taken in turn in one
    run (target: +30 % at most)."""
    path = people_workbook(sections, deductions, people)
    sheets = [s.SHEET for s in contract.INDIVIDUAL_SHEETS]
    runs: dict[str, list] = {"plain": [], "people": [], "floor": [], "empty": []}
    for _ in range(repeats):
        runs["plain"].append(bench_recalc(plain_path, 1, tmp))
        runs["people"].append(bench_recalc(path, 1, tmp))
        # the fastest plain read of the individual sheets alone, less the
        # interpreter and import fastexcel reading nothing
        runs["floor"].append(run_measured(fastexcel_read_all(path, *sheets)))
        runs["empty"].append(run_measured([sys.executable, "-c", "import fastexcel"]))
    plain, rec, floor, empty = ([statistics.median(col) for col in zip(*runs[k])] for k in runs)
    read = [floor[0] - empty[0], floor[1], floor[2] - empty[2]]
    label = f"province + {people:,} people"
    work = tmp / "phases-people.xlsx"
    shutil.copyfile(path, work)

    def share(part: list, whole: list, i: int) -> str:
        return f"{part[i] / whole[i] * 100:.0f} %"
    return [(f"{label}: file size", f"{path.stat().st_size / 1e6:.1f} MB", "", ""),
            ("province: lyciq-xl recalc (same run)", f"{plain[0]:.2f}", f"{plain[2]:.2f}",
             f"{plain[1]:.0f}"),
            (f"{label}: lyciq-xl recalc", f"{rec[0]:.2f}", f"{rec[2]:.2f}", f"{rec[1]:.0f}"),
            ("individual part adds to recalc (target <= 30 %)",
             f"{(rec[0] / plain[0] - 1) * 100:.0f} %", f"{(rec[2] / plain[2] - 1) * 100:.0f} %", ""),
            ("individual sheets: fastexcel read alone", f"{read[0]:.2f}", f"{read[2]:.2f}", ""),
            ("  that read alone, of province recalc", share(read, plain, 0), share(read, plain, 2), ""),
            *((f"{label} phase: {name}", f"{sec:.2f}", "", "") for name, sec in phases(work).items())]


def archive_cmd(path: Path, folder: Path, *flags: str) -> list[str]:
    shutil.rmtree(folder, ignore_errors=True)
    return [sys.executable, "-m", "lyciq_xl", "archive", str(path), "--out", str(folder), *flags]


def bench_archive(people: int, pdf_people: int, sections: int, deductions: int,
                  tmp: Path) -> list[tuple[str, ...]]:
    """`archive` of every person, .xlsx; and the PDF batch (one LibreOffice
    run) measured on a smaller staff, `pdf_people`, with .xlsx only and
    with --pdf on the same workbook: the difference is the PDF conversion,
    extrapolated linearly to `people`."""
    path = people_workbook(sections, deductions, people)
    m = run_measured(archive_cmd(path, tmp / "archive"))
    rows = [(f"archive {people:,} people, .xlsx", f"{m[0]:.1f}", f"{m[2]:.1f}", f"{m[1]:.0f}")]
    if pdf_people:
        small = people_workbook(sections, 20_000, pdf_people)
        xlsx = run_measured(archive_cmd(small, tmp / "small"))
        both = run_measured(archive_cmd(small, tmp / "small-pdf", "--pdf"))
        # wait4's rusage includes the children the command waited for, so the
        # CPU of the --pdf run holds LibreOffice's too
        pdf_wall = both[0] - xlsx[0]
        rows += [(f"archive {pdf_people:,} people (20,000 deductions), .xlsx", f"{xlsx[0]:.1f}",
                  f"{xlsx[2]:.1f}", f"{xlsx[1]:.0f}"),
                 (f"archive {pdf_people:,} people, .xlsx + PDF (one soffice run)", f"{both[0]:.1f}",
                  f"{both[2]:.1f}", f"{both[1]:.0f}"),
                 (f"PDF batch per person (from {pdf_people:,})", f"{pdf_wall / pdf_people:.2f}", "", ""),
                 (f"archive {people:,} people + PDF, extrapolated",
                  f"{m[0] + pdf_wall / pdf_people * people:.0f}", "", "")]
    return rows


def fill_return(sent: Path, back: Path) -> None:
    """What a section head does (not measured): a 评语 on the first 个人月度评定
    row and a new 加分 row in the first blank yellow row of 个人扣加分."""
    from openpyxl import load_workbook
    wb = load_workbook(sent)
    reviews, records = wb[contract.MonthlyReviews.SHEET], wb[contract.PersonalRecords.SHEET]
    reviews["D2"] = "已阅(基准测试)"
    person = reviews["B2"].value
    row = next(r for r in range(2, records.max_row + 2) if records.cell(r, 1).value is None)
    for col, value in enumerate(("2014-09", person, f"{person}-1", "加分", 1, "基准测试"), 1):
        records.cell(row, col).value = value
    wb.save(back)


def bench_mail(people: int, sections: int, deductions: int, tmp: Path) -> list[tuple[str, ...]]:
    """`distribute` of the province workbook with people (one workbook per
    section) and `collect` of every one returned with a change, once each."""
    master = tmp / "mail" / "province-people.xlsx"
    master.parent.mkdir()
    shutil.copyfile(people_workbook(sections, deductions, people), master)
    out, back = tmp / "mail" / "out", tmp / "mail" / "back"
    dist = run_measured([sys.executable, "-m", "lyciq_xl", "distribute", str(master),
                         "--out", str(out), "--period", "2014Q3"])
    sent = sorted(out.glob("*.xlsx"))
    back.mkdir()
    for path in sent:
        fill_return(path, back / path.name)
    got = run_measured([sys.executable, "-m", "lyciq_xl", "collect", str(master), str(back),
                        "--receipts", str(tmp / "mail" / "receipts")])
    return [(f"distribute, {len(sent)} section workbooks with people", f"{dist[0]:.1f}",
             f"{dist[2]:.1f}", f"{dist[1]:.0f}"),
            (f"collect {len(sent)} returned workbooks", f"{got[0]:.1f}", f"{got[2]:.1f}",
             f"{got[1]:.0f}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 deductions instead of 200,000")
    parser.add_argument("--national", action="store_true",
                        help="also 1,000 sections and 1,000,000 deductions (not in CI)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--people", type=int, default=2000,
                        help="the individual part (SPEC 8) with this many people (0: none)")
    parser.add_argument("--archive", action="store_true",
                        help="also `archive` of every person (.xlsx) and a PDF batch")
    parser.add_argument("--mail", action="store_true",
                        help="also distribute (a workbook per section) and collect them all back")
    parser.add_argument("--pdf-people", type=int, default=100,
                        help="people in the measured PDF batch (extrapolated to --people)")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    table: list[tuple[str, ...]] = []

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        from lyciq_xl import sample
        sample_path = tmp / "sample.xlsx"
        sample.create(sample_path)
        start = median_of(5, lambda: run_measured([sys.executable, "-c", "pass"]))
        imports = median_of(5, lambda: run_measured(
            [sys.executable, "-c", "import lyciq_xl.commands.recalc"]))
        recalc = bench_recalc(sample_path, 5, tmp)
        table += [("sample: interpreter start", f"{start[0]:.3f}", f"{start[2]:.3f}", ""),
                  ("sample: interpreter + imports", f"{imports[0]:.3f}", f"{imports[2]:.3f}", ""),
                  ("sample: lyciq-xl recalc", f"{recalc[0]:.3f}", f"{recalc[2]:.3f}", f"{recalc[1]}"),
                  ("sample: recalc beyond interpreter start", f"{recalc[0] - start[0]:.3f}", "", "")]

        sections, deductions = PROVINCE if not args.quick else (PROVINCE[0], 20_000)
        province = workbook("province", sections, deductions)
        table += side_by_side("province", province, args.repeats, tmp)
        work = tmp / "phases.xlsx"
        shutil.copyfile(province, work)
        table += [(f"province phase: {name}", f"{sec:.2f}", "", "")
                  for name, sec in phases(work).items()]
        if args.people:
            table += bench_individual(args.people, province, sections, deductions, args.repeats, tmp)
        if args.people and args.archive:
            table += bench_archive(args.people, args.pdf_people, sections, deductions, tmp)
        if args.people and args.mail:
            table += bench_mail(args.people, sections, deductions, tmp)
        if args.national:
            table += side_by_side("national", workbook("national", *NATIONAL),
                                  max(1, args.repeats - 2), tmp)

    header = ("measure", "wall s", "CPU s", "peak MiB")
    widths = [max(len(r[i]) for r in table + [header]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths)] + table:
        print("  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]))
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for note in NOTES:
        print(note)


if __name__ == "__main__":
    main()
