"""The workbook as a file: python-calamine reads, the lossless zip writer
writes (Excel-lock check, backup in .lyciq-backup/, atomic replace)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from lyciq_xl import contract
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.port.base import Patches, Progress, SheetSpec, WorkbookPort, no_progress
from lyciq_xl.table import Table, bulk_allocation
from lyciq_xl.xlsxio import reader, safefile


class FilePort(WorkbookPort):
    """A .xlsx/.xlsm on disk (the command line)."""

    def __init__(self, path: Path, progress: Progress = no_progress) -> None:
        super().__init__(progress)
        self.path = Path(path)
        self.name = self.path.name

    def sheet_names(self) -> list[str]:
        return list(reader.open_workbook(self.path).sheet_names)

    def read_tables(self, specs: Iterable[SheetSpec] = contract.INPUT_SHEETS,
                    optional: Iterable[SheetSpec] = contract.OPTIONAL_INPUT_SHEETS,
                    ) -> dict[str, Table]:
        with bulk_allocation():
            return reader.read_tables(self.path, specs, optional)

    def folder(self) -> Path:
        return self.path.resolve().parent

    def hold(self) -> AbstractContextManager[None]:
        """The master's OS-level run lock (xlsxio/lock.py)."""
        from lyciq_xl.xlsxio.lock import master_lock
        return master_lock(self.path)

    def check_writable(self) -> None:
        reader.check_workbook_path(self.path)
        safefile.check_not_locked(self.path)

    def write(self, owned: Sequence[OwnedSheet] = (), patches: Patches | None = None) -> None:
        from lyciq_xl.xlsxio import writer
        writer.write_workbook(self.path, owned=owned, patches=patches or {})
