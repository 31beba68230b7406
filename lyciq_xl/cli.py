"""`lyciq-xl` command line: a thin layer from files to the commands.

Exit codes: the one table is `lyciq_xl.errors.ExitCode` (0 done, 1 done
with validation errors, 2 unusable input and nothing written, 3 written in
part). No traceback reaches the clerk. Each workflow lives once in
lyciq_xl/commands/; this file only parses arguments, builds a FilePort,
calls the command, prints its Outcome and maps failures to exit codes.
"""
from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import re
import sys
from pathlib import Path

from lyciq_xl import __version__
from lyciq_xl.commands.outcome import Outcome
from lyciq_xl.errors import ExitCode, InputError, LyciqError
from lyciq_xl.port import FilePort
from lyciq_xl.progress import for_terminal
from lyciq_xl.xlsxio.safefile import BACKUP_DIR


def _port(args: argparse.Namespace) -> FilePort:
    return FilePort(args.workbook, progress=for_terminal())


def show(outcome: Outcome, as_json: bool = False) -> int:
    """Print an Outcome: its lines (or its JSON) on stdout, its errors on stderr."""
    if as_json and outcome.json is not None:
        json.dump(outcome.json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for line in outcome.lines:
            print(line)
    for error in outcome.errors:
        print(f"错误:{error}", file=sys.stderr)
    return int(outcome.code)


def _cmd_init(args: argparse.Namespace) -> int:
    from lyciq_xl import sample
    sample.create(args.workbook, blank=args.blank, force=args.force)
    print(f"已生成主工作簿:{args.workbook}")
    return ExitCode.OK


def _cmd_recalc(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import recalc
    with _port(args) as port:
        return show(recalc.recalc(port), as_json=args.json)


def _cmd_validate(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import recalc
    with _port(args) as port:
        return show(recalc.validate(port), as_json=args.json)


def _cmd_explain(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import recalc
    with _port(args) as port:
        return show(recalc.explain(port, args.dept, args.period))


def _cmd_annex(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import annex
    with _port(args) as port:
        return show(annex.annex(port, args.out, as_pdf=args.pdf, as_html=args.html,
                                dept=args.dept, include_drafts=args.include_drafts))


def _cmd_archive(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import archive
    with _port(args) as port:
        return show(archive.archive(port, args.out, args.person, args.dept, as_pdf=args.pdf))


def _cmd_distribute(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import distribute
    from lyciq_xl.mail import send
    config = send.SmtpConfig.from_args(args) if args.send else None
    with _port(args) as port:
        if args.assessors:                 # SPEC 9: the assessing departments' workbooks
            from lyciq_xl.commands import assessors
            return show(assessors.distribute_assessors(port, args.out, args.period, args.dept,
                                                       config, args.sender))
        return show(distribute.distribute(port, args.out, args.period, args.dept, config,
                                          args.sender))


def _cmd_collect(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import collect
    with _port(args) as port:
        return show(collect.collect(port, list(args.files), args.receipts, args.period))


def _cmd_status(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import status
    with _port(args) as port:
        return show(status.run(port, args.period))


def _need_excel_extra() -> None:
    """The add-in side needs xlwings, an install extra the command line lacks."""
    if importlib.util.find_spec("xlwings") is None:
        raise InputError("此命令需要 xlwings(Excel 加载项所用),当前未安装。"
                         "请运行 pip install \"lyciq-xl[excel]\" 后重试;本次未写入任何内容。")


def _cmd_feedback(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import feedback
    from lyciq_xl.mail import send
    config = send.SmtpConfig.from_args(args) if args.send else None
    with _port(args) as port:
        return show(feedback.feedback(port, args.out, args.period, as_pdf=args.pdf,
                                      drafts=args.eml, config=config, sender=args.sender))


def _cmd_history(args: argparse.Namespace) -> int:
    from lyciq_xl.commands import feedback
    return show(feedback.history([FilePort(p) for p in args.workbooks], args.out, as_pdf=args.pdf))


def _cmd_build(args: argparse.Namespace) -> int:
    _need_excel_extra()
    from lyciq_xl.addin import cli as addin_cli
    return addin_cli.run_build(args)


def _cmd_addin(args: argparse.Namespace) -> int:
    _need_excel_extra()
    from lyciq_xl.addin import cli as addin_cli
    return addin_cli.run_addin(args)


# argparse's own English errors, as a clerk should read them. A message not
# listed still gets the Chinese frame, with argparse's text quoted.
_ARGPARSE_ERRORS = [
    (re.compile(r"argument 命令: invalid choice: '?(?P<v>.*?)'? \(choose from (?P<c>.*)\)"),
     "没有命令“{v}”。命令要写在最前面,例如:lyciq-xl recalc 主工作簿.xlsx;可用的命令:{c}。"),
    (re.compile(r"argument (?P<a>\S+): invalid choice: '?(?P<v>.*?)'? \(choose from (?P<c>.*)\)"),
     "{a} 不能是“{v}”,可选:{c}。"),
    (re.compile(r"the following arguments are required: (?P<a>.*)"), "缺少{a}。"),
    (re.compile(r"unrecognized arguments: (?P<a>.*)"),
     "无法识别“{a}”(拼写有误,或放在了不对应的命令后)。"),
    (re.compile(r"argument (?P<a>\S+): expected (?:one|at least one) argument"),
     "{a} 后面要写一个值。"),
    (re.compile(r"argument (?P<a>\S+): invalid int value: '?(?P<v>.*?)'?$"),
     "{a} 的值“{v}”不是整数。"),
    (re.compile(r"ambiguous option: (?P<a>\S+) could match (?P<c>.*)"),
     "选项 {a} 不完整,可能是 {c} 中的任一个,请写全。"),
    (re.compile(r"argument (?P<a>\S+): (?P<m>.*)"), "{a}:{m}"),
]


def _chinese(message: str) -> str:
    for pattern, text in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return text.format(**{k: v.replace("'", "") for k, v in match.groupdict().items()})
    return f"命令行有误({message})。"


class _Parser(argparse.ArgumentParser):
    """Command-line slips: a Chinese message, the usage line, exit 2."""

    def error(self, message: str):
        usage = self.format_usage().strip().removeprefix("usage:").strip()
        self.exit(ExitCode.INPUT, f"错误:{_chinese(message)}\n用法:{usage}\n"
                              f"查看说明:{self.prog} --help;本次未写入任何内容。\n")


def _out_folder(text: str) -> Path:
    """--out: a folder, made if missing; an existing file there is a slip."""
    path = Path(text)
    for place in (path, *path.parents):
        if place.exists():
            if not place.is_dir():
                raise argparse.ArgumentTypeError(
                    f"“{place}”是一个文件,不是文件夹。请指定输出文件夹(不存在时会自动新建)。")
            break
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lyciq-xl", description="辽阳局绩效考核 Excel 工具")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--debug", action="store_true", help="出错时显示技术细节")
    # --debug is accepted after the command too; SUPPRESS keeps the
    # subcommand's default from overwriting a --debug given before it
    anywhere = _Parser(add_help=False)
    anywhere.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                          help="出错时显示技术细节")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令",
                                parser_class=_Parser)
    command = functools.partial(sub.add_parser, parents=[anywhere])

    p = command("init", help="新建主工作簿(含示例数据)")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--blank", action="store_true", help="只含科室、指标框架和参数,不含示例数据")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件(原文件先备份)")
    p.set_defaults(func=_cmd_init)

    p = command("recalc", help="校验并重新计算全部得分")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--json", action="store_true", help="以JSON输出结果和校验问题")
    p.set_defaults(func=_cmd_recalc)

    p = command("validate", help="只校验,写入“校验结果”(不计算得分)")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--json", action="store_true", help="以JSON输出结果和校验问题")
    p.set_defaults(func=_cmd_validate)

    p = command("explain", help="逐项说明一个科室(或一名人员)得分的来由")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("dept", metavar="科室或人员",
                   help="科室名称或科室代码;或人员编号、全局唯一的姓名(个人考核逐月说明)")
    p.add_argument("period", nargs="?", metavar="考核期", help="考核期,如 2014Q3 或 2014(默认年度)")
    p.set_defaults(func=_cmd_explain)

    p = command("annex", help="生成附件1/2/3和考核结果通报")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--out", type=_out_folder, required=True, metavar="输出文件夹")
    p.add_argument("--pdf", action="store_true")
    p.add_argument("--html", action="store_true")
    p.add_argument("--dept")
    p.add_argument("--include-drafts", action="store_true")
    p.set_defaults(func=_cmd_annex)

    p = command("archive", help="生成个人考核档案(每人一个文件)")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--out", type=_out_folder, required=True, metavar="输出文件夹")
    p.add_argument("--pdf", action="store_true", help="同时生成PDF(一次LibreOffice转换全部文件)")
    p.add_argument("--person", metavar="人员编号或姓名", help="只生成一人:人员编号或唯一的姓名")
    p.add_argument("--dept", metavar="科室", help="只生成一个科室的人员")
    p.set_defaults(func=_cmd_archive)

    p = command("distribute", help="按科室拆分工作簿并发送")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--out", type=_out_folder, required=True, metavar="输出文件夹")
    p.add_argument("--period")
    p.add_argument("--dept")
    p.add_argument("--assessors", action="store_true",
                   help="为每个考核责任部门生成考核填报表(--dept 指定一个部门)")
    p.add_argument("--send", action="store_true")
    p.add_argument("--smtp-host")
    p.add_argument("--smtp-port", type=int)
    p.add_argument("--smtp-user")
    p.add_argument("--smtp-security", choices=("none", "starttls", "ssl"))
    p.add_argument("--sender")
    p.set_defaults(func=_cmd_distribute)

    p = command("collect", help="回收科室填报的工作簿并汇总")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("files", type=Path, nargs="+", metavar="交回的工作簿或文件夹")
    p.add_argument("--receipts", type=Path, help="回执输出目录")
    p.add_argument("--period", help="只接收该期间的工作簿(默认:参数“年度”内的任一期间)")
    p.set_defaults(func=_cmd_collect)

    p = command("status", help="查看各科室报送情况")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--period")
    p.set_defaults(func=_cmd_status)

    p = command("feedback", help="为每个科室生成考核结果反馈单并发送")
    p.add_argument("workbook", type=Path, metavar="主工作簿")
    p.add_argument("--out", type=_out_folder, required=True, metavar="输出文件夹")
    p.add_argument("--pdf", action="store_true")
    p.add_argument("--period", help="考核期,如 2014Q3 或 2014(默认:最近的考核期)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="经SMTP发送(须参数“结果审定”为“是”)")
    how.add_argument("--eml", action="store_true", help="生成可在Outlook中打开发送的邮件草稿")
    p.add_argument("--smtp-host")
    p.add_argument("--smtp-port", type=int)
    p.add_argument("--smtp-user")
    p.add_argument("--smtp-security", choices=("none", "starttls", "ssl"))
    p.add_argument("--sender")
    p.set_defaults(func=_cmd_feedback)

    p = command("history", help="多个年度主工作簿的考核结果对比")
    p.add_argument("workbooks", type=Path, nargs="+", metavar="主工作簿")
    p.add_argument("--out", type=_out_folder, required=True, metavar="输出文件夹")
    p.add_argument("--pdf", action="store_true")
    p.set_defaults(func=_cmd_history)

    p = command("build", help="由 macros/ 源文件构建加载项 workbook/lyciq.xlam")
    p.add_argument("--out", type=Path)
    p.set_defaults(func=_cmd_build)

    p = command("addin", help="安装/卸载/查看 Excel 加载项")
    p.add_argument("action", choices=("install", "uninstall", "status"), metavar="操作")
    p.set_defaults(func=_cmd_addin)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except LyciqError as exc:         # InputError and the rest: raised before any write
        print(f"错误:{exc}", file=sys.stderr)
        return ExitCode.INPUT
    except KeyboardInterrupt:
        print("已中止,未写入任何文件。", file=sys.stderr)
        return ExitCode.INPUT
    except Exception as exc:  # last line of defence: no traceback for the clerk
        if args.debug:
            raise
        # Every workbook write is atomic with a backup, but an error after one
        # write (e.g. while writing receipts) comes after that write: say so.
        print(f"程序内部错误({type(exc).__name__}: {exc})。已写入的工作簿都是完整的,"
              f"原文件备份在同一文件夹的“{BACKUP_DIR}”中。"
              f"请加 --debug 重新运行并把输出发给技术支持。", file=sys.stderr)
        return ExitCode.INPUT
