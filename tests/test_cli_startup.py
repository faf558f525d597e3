"""Start and end of the ``etiograph`` program. The parser builds only the named command (``--help`` still
lists every command with its one-line help); one-shot commands end without the interpreter's teardown,
yet every byte of the answer arrives, the exit code is the command's, and an atexit callback or a live
thread keeps the usual exit."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from etiograph import cli


def etiograph(*argv: str, prelude: str = "") -> subprocess.CompletedProcess[bytes]:
    """The program as the console script runs it: ``main()`` with no arguments, ``sys.argv`` set."""
    code = f"import sys\n{prelude}\nfrom etiograph.cli import main\nsys.argv = ['etiograph', *sys.argv[1:]]\nsys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, timeout=120, check=False)


@pytest.mark.slow
def test_a_large_answer_arrives_whole_through_a_pipe(nt_export: bytes) -> None:
    done = etiograph("export", "--format", "nt")
    assert done.returncode == 0, done.stderr
    assert done.stdout == nt_export


@pytest.mark.slow
def test_the_exit_code_is_the_commands() -> None:
    done = etiograph("paths", "no such concept", "leg cramps")
    assert done.returncode == 2
    assert done.stderr.decode().startswith("etiograph: error: unknown concept")


@pytest.mark.slow
def test_an_atexit_callback_still_runs() -> None:
    done = etiograph("queries", prelude="import atexit\natexit.register(print, 'atexit ran')")
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith(b"atexit ran")


def test_the_fast_path_yields_to_an_atexit_callback() -> None:
    """With a callback registered, ``_exit_now`` returns instead of ending this (pytest's) process."""
    import atexit

    def callback() -> None:
        pass

    atexit.register(callback)
    try:
        assert cli._exit_now(0) is None
    finally:
        atexit.unregister(callback)


def test_the_fast_path_yields_to_a_live_thread() -> None:
    """A non-daemon thread still running: checked before anything else, so this process goes on."""
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert cli._exit_now(0) is None
    finally:
        stop.set()
        worker.join()


def test_a_caller_in_the_same_process_gets_the_code_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["queries"]) == 0
    assert "infection-comparison" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--help"], ["-h", "paths"], ["pahts"]], ids=["help", "help-first", "unknown"])
def test_every_command_is_listed_with_its_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(argv)
    captured = capsys.readouterr()
    shown = " ".join((captured.out + captured.err).split())
    for name in [*cli.PLUGIN_COMMANDS]:
        assert f"'{name}'" in shown or f" {name} " in shown, name
    if argv == ["--help"]:
        for text in [h for _, h in cli.PLUGIN_COMMANDS.values()]:
            assert " ".join(text.split()) in shown, text


def test_a_named_command_gets_its_parser_alone() -> None:
    sub = next(a for a in cli.build_parser("paths")._actions if a.dest == "command")
    assert list(sub.choices) == ["paths"]
    assert "--max-hops" in sub.choices["paths"].format_help()


@pytest.mark.slow  # a fresh interpreter per command
@pytest.mark.parametrize("argv", [["validate"], ["paths", "UTI", "leg cramps"], ["export", "-o", "-"], ["check"]])
def test_a_broken_install_says_so_in_one_line(argv: list[str], tmp_path) -> None:
    """The package without its bundled data (a broken wheel, a copied source tree): one line, exit 2."""
    import shutil
    from pathlib import Path

    package = Path(cli.__file__).parent
    shutil.copytree(package, tmp_path / "src" / "etiograph", ignore=shutil.ignore_patterns("__pycache__", "data"))
    done = subprocess.run(
        [sys.executable, "-m", "etiograph", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "src"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("etiograph: error: etiograph's bundled data") and "reinstall" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize("columns", [None, "40", "123", "0", "-5", "wide"])
def test_the_help_is_as_wide_as_argparse_would_make_it(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.HelpFormatter finds the width without shutil, with shutil.get_terminal_size's answer."""
    import argparse
    import shutil

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli.terminal_columns() == shutil.get_terminal_size().columns
    ours = cli.build_parser("export")
    theirs = cli.build_parser("export")
    for parser in (theirs, *theirs._subparsers._group_actions[0].choices.values()):
        parser.formatter_class = argparse.HelpFormatter
    assert ours.format_help() == theirs.format_help()
    assert ours._subparsers._group_actions[0].choices["export"].format_help() == (
        theirs._subparsers._group_actions[0].choices["export"].format_help()
    )
