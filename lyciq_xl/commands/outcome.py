"""What a command hands back to the adapter that ran it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lyciq_xl.errors import ExitCode
from lyciq_xl.port.base import WorkbookPort


@dataclass
class Outcome:
    #: everything to tell the clerk, in order (the command line prints these)
    lines: list[str]
    #: the one message box the ribbon shows at the end
    alert: str
    code: ExitCode = ExitCode.OK
    #: failures after something was written (stderr; the ribbon appends them)
    errors: list[str] = field(default_factory=list)
    #: the machine-readable result, for `--json` (built only when asked)
    json: Callable[[], Any] | None = None
    #: the command's own result object (e.g. the Assessment), for callers in Python
    result: Any = None


class Steps:
    """Numbered steps of one task, reported through the port."""

    def __init__(self, port: WorkbookPort, label: str, total: int) -> None:
        self._port, self._label, self._total, self._done = port, label, total, 0

    def __call__(self) -> None:
        self._done += 1
        self._port.progress(self._label, self._done, self._total)
