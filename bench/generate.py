"""Generate a province-scale master workbook for benchmarks.

200 sections and 200,000 deduction rows by default (`--national`: 1,000
sections and 1,000,000 deductions, ~55 MB), written with xlsxwriter's
constant_memory mode (row by row, flat memory). Deterministic: the same
arguments give the same data. About 1 % of deductions carry a deliberate
error so validation has work to do.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import xlsxwriter

from lyciq_xl import contract as c

PROVINCE = (200, 200_000)      # (sections, deductions)
NATIONAL = (1_000, 1_000_000)
SERIES_CYCLE = (c.Series.ADMIN, c.Series.BUSINESS, c.Series.BUSINESS, c.Series.AFFILIATED)


def _write(book: xlsxwriter.Workbook, name: str, header, rows) -> None:
    sheet = book.add_worksheet(name)
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)


def generate(path: Path, sections: int = 200, deductions: int = 200_000,
             seed: int = 2014, people: int = 0) -> Path:
    rnd = random.Random(seed)
    depts = [(f"S{i:03d}", f"科室{i:03d}", SERIES_CYCLE[i % len(SERIES_CYCLE)])
             for i in range(1, sections + 1)]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})

    params = [[c.ParamKey.ORG_NAME, "辽宁出入境检验检疫局(基准测试)"], [c.ParamKey.YEAR, 2014],
              [c.ParamKey.TRIM, c.YES], [c.ParamKey.FAIL_LINE, 60]]
    params += [[c.ParamKey.COMPLETION_PREFIX + k, float(v)] for k, v in c.DEFAULT_COMPLETION]
    params += [[c.ParamKey.RATING_PREFIX + k, float(v)] for k, v in c.DEFAULT_RATINGS]
    params += [[c.ParamKey.BONUS_PREFIX + k, float(v)] for k, v in c.DEFAULT_BONUS_LEVELS]
    params += [[c.ParamKey.QUOTA_PREFIX + s, 3] for s in c.Series.ALL]
    _write(book, c.Params.SHEET, [c.Params.KEY, c.Params.VALUE], params)
    _write(book, c.Sections.SHEET, [c.Sections.CODE, c.Sections.NAME, c.Sections.SERIES],
           [list(d) for d in depts])
    _write(book, c.Framework.SHEET, list(c.Framework.REQUIRED),
           [[f, cat, item, float(p), m] for f, cat, item, p, m in c.DEFAULT_FRAMEWORK])

    categories = c.Category.DEDUCTIBLE
    indicators = [[code, cat, f"{code}-{k}{n:02d}", f"指标{n}", c.Approval.APPROVED]
                  for code, _, _ in depts for k, cat in zip(("LZ", "GL"), categories)
                  for n in range(1, 6)]
    _write(book, c.Indicators.SHEET, [c.Indicators.DEPT, c.Indicators.CATEGORY, c.Indicators.ID,
                                     c.Indicators.NAME, c.Indicators.APPROVAL], indicators)

    completions = [k for k, _ in c.DEFAULT_COMPLETION]
    key_tasks = [[code, f"{code}-ZD{n}", f"重点工作{n}", float(rnd.choice(c.KEY_TASK_POINTS)),
                  c.Approval.APPROVED, rnd.choice(completions)]
                 for code, _, _ in depts for n in range(1, 4)]
    _write(book, c.KeyTasks.SHEET, [c.KeyTasks.DEPT, c.KeyTasks.ID, c.KeyTasks.TASK,
                                   c.KeyTasks.POINTS, c.KeyTasks.APPROVAL, c.KeyTasks.COMPLETION],
           key_tasks)

    standards = []
    for n in range(1, 51):
        source = (c.StandardSource.ANNEX4, c.StandardSource.ANNEX5, c.StandardSource.BUREAU)[n % 3]
        level = c.Severity.GRAVE if n % 25 == 0 else c.Severity.MINOR
        standards.append([f"BZ{n:02d}", source, level, f"情形{n}", 0.1, 2.0,
                          ",".join(categories)])
    _write(book, c.Standards.SHEET, [c.Standards.ID, c.Standards.SOURCE, c.Standards.LEVEL,
                                    c.Standards.CASE, c.Standards.MIN, c.Standards.MAX,
                                    c.Standards.CATEGORIES], standards)

    header = [c.Deductions.RECORD_NO, c.Deductions.PERIOD, c.Deductions.DATE, c.Deductions.DEPT,
              c.Deductions.CATEGORY, c.Deductions.INDICATOR, c.Deductions.STANDARD,
              c.Deductions.REASON, c.Deductions.POINTS, c.Deductions.STATUS]
    sheet = book.add_worksheet(c.Deductions.SHEET)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r in range(1, deductions + 1):
        code = depts[rnd.randrange(sections)][0]
        quarter = rnd.randint(1, 4)
        day = dt.date(2014, 3 * quarter - 2, 1) + dt.timedelta(days=rnd.randrange(89))
        k = rnd.randrange(2)
        points = rnd.randint(1, 20) / 10
        if r % 100 == 0:
            points = 0.15          # D01: not a multiple of 0.1
        sheet.write_row(r, 0, [f"K{r:06d}", f"2014Q{quarter}"])
        sheet.write_datetime(r, 2, dt.datetime.combine(day, dt.time()), date_format)
        sheet.write_row(r, 3, [code, categories[k], f"{code}-{('LZ', 'GL')[k]}0{rnd.randint(1, 5)}",
                               f"BZ{rnd.randint(1, 50):02d}", f"事由{r}", points,
                               c.Status.VALID])

    grades = [k for k, _ in c.DEFAULT_RATINGS]
    names = [n for _, n, _ in depts]
    peer = [["2014", f"H{i:03d}", name] + [None if other == name else rnd.choice(grades)
                                            for other in names]
            for i, name in enumerate(names, start=1)]
    _write(book, c.PeerBallots.SHEET, [c.PeerBallots.PERIOD, c.PeerBallots.BALLOT_NO,
                                      c.PeerBallots.VOTER] + names, peer)
    party = [["2014", f"D{i:02d}"] + [rnd.choice(grades) for _ in names] for i in range(1, 8)]
    _write(book, c.PartyBallots.SHEET, [c.PartyBallots.PERIOD, c.PartyBallots.BALLOT_NO] + names,
           party)
    external = [["2014", code, rnd.randint(80, 100), rnd.randint(80, 100)]
                for code, _, series in depts if series == c.EXTERNAL_SERIES]
    _write(book, c.External.SHEET, list(c.External.COLUMNS), external)
    levels = dict(c.DEFAULT_BONUS_LEVELS)
    bonuses = []
    for code, _, _ in depts[::3]:
        level = rnd.choice(list(levels))
        bonuses.append(["2014", code, "获奖", level, float(levels[level])])
    _write(book, c.Bonuses.SHEET, [c.Bonuses.PERIOD, c.Bonuses.DEPT, c.Bonuses.ITEM,
                                  c.Bonuses.LEVEL, c.Bonuses.POINTS], bonuses)
    if people:
        add_individual(book, depts, people, random.Random(seed + 1))
    book.close()
    return path


# --- individual performance (SPEC 8): `--people N` -------------------------------------

RECORDS_PER_MONTH = 5


def add_individual(book: xlsxwriter.Workbook, depts, people: int, rnd: random.Random) -> None:
    """N people spread over the sections, 2 indicators each, 5 个人扣加分 rows
    per person and month (12 × 5 × N rows), one 个人月度评定 per person and
    month, a decided grade for one in ten; ~1 % of records in error (P04)."""
    staff = [(f"P{i:05d}", f"人员{i:05d}", depts[i % len(depts)][0]) for i in range(1, people + 1)]
    _write(book, c.Staff.SHEET, [c.Staff.ID, c.Staff.NAME, c.Staff.DEPT],
           [list(p) for p in staff])
    _write(book, c.PersonalIndicators.SHEET,
           [c.PersonalIndicators.DEPT, c.PersonalIndicators.PERSON, c.PersonalIndicators.ID,
            c.PersonalIndicators.NAME, c.PersonalIndicators.SECTION_INDICATOR,
            c.PersonalIndicators.APPROVAL],
           [[code, pid, f"{pid}-{n}", f"个人指标{n}", f"{code}-{('LZ', 'GL')[n - 1]}01",
             c.Approval.APPROVED] for pid, _, code in staff for n in (1, 2)])
    sheet = book.add_worksheet(c.PersonalRecords.SHEET)
    sheet.write_row(0, 0, [c.PersonalRecords.MONTH, c.PersonalRecords.PERSON,
                           c.PersonalRecords.INDICATOR, c.PersonalRecords.KIND,
                           c.PersonalRecords.POINTS, c.PersonalRecords.REASON,
                           c.PersonalRecords.STATUS])
    kinds = (c.RecordKind.DEDUCT,) * 4 + (c.RecordKind.BONUS,)
    r = 0
    for month in range(1, 13):
        for pid, _, _ in staff:
            for k in range(RECORDS_PER_MONTH):
                r += 1
                points = 0.15 if r % 100 == 0 else rnd.randint(1, 10) / 10
                sheet.write_row(r, 0, [f"2014-{month:02d}", pid, f"{pid}-{k % 2 + 1}", kinds[k],
                                       points, f"事由{r}", c.Status.VALID])
    grades = (None, None, None, c.MonthlyGrade.GOOD, c.MonthlyGrade.FAIR)
    _write(book, c.MonthlyReviews.SHEET, [c.MonthlyReviews.MONTH, c.MonthlyReviews.PERSON,
                                          c.MonthlyReviews.GRADE],
           [[f"2014-{m:02d}", pid, rnd.choice(grades)] for m in range(1, 13) for pid, _, _ in staff])
    _write(book, c.AnnualReviews.SHEET, [c.AnnualReviews.YEAR, c.AnnualReviews.PERSON,
                                         c.AnnualReviews.DECIDED],
           [["2014", pid, c.AnnualGrade.COMPETENT] for pid, _, _ in staff[::10]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sections", type=int, default=200)
    parser.add_argument("--deductions", type=int, default=200_000)
    parser.add_argument("--national", action="store_true",
                        help=f"{NATIONAL[0]:,} sections, {NATIONAL[1]:,} deductions")
    parser.add_argument("--people", type=int, default=0,
                        help="add the individual sheets for this many people (e.g. 2000)")
    args = parser.parse_args()
    sections, deductions = NATIONAL if args.national else (args.sections, args.deductions)
    generate(args.out, sections, deductions, people=args.people)
    print(args.out)


if __name__ == "__main__":
    main()
