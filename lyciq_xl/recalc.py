"""`recalc` and `explain` on a workbook file: read once, evaluate, write once.

The file adapter of the core: the ribbon's 重新计算 (lyciq_xl.xl) runs the
same `evaluate` on the open workbook instead.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from lyciq_xl import contract
from lyciq_xl.engine import Assessment, evaluate, owned_sheets, to_json
from lyciq_xl.errors import InputError
from lyciq_xl.summary import summary_text
from lyciq_xl.table import bulk_allocation
from lyciq_xl.xlsxio.lock import master_lock
from lyciq_xl.xlsxio.reader import read_tables
from lyciq_xl.xlsxio.writer import check_not_locked, write_workbook

EXIT_OK, EXIT_FINDINGS = 0, 1


def assess_file(path: Path) -> Assessment:
    """Read a master workbook and evaluate it, writing nothing."""
    with bulk_allocation():
        return evaluate(read_tables(Path(path)))


def recalc_file(path: Path) -> Assessment:
    """Validate and score `path`, then replace its result sheets atomically."""
    path = Path(path)
    with master_lock(path):      # no collect may merge between our read and write
        check_not_locked(path)
        assessment = assess_file(path)
        write_workbook(path, owned=owned_sheets(assessment))
    return assessment


def run(path: Path, as_json: bool = False) -> int:
    assessment = recalc_file(path)
    if as_json:
        json.dump(to_json(assessment), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(summary_text(assessment))
    return EXIT_FINDINGS if assessment.has_errors else EXIT_OK


def run_explain(path: Path, dept: str, period: str | None) -> int:
    """`dept`: a section, or (SPEC 8) a person by 人员编号 or unique 姓名."""
    assessment = assess_file(path)
    if assessment.sections.resolve(dept) is None:
        if assessment.individual is not None:
            from lyciq_xl.engine.individual.explain import explain_person
            print(explain_person(assessment.individual, dept))
            return EXIT_OK
        raise InputError(f"工作表“{contract.Sections.SHEET}”中没有科室“{dept}”,"
                         f"请填写科室名称或科室代码。")
    print(assessment.explain(dept, period).text())
    return EXIT_OK
