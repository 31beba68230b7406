"""The command line works without xlwings (the `excel` install extra): run
in a fresh interpreter where `import xlwings` fails as it does when the
extra is not installed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# sys.modules[name] = None makes `import name` raise ImportError
WITHOUT_XLWINGS = ("import sys; sys.modules['xlwings'] = None; "
                   "import importlib.util as u; real = u.find_spec; "
                   "u.find_spec = lambda n, *a: None if n == 'xlwings' else real(n, *a); "
                   "from lyciq_xl.cli import main; sys.exit(main(sys.argv[1:]))")


def _lyciq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_XLWINGS, *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_recalc_annex_status_without_xlwings(sample_path, tmp_path):
    done = _lyciq("recalc", str(sample_path))
    assert done.returncode == 1, done.stderr          # the sample's planted errors
    # 3 + 4 errors, 2 + 3 warnings: the sample plants both parts' (P rules: SPEC 8)
    assert done.stdout.startswith("重新计算完成:错误 7 条,警告 5 条")
    assert _lyciq("status", str(sample_path)).returncode == 0
    assert _lyciq("annex", str(sample_path), "--out", str(tmp_path / "out")).returncode == 0


def test_addin_commands_name_the_extra(tmp_path):
    done = _lyciq("build", "--out", str(tmp_path / "x.xlam"))
    assert done.returncode == 2
    assert 'pip install "lyciq-xl[excel]"' in done.stderr
    assert not (tmp_path / "x.xlam").exists()
