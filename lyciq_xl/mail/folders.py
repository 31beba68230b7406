"""Output folders of the mail commands (receipts, distributed workbooks):
checked before anything is written, so that a folder that cannot be used
stops the run with exit 2 and nothing written - not after the master was."""
from __future__ import annotations

import os
from pathlib import Path

from lyciq_xl.errors import InputError


def check_folder(folder: Path, option: str = "--receipts") -> None:
    """InputError unless files can be written into `folder` (existing, or
    to be created under its nearest existing parent)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"输出目录“{folder}”是一个已存在的文件,不是文件夹。请用 {option} "
                         "指定一个文件夹(不存在时会自动创建);本次未写入任何内容。")
    parent = next((p for p in [folder, *folder.parents] if p.exists()), None)
    if parent is None or not parent.is_dir():
        raise InputError(f"无法创建输出目录“{folder}”:“{parent or folder}”不是文件夹。"
                         f"请用 {option} 指定另一个文件夹;本次未写入任何内容。")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"没有在“{parent}”中写入的权限,无法写入输出目录“{folder}”。"
                         f"请用 {option} 指定另一个文件夹;本次未写入任何内容。")


def make_folder(folder: Path, option: str = "--receipts") -> None:
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"无法创建输出目录“{folder}”({exc.strerror or exc})。"
                         f"请用 {option} 指定另一个文件夹;本次未写入任何内容。") from exc
