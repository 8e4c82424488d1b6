"""argparse speaking Chinese to the editors who run ``digest``.

argparse takes its own words from gettext, for which Python ships no Chinese; these classes choose
them where argparse lets a program choose (the usage line, the help option, the options' heading)
and translate its error messages, whose forms are argparse's own, fixed by its source. A message
of a form not listed here is shown as argparse wrote it, after the Chinese lead.
"""
from __future__ import annotations

import argparse
import re
import sys

# argparse's error messages (the %-forms in its source), each as a pattern and its Chinese.
ERRORS = [(re.compile(pattern), chinese) for pattern, chinese in (
    (r"argument (?P<name>\S+): (?P<message>.*)", "参数 {name}：{message}"),
    (r"the following arguments are required: (?P<names>.*)", "缺少参数 {names}"),
    (r"unrecognized arguments: (?P<words>.*)", "不认识的参数 {words}"),
    (r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", "没有 {value} 这一项（可选：{choices}）"),
    (r"invalid (?P<type>\w+) value: (?P<value>.*)", "{value} 不是有效的值"),
    (r"expected one argument", "后面要跟一个值"),
    (r"expected at least one argument", "后面至少要跟一个值"),
    (r"expected at most one argument", "后面至多跟一个值"),
    (r"ignored explicit argument (?P<value>.*)", "不该带值 {value}"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)", "选项 {option} 不明确，可能是 {matches}"),
    (r"one of the arguments (?P<names>.*) is required", "{names} 中必须有一个"),
    (r"not allowed with argument (?P<name>.*)", "不能和 {name} 一起用"),
)]


def chinese(message: str) -> str:
    """An argparse error message in Chinese (an argument's message translated in turn)."""
    for pattern, words in ERRORS:
        match = pattern.fullmatch(message)
        if match:
            parts = match.groupdict()
            if "message" in parts:
                parts["message"] = chinese(parts["message"])
            return words.format(**parts)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; its options go in ``self.options``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=ChineseHelpFormatter, **kwargs)
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} 错误：命令行有误：{chinese(message)}\n")
