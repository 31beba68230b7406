"""The file runner of assessor intake: read the master and the returns, run
the pure intake (mail/assessor_intake.py), write the master once.

`collect` dispatches here for returns whose signed identity says 考核填报;
`read_master` and `write` are what it needs around `assessor_intake.intake_run`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from lyciq_xl import contract
from lyciq_xl.engine.records import load_inputs
from lyciq_xl.mail import assessor_intake
from lyciq_xl.mail.untrusted import SafeWorkbook, open_untrusted
from lyciq_xl.table import Table
from lyciq_xl.xlsxio.reader import open_workbook, read_sheets, read_tables

# Optional sheets an assessor intake reads beside the input sheets.
EXTRA = (contract.AssessorImports, contract.Appeals)


def read_master(path: Path) -> dict[str, Table]:
    tables = read_tables(path)
    tables.update(read_sheets(Path(path), open_workbook(Path(path)), EXTRA))
    return tables


def open_return(path: Path) -> tuple[SafeWorkbook, str]:
    data = Path(path).read_bytes()
    return open_untrusted(Path(path).name, data), hashlib.sha256(data).hexdigest()


def run(tables: dict[str, Table], returns: list[tuple[SafeWorkbook, str, dt.datetime]],
        secret: str) -> assessor_intake.Run:
    return assessor_intake.intake_run(tables, load_inputs(tables), returns, secret)


def write(path: Path, result: assessor_intake.Run) -> None:
    """The master once: the imported cells and the registry sheet."""
    from lyciq_xl.xlsxio import writer
    owned = [result.registry] if result.registry is not None else []
    writer.write_workbook(Path(path), owned=owned, patches=result.patches)
