"""Benchmarks: print a table of wall times and peak memory.

    python bench/run.py            # sample workbook + province scale (200 sections, 200,000 deductions)
    python bench/run.py --quick    # province scale with 20,000 deductions
    python bench/run.py --people 2000   # + the individual part: what it adds to recalc, archive

Measured, never asserted: the figures go into the issue notes. Targets
(issue 2): sample recalc well under 1 s beyond interpreter start; province
recalc wall time <= 2x python-calamine's own read of the same file, peak
memory < 1.5 GB.
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

from generate import generate  # noqa: E402

DATA = ROOT / "bench" / ".data"


def run_measured(argv: list[str]) -> tuple[float, int, int]:
    """Run a command; return (wall seconds, peak RSS in MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss // 1024, proc.returncode


def median_of(n: int, measure) -> list:
    runs = [measure() for _ in range(n)]
    return [statistics.median(col) for col in zip(*runs)]


def calamine_read_all(path: Path) -> list[str]:
    code = ("import python_calamine as pc, sys\n"
            "b = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
            "[b.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in b.sheet_names]\n")
    return [sys.executable, "-c", code, str(path)]


def recalc_cmd(path: Path) -> list[str]:
    return [sys.executable, "-m", "lyciq_xl", "recalc", str(path)]


def bench_recalc(source: Path, repeats: int, tmp: Path) -> tuple[float, int]:
    def once():
        work = tmp / "work" / source.name
        work.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, work)
        shutil.rmtree(work.parent / ".lyciq-backup", ignore_errors=True)
        wall, rss, _ = run_measured(recalc_cmd(work))
        return wall, rss
    return median_of(repeats, once)


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


def bench_individual(rows: int, people: int, repeats: int, plain_wall: float,
                     tmp: Path) -> list[tuple[str, str]]:
    """The province workbook plus `people` × 12 months × 5 个人扣加分 rows:
    recalc against the same workbook without them (target: ≤ +30 %), and
    `archive` for every person, as .xlsx and with --pdf (one LibreOffice run)."""
    province = DATA / f"province-{rows}-people{people}.xlsx"
    if not province.exists():
        t = time.perf_counter()
        generate(province, 200, rows, people=people)
        print(f"generated {province.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    wall, rss = bench_recalc(province, repeats, tmp)
    out: list[tuple[str, str]] = [
        (f"province + {people:,} people: recalc wall (s)", f"{wall:.2f}"),
        ("individual part adds to recalc (target <= 30 %)", f"{(wall / plain_wall - 1) * 100:.0f} %"),
        (f"province + {people:,} people: recalc peak RSS (MiB)", f"{rss}")]
    for flag in ((), ("--pdf",)):
        folder = tmp / f"archive{''.join(flag)}"
        shutil.rmtree(folder, ignore_errors=True)
        argv = [sys.executable, "-m", "lyciq_xl", "archive", str(province), "--out", str(folder), *flag]
        a_wall, a_rss, _ = run_measured(argv)
        label = "xlsx + PDF" if flag else "xlsx"
        out += [(f"archive {people:,} people, {label}: wall (s)", f"{a_wall:.1f}"),
                (f"archive {people:,} people, {label}: peak RSS (MiB)", f"{a_rss}")]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 deductions instead of 200,000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--people", type=int, default=0,
                        help="also bench the individual part (SPEC 8) with this many people")
    args = parser.parse_args()
    rows = 20_000 if args.quick else 200_000
    DATA.mkdir(parents=True, exist_ok=True)
    rows_out: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        from lyciq_xl import sample
        sample_path = tmp / "sample.xlsx"
        sample.create(sample_path)
        start, _ = median_of(5, lambda: run_measured([sys.executable, "-c", "pass"])[:2])
        imports, _ = median_of(5, lambda: run_measured(
            [sys.executable, "-c", "import lyciq_xl.recalc"])[:2])
        wall, rss = bench_recalc(sample_path, 5, tmp)
        rows_out += [("sample: interpreter start (s)", f"{start:.3f}"),
                     ("sample: interpreter + imports (s)", f"{imports:.3f}"),
                     ("sample: lyciq-xl recalc wall (s)", f"{wall:.3f}"),
                     ("sample: recalc beyond interpreter start (s)", f"{wall - start:.3f}"),
                     ("sample: recalc peak RSS (MiB)", f"{rss}")]

        province = DATA / f"province-{rows}.xlsx"
        if not province.exists():
            t = time.perf_counter()
            generate(province, 200, rows)
            print(f"generated {province.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        read_wall, read_rss = median_of(args.repeats, lambda: run_measured(
            calamine_read_all(province))[:2])
        wall, rss = bench_recalc(province, args.repeats, tmp)
        work = tmp / "phases.xlsx"
        shutil.copyfile(province, work)
        split = phases(work)
        rows_out += [(f"province ({rows:,} deductions): file size (MB)",
                      f"{province.stat().st_size / 1e6:.1f}"),
                     ("province: python-calamine read of all sheets (s)", f"{read_wall:.2f}"),
                     ("province: calamine peak RSS (MiB)", f"{read_rss}"),
                     ("province: lyciq-xl recalc wall (s)", f"{wall:.2f}"),
                     ("province: recalc / calamine ratio (target <= 2.0)", f"{wall / read_wall:.2f}"),
                     ("province: recalc peak RSS (MiB, target < 1536)", f"{rss}")]
        rows_out += [(f"province phase: {name} (s)", f"{sec:.2f}") for name, sec in split.items()]
        if args.people:
            rows_out += bench_individual(rows, args.people, args.repeats, wall, tmp)

    width = max(len(name) for name, _ in rows_out)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  -----")
    for name, value in rows_out:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
