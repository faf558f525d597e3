"""One module per ``etiograph`` command: ``configure(parser)`` adds its options, ``run(args)`` does the work.

Registered in ``etiograph.cli.PLUGIN_COMMANDS``. Modules import only argparse at top level, so
building the parser (``etiograph --help``) stays cheap; the work's imports happen in ``run``.

Internal: the command line is the interface (``etiograph.cli.main``); these modules may move.
"""
