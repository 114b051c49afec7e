"""Subcommands of ``simsim`` that live in modules of their own (see ``simsim.cli.COMMAND_MODULES``).

Each module defines ``NAME``, ``add_parser(sub)`` and ``run(args) -> int`` and imports only
the standard library at module level, so that building the parser stays fast.
"""
