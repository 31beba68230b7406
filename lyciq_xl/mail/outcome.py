"""What collect decided about one returned file, shared by the steps that
decide it (verify, merge), the run that orders them (collect) and the
receipts that report it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl.contract import ReceiptBook, ReturnKind
from lyciq_xl.model import Period, Section


@dataclass
class Note:
    """One line of a receipt (回执)."""
    result: str                  # ReceiptBook.REFUSED / CHANGED / ADDED / SKIPPED / NOTE / ...
    detail: str
    sheet: str = ""
    cell: str = ""
    before: str = ""
    after: str = ""


@dataclass
class Change:
    """A master cell the merge writes (or, as a conflict, leaves)."""
    sheet: str
    row: int                     # master row (1-based)
    column: int                  # master column (0-based)
    header: str
    before: Any                  # the master's value before (kept, for a conflict)
    after: Any                   # the value written (returned, not written, for a conflict)
    ident: str = ""              # 指标编号 of the row
    base: str = ""               # canonical text of the cell as distributed


@dataclass
class Outcome:
    file: str
    digest: str
    received: dt.datetime        # arrival: the e-mail's time, else when collected
    saved: dt.datetime | None = None   # save time used for ordering (see collect.save_time)
    dist: str = ""               # distribution id (signed)
    section: Section | None = None
    period: Period | None = None
    accepted: bool = False
    duplicate: bool = False      # the very same file was merged before
    unfilled: bool = False       # input cells as distributed: not a return
    superseded_by: Outcome | None = None   # a newer version merged in the same run
    notes: list[Note] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    new_ids: set[tuple[str, str]] = field(default_factory=set)   # (sheet, id) taken in the file
    kind: str = ReturnKind.SECTION   # 科室填报, or 考核填报 for an assessing department's return
    personal: bool = False           # it carried the individual sheets (SPEC 8)

    @property
    def skipped(self) -> int:
        """Rows and cells of an accepted file not imported (未导入 in the
        receipt): section sheets and individual sheets alike."""
        return sum(1 for n in self.notes if n.result == ReceiptBook.SKIPPED)

    @property
    def on_time(self) -> bool:
        return self.period is not None and self.received.date() <= self.period.deadline

    @property
    def merged(self) -> bool:
        """Its content went into the master in this run."""
        return self.accepted and not self.duplicate

    def refuse(self, detail: str, sheet: str = "", cell: str = "") -> Outcome:
        self.accepted = False
        self.notes.append(Note(ReceiptBook.REFUSED, detail, sheet, cell))
        return self

    def note(self, result: str, detail: str, sheet: str = "", cell: str = "") -> None:
        self.notes.append(Note(result, detail, sheet, cell))
