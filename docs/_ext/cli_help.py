"""``.. cli-help::``: the ``--help`` text of ``regionscope`` and of each of its subcommands, taken
from the parser when the documentation is built, so the page and the command cannot drift apart.

With an argument (``.. cli-help:: count``) one subcommand; without, the command and then every
subcommand under a rubric of its own."""
from __future__ import annotations

import argparse

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _block(text: str) -> nodes.literal_block:
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


class CliHelp(SphinxDirective):
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        from analyzer.cli import build_parser

        parser = build_parser()
        (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if self.arguments:
            return [_block(subparsers.choices[self.arguments[0]].format_help())]
        out: list[nodes.Node] = [_block(parser.format_help())]
        for name, sub in subparsers.choices.items():
            out += [nodes.rubric(text=f"regionscope {name}"), _block(sub.format_help())]
        return out


def setup(app):
    app.add_directive("cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
