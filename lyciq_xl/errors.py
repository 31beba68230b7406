"""The two kinds of failure the tool reports to a clerk.

Both carry a Chinese message meant to be shown as is; the command line turns
an InputError into exit code 2 and never prints a traceback for either.
"""


class LyciqError(Exception):
    """Base class: `str(error)` is the Chinese message for the clerk."""


class InputError(LyciqError):
    """The input cannot be used at all (no file, not a workbook, missing sheet
    or column, locked by Excel). Nothing is written. Exit code 2."""


class UntrustedFileError(LyciqError):
    """A returned workbook was refused (too large, macros, tampered...)."""
