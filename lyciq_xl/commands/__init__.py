"""Every workflow of the tool, written once against the workbook port.

`cli.py` (a FilePort) and `xl.py` (an ExcelPort) only build a port, call a
command and show its Outcome; they compute nothing. A scenario run through
both ports therefore tests the ribbon button and the command line at once
(tests/test_ports.py).

How to write a command (lyciq_xl/commands/<name>.py):

    from lyciq_xl.commands.outcome import Outcome, Steps
    from lyciq_xl.errors import ExitCode
    from lyciq_xl.port import WorkbookPort

    def run(port: WorkbookPort, ...) -> Outcome:
        with port.hold():                        # writes the workbook: the run lock for
            port.check_writable()                # the whole read-compute-write
            tables = port.read_tables(SPECS)     # read once
            result = engine_function(tables)     # pure: no I/O
            folder = port.folder()               # outputs beside the workbook
            port.check_outputs_writable(paths)   # every check BEFORE the first write
            for done, item in enumerate(items, 1):   # long work: say how far
                ...; port.progress("生成工作簿", done, len(items))
            port.write(owned=[...], patches={...})   # the workbook: one write
        return Outcome(lines=[...], alert="...", code=ExitCode.OK)

Rules: raise InputError (Chinese message naming sheet, cell, fix) before the
first write, never after (exit 2 promises nothing was written); a failure
after some outputs were written is an Outcome with code PARTIAL and the
message in `errors`. Clerk-facing text in Chinese; sheet names from
lyciq_xl.contract only.
"""
from lyciq_xl.commands.outcome import Outcome, Steps

__all__ = ["Outcome", "Steps"]
