"""Run inside `unshare --user --map-root-user --mount` (tests/test_disk_full.py):
mount a small tmpfs, fill it so that exactly the wanted write runs out of
space, run `lyciq-xl recalc` on a master there, report what is left as JSON.

argv: master  mountpoint  recalc_output_bytes  room  (room: "backup" = the
new workbook fits but its backup does not; "temp" = not even the new workbook)
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

master, mnt, output_size, room = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], check=True)
target = mnt / master.name
shutil.copyfile(master, target)
backups = mnt / ".lyciq-backup"
backups.mkdir()
for i in range(10):     # ten earlier backups, as many as are kept
    (backups / f"{master.stem}.20141031-12000{i}-000000{master.suffix}").write_bytes(b"x")
stat = os.statvfs(mnt)
free = stat.f_bavail * stat.f_frsize
leave = output_size + master.stat().st_size // 2 if room == "backup" else output_size // 2
with open(mnt / "filler", "wb") as filler:
    filler.write(b"\0" * (free - leave))
before = hashlib.sha256(target.read_bytes()).hexdigest()
run = subprocess.run([sys.executable, "-m", "lyciq_xl", "recalc", str(target)],
                     capture_output=True, text=True, encoding="utf-8")
print(json.dumps({
    "rc": run.returncode, "stderr": run.stderr, "stdout": run.stdout,
    "unchanged": hashlib.sha256(target.read_bytes()).hexdigest() == before,
    "folder": sorted(p.name for p in mnt.iterdir()),
    "backups": sorted(p.name for p in backups.iterdir()),
}, ensure_ascii=False))
