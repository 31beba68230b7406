"""Run VBA functions of a workbook in LibreOffice headless through UNO.

Runs under the system Python that has LibreOffice's `uno` module:
    /usr/bin/python3 addin_lo_driver.py PROFILE_DIR BOOK Module.Func ... [BOOK Module.Func ...]
(an argument ending in .xlsm opens that book; the calls after it run in it).
Prints a JSON object {"BOOK": {"Module.Func": result, ..., "_modules": [...]}, ...}
keyed by each book's file name.
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def run_book(desktop, book, calls):
    # MacroExecutionMode 4 = ALWAYS_EXECUTE_NO_WARN
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(os.path.abspath(book)), "_blank", 0,
        (prop("Hidden", True), prop("MacroExecutionMode", 4)))
    out = {"_libraries": list(doc.BasicLibraries.getElementNames())}
    lib = doc.BasicLibraries.getByName("VBAProject") \
        if doc.BasicLibraries.hasByName("VBAProject") else None
    out["_modules"] = sorted(lib.getElementNames()) if lib else []
    provider = doc.getScriptProvider()
    for call in calls:
        script = provider.getScript(
            f"vnd.sun.star.script:VBAProject.{call}?language=Basic&location=document")
        out[call] = script.invoke((), (), ())[0]
    doc.close(True)
    return out


def main():
    profile, *args = sys.argv[1:]
    books: list[tuple[str, list[str]]] = []
    for arg in args:
        if arg.endswith(".xlsm"):
            books.append((arg, []))
        else:
            books[-1][1].append(arg)
    pipe = f"lyciqtest{os.getpid()}"
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        out = {os.path.basename(book): run_book(desktop, book, calls) for book, calls in books}
        print(json.dumps(out))
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 - LibreOffice may already be gone
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
