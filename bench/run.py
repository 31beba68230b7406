"""Benchmarks: print a table of wall times, CPU times and peak memory.

    python bench/run.py              # sample workbook + province scale (200 sections, 200,000 deductions)
    python bench/run.py --quick      # province scale with 20,000 deductions
    python bench/run.py --national   # also national scale (1,000 sections, 1,000,000 deductions; minutes)
    python bench/run.py --people 2000   # + the individual part (SPEC 8): what it adds, archive

Side by side for each file, each in its own process: fastexcel's columnar
read of every sheet (calamine -> Arrow, the floor for a Python tool),
python-calamine's cell-by-cell read, and `lyciq-xl recalc`; the ratios and
peak memory (ru_maxrss of the process). Measured, never asserted. Targets
(issue 9): recalc <= 1.5x fastexcel's read, national peak < 1.2 GB. CPU
seconds (user + system) are printed too: on a shared machine they move
less than wall times.
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

DATA = ROOT / "bench" / ".data"


def run_measured(argv: list[str]) -> tuple[float, int, float]:
    """Run a command; return (wall seconds, peak RSS in MiB, CPU seconds)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def median_of(n: int, measure) -> list:
    runs = [measure() for _ in range(n)]
    return [statistics.median(col) for col in zip(*runs)]


def fastexcel_read_all(path: Path) -> list[str]:
    code = ("import fastexcel, sys\n"
            "r = fastexcel.read_excel(sys.argv[1])\n"
            "[r.load_sheet(s).to_arrow() for s in r.sheet_names]\n")
    return [sys.executable, "-c", code, str(path)]


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
    write_workbook(path, owned=sheets, backup=False)
    times["write"] = time.perf_counter() - t
    return times


def workbook(name: str, sections: int, deductions: int) -> Path:
    path = DATA / f"{name}-{deductions}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate(path, sections, deductions)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def bench_individual(people: int, sections: int, deductions: int, plain: tuple,
                     repeats: int, tmp: Path) -> list[tuple[str, ...]]:
    """The province workbook plus `people` × 12 months × 5 个人扣加分 rows:
    recalc against the same workbook without them (`plain`: its recalc
    measures; target +30 % at most), and `archive` of every person, .xlsx
    only and with --pdf (one LibreOffice run for the whole batch)."""
    path = DATA / f"province-{deductions}-people{people}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        generate(path, sections, deductions, people=people)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rec = bench_recalc(path, repeats, tmp)
    rows = [(f"province + {people:,} people: file size", f"{path.stat().st_size / 1e6:.1f} MB", "", ""),
            (f"province + {people:,} people: lyciq-xl recalc", f"{rec[0]:.2f}", f"{rec[2]:.2f}",
             f"{rec[1]:.0f}"),
            ("individual part adds to recalc (target <= 30 %)",
             f"{(rec[0] / plain[0] - 1) * 100:.0f} %", f"{(rec[2] / plain[2] - 1) * 100:.0f} %", "")]
    for flag in ((), ("--pdf",)):
        folder = tmp / f"archive{''.join(flag)}"
        shutil.rmtree(folder, ignore_errors=True)
        m = run_measured([sys.executable, "-m", "lyciq_xl", "archive", str(path),
                          "--out", str(folder), *flag])
        label = "xlsx + PDF" if flag else "xlsx"
        rows.append((f"archive {people:,} people, {label}", f"{m[0]:.1f}", f"{m[2]:.1f}", f"{m[1]:.0f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 deductions instead of 200,000")
    parser.add_argument("--national", action="store_true",
                        help="also 1,000 sections and 1,000,000 deductions (not in CI)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--people", type=int, default=0,
                        help="also the individual part (SPEC 8) with this many people")
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
            plain = bench_recalc(province, args.repeats, tmp)
            table += bench_individual(args.people, sections, deductions, plain, args.repeats, tmp)
        if args.national:
            table += side_by_side("national", workbook("national", *NATIONAL),
                                  max(1, args.repeats - 2), tmp)

    header = ("measure", "wall s", "CPU s", "peak MiB")
    widths = [max(len(r[i]) for r in table + [header]) for i in range(4)]
    for r in [header, tuple("-" * w for w in widths)] + table:
        print("  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]))


if __name__ == "__main__":
    main()
