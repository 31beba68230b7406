"""`lyciq-xl` command line: a thin layer from files to the core.

Exit codes (SPEC section 6): 0 done, 1 done with validation errors,
2 unusable input (and nothing written). No traceback reaches the clerk.
Each command's work lives in its own module; this file only parses
arguments, calls it, and maps failures to exit codes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lyciq_xl import __version__
from lyciq_xl.errors import InputError, LyciqError
from lyciq_xl.xlsxio.safefile import BACKUP_DIR

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _cmd_init(args: argparse.Namespace) -> int:
    from lyciq_xl import sample
    sample.create(args.workbook, blank=args.blank, force=args.force)
    print(f"已生成主工作簿:{args.workbook}")
    return EXIT_OK


def _cmd_recalc(args: argparse.Namespace) -> int:
    from lyciq_xl import recalc
    return recalc.run(args.workbook, as_json=args.json)


def _cmd_explain(args: argparse.Namespace) -> int:
    from lyciq_xl import recalc
    return recalc.run_explain(args.workbook, args.dept, args.period)


def _cmd_annex(args: argparse.Namespace) -> int:
    from lyciq_xl.annex import cli as annex_cli
    return annex_cli.run(args)


def _cmd_distribute(args: argparse.Namespace) -> int:
    from lyciq_xl.mail import cli as mail_cli
    return mail_cli.run_distribute(args)


def _cmd_collect(args: argparse.Namespace) -> int:
    from lyciq_xl.mail import cli as mail_cli
    return mail_cli.run_collect(args)


def _cmd_status(args: argparse.Namespace) -> int:
    from lyciq_xl.mail import cli as mail_cli
    return mail_cli.run_status(args)


def _cmd_build(args: argparse.Namespace) -> int:
    from lyciq_xl.addin import cli as addin_cli
    return addin_cli.run_build(args)


def _cmd_addin(args: argparse.Namespace) -> int:
    from lyciq_xl.addin import cli as addin_cli
    return addin_cli.run_addin(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lyciq-xl", description="辽阳局绩效考核 Excel 工具")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--debug", action="store_true", help="出错时显示技术细节")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("init", help="新建主工作簿(含示例数据)")
    p.add_argument("workbook", type=Path)
    p.add_argument("--blank", action="store_true", help="只含科室、指标框架和参数,不含示例数据")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件(原文件先备份)")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("recalc", help="校验并重新计算全部得分")
    p.add_argument("workbook", type=Path)
    p.add_argument("--json", action="store_true", help="以JSON输出结果和校验问题")
    p.set_defaults(func=_cmd_recalc)

    p = sub.add_parser("explain", help="逐项说明一个科室(或一名人员)得分的来由")
    p.add_argument("workbook", type=Path)
    p.add_argument("dept", help="科室名称或科室代码;或人员编号、唯一的姓名(个人考核逐月说明)")
    p.add_argument("period", nargs="?", help="考核期,如 2014Q3 或 2014(默认年度)")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("annex", help="生成附件1/2/3和考核结果通报")
    p.add_argument("workbook", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--pdf", action="store_true")
    p.add_argument("--html", action="store_true")
    p.add_argument("--dept")
    p.add_argument("--include-drafts", action="store_true")
    p.set_defaults(func=_cmd_annex)

    p = sub.add_parser("distribute", help="按科室拆分工作簿并发送")
    p.add_argument("workbook", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--period")
    p.add_argument("--dept")
    p.add_argument("--send", action="store_true")
    p.add_argument("--smtp-host")
    p.add_argument("--smtp-port", type=int)
    p.add_argument("--smtp-user")
    p.add_argument("--smtp-security", choices=("none", "starttls", "ssl"))
    p.add_argument("--sender")
    p.set_defaults(func=_cmd_distribute)

    p = sub.add_parser("collect", help="回收科室填报的工作簿并汇总")
    p.add_argument("workbook", type=Path)
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--receipts", type=Path, help="回执输出目录")
    p.add_argument("--period", help="只接收该期间的工作簿(默认:参数“年度”内的任一期间)")
    p.set_defaults(func=_cmd_collect)

    p = sub.add_parser("status", help="查看各科室报送情况")
    p.add_argument("workbook", type=Path)
    p.add_argument("--period")
    p.set_defaults(func=_cmd_status)

    p = sub.add_parser("build", help="由 macros/ 源文件构建加载项 workbook/lyciq.xlam")
    p.add_argument("--out", type=Path)
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("addin", help="安装/卸载/查看 Excel 加载项")
    p.add_argument("action", choices=("install", "uninstall", "status"))
    p.set_defaults(func=_cmd_addin)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return EXIT_INPUT
    except LyciqError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("已中止,未写入任何文件。", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # last line of defence: no traceback for the clerk
        if args.debug:
            raise
        # Every workbook write is atomic with a backup, but an error after one
        # write (e.g. while writing receipts) comes after that write: say so.
        print(f"程序内部错误({type(exc).__name__}: {exc})。已写入的工作簿都是完整的,"
              f"原文件备份在同一文件夹的“{BACKUP_DIR}”中。"
              f"请加 --debug 重新运行并把输出发给技术支持。", file=sys.stderr)
        return EXIT_INPUT
