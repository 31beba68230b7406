"""The failures the tool reports to a clerk, and the exit codes of the
command line (one table, used by cli.py and every command).

Every error carries a Chinese message meant to be shown as is; no traceback
reaches the clerk.
"""
from enum import IntEnum


class ExitCode(IntEnum):
    """`lyciq-xl`'s exit codes (SPEC section 6, plus PARTIAL)."""
    OK = 0          # done (warnings allowed)
    FINDINGS = 1    # done, but validation errors, refused returns or failed sends
    INPUT = 2       # unusable input or a refusal before writing: NOTHING was written
    PARTIAL = 3     # some outputs were written, then one failed (e.g. PDF after the .xlsx)


class LyciqError(Exception):
    """Base class: `str(error)` is the Chinese message for the clerk. Raised
    before anything is written (exit code 2)."""


class InputError(LyciqError):
    """The input cannot be used at all (no file, not a workbook, missing sheet
    or column, locked by Excel). Nothing is written. Exit code 2."""


class UntrustedFileError(LyciqError):
    """A returned workbook was refused (too large, macros, tampered...)."""


class PdfError(LyciqError):
    """LibreOffice missing or failed. Raised before any file is written it is
    an exit 2 like any other; once the .xlsx are written the annex command
    reports it as ExitCode.PARTIAL instead."""
