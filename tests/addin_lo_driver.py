"""Run VBA functions of a workbook in LibreOffice headless through UNO.

Runs under the system Python that has LibreOffice's `uno` module:
    /usr/bin/python3 addin_lo_driver.py BOOK PROFILE_DIR Module.Func ...
Prints a JSON object {"Module.Func": result, ..., "_libraries": [...]}.
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


def main():
    book, profile, *calls = sys.argv[1:]
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
