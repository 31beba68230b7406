"""PDF through LibreOffice headless: several files in one soffice run, a
private profile per job (concurrent jobs must not share one), a timeout, and
fontconfig aliases so the official Chinese font names render with CJK fonts."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lyciq_xl.errors import PdfError

FONTS_CONF = Path(__file__).with_name("fonts.conf")
__all__ = ["PdfError", "convert", "soffice"]   # PdfError lives in lyciq_xl.errors
TIMEOUT = 180   # seconds for one soffice run (a handful of files take ~2-5 s)


def soffice() -> str:
    """Path of LibreOffice's soffice, or PdfError in Chinese."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("未找到 LibreOffice(soffice),无法生成PDF。请安装 LibreOffice"
                   "(Debian/Ubuntu: apt-get install libreoffice-calc-nogui fonts-noto-cjk),"
                   "或去掉 --pdf 只生成Excel文件后在Excel中打印为PDF。")


def convert(files: list[Path], out_dir: Path, timeout: int = TIMEOUT) -> list[Path]:
    """Convert `files` (.xlsx) to PDF in `out_dir` in one LibreOffice run."""
    if not files:
        return []
    exe = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs = [out_dir / (f.stem + ".pdf") for f in files]
    for stale in pdfs:          # never mistake last run's PDF for this one
        stale.unlink(missing_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        command = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir),
                   *(str(f) for f in files)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice 生成PDF超时({timeout}秒),Excel文件已生成。"
                           f"请关闭其他 LibreOffice 窗口后重试。") from exc
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        detail = (done.stderr or done.stdout or "").strip()[-300:]
        raise PdfError(f"LibreOffice 未能生成PDF:{'、'.join(missing)}(退出码 {done.returncode})。"
                       f"Excel文件已生成,可在Excel中打印为PDF。{detail}")
    return pdfs
