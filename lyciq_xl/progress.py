"""Progress of long work on the command line: a tqdm bar on stderr when
stderr is a terminal, nothing otherwise (a pipe, a log file, --json output
read by a script). The ribbon shows the same steps in Excel's status bar
(port/excel.py)."""
from __future__ import annotations

import os
import sys
from typing import TextIO

from tqdm import tqdm

from lyciq_xl.port.base import Progress, no_progress


class TerminalProgress:
    """One bar per task label; a bar ends when its last step is done."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._bar: tqdm | None = None
        self._label = ""

    def __call__(self, label: str, done: int, total: int) -> None:
        if self._bar is None or label != self._label:
            self.close()
            self._bar = tqdm(total=total, desc=label, file=self._stream, leave=False,
                             ncols=_width(self._stream), nrows=24,
                             bar_format="{desc} {bar} {n_fmt}/{total_fmt}")
            self._label = label
        self._bar.n = done
        self._bar.refresh()
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _width(stream: TextIO) -> int:
    """The terminal's width; 80 when it reports none (a pseudo-terminal
    without a size, where tqdm would draw nothing; likewise `nrows` above:
    a reported height of 0 would hide the bar)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    return min(columns or 80, 100)


def for_terminal(stream: TextIO | None = None) -> Progress:
    """A progress bar if `stream` (stderr by default) is a terminal."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return TerminalProgress(stream) if isatty is not None and isatty() else no_progress
