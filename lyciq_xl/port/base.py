"""A workbook the tool works on: the one interface every command uses.

The pattern is pandas' `io/excel`: one base, one module per engine.

- `FilePort` (port/file.py): a workbook file, read with python-calamine and
  written with the lossless zip writer (lock check, backup, atomic replace).
  The command line builds this one.
- `ExcelPort` (port/excel.py): the workbook open in Excel, through xlwings'
  bulk I/O, under the COM engine (RunPython) or the remote engine. The
  ribbon builds this one.

Both give the same Tables for the same workbook and accept the same owned
sheets and patches, so a command written against `WorkbookPort` is the
ribbon button and the command line at once. A port is a context manager:
`with port:` around a command lets it tidy up afterwards (the Excel port
returns the clerk to the sheet they were on and clears the status bar).
"""
from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from lyciq_xl import contract
from lyciq_xl.errors import InputError
from lyciq_xl.owned import OwnedSheet
from lyciq_xl.table import Table

# {sheet: {(row 1-based, column 0-based): value}}: input cells a command edits
Patches = Mapping[str, Mapping[tuple[int, int], Any]]


# A contract class describing an input sheet (contract.Deductions ...): its
# SHEET name and, where it has them, its REQUIRED headers.
SheetSpec = Any


class Progress(Protocol):
    """Where a long run says how far it is (terminal bar, status bar)."""

    def __call__(self, label: str, done: int, total: int) -> None: ...


def no_progress(label: str, done: int, total: int) -> None:
    """Say nothing (stderr is not a terminal, or --json)."""


class WorkbookPort(abc.ABC):
    """What a command may do with the workbook it works on. Nothing else:
    a command never opens a file or talks to xlwings itself."""

    #: what the clerk calls the workbook (its file name)
    name: str
    #: where it is saved, as far as known (the open workbook may be unsaved)
    path: Path

    def __init__(self, progress: Progress = no_progress) -> None:
        self._progress = progress

    # --- reading ------------------------------------------------------------

    @abc.abstractmethod
    def sheet_names(self) -> list[str]:
        """The workbook's sheet names, in tab order."""

    @abc.abstractmethod
    def read_tables(self, specs: Iterable[SheetSpec] = contract.INPUT_SHEETS,
                    optional: Iterable[SheetSpec] = contract.OPTIONAL_INPUT_SHEETS,
                    ) -> dict[str, Table]:
        """Every sheet of `specs` (InputError naming each one missing) and of
        `optional` where present, as Tables; a present sheet must have its
        spec's REQUIRED columns. Each sheet is read once, in bulk."""

    # --- where outputs go ----------------------------------------------------

    def folder(self) -> Path:
        """The folder the workbook is saved in: outputs go beside it."""
        path = self.path
        if not path.is_absolute() or not path.parent.is_dir():
            raise InputError("请先把工作簿保存到本机文件夹(不能是未保存的新工作簿或网络位置),"
                             "生成的文件将保存在工作簿所在的文件夹。")
        return path.parent

    def check_outputs_writable(self, paths: Iterable[Path]) -> None:
        """InputError, before anything is written, if one of the files a
        command is about to write is open in Excel or read-only."""
        from lyciq_xl.xlsxio import safefile
        for path in paths:
            safefile.check_not_locked(path)

    # --- writing the workbook -------------------------------------------------

    def hold(self) -> AbstractContextManager[None]:
        """The workbook's run lock, held by a command that writes it for its
        whole read–compute–write (no other run may write in between)."""
        return contextlib.nullcontext()

    @abc.abstractmethod
    def check_writable(self) -> None:
        """InputError if the workbook itself cannot be written now (checked
        before the work starts, so a locked file costs the clerk nothing)."""

    @abc.abstractmethod
    def write(self, owned: Sequence[OwnedSheet] = (), patches: Patches | None = None) -> None:
        """Replace (or add at the end) the owned sheets and edit the patched
        input cells, in one write. Nothing the tool does not own changes."""

    def mark(self, findings: Sequence[Any]) -> int:
        """Fill the input cells of `findings` (red error, yellow warning) and
        clear this tool's earlier fills; the number of cells marked. Only the
        open workbook shows marks: a file gets the 校验结果 sheet alone."""
        return 0

    # --- telling the clerk how far it is ----------------------------------------

    def progress(self, label: str, done: int, total: int) -> None:
        """Step `done` of `total` of a long task (e.g. one section's workbook)."""
        self._progress(label, done, total)

    def close(self) -> None:  # noqa: B027 (a hook: most ports have nothing to tidy)
        """Tidy up after a command (see the module docstring)."""

    def __enter__(self) -> WorkbookPort:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
