"""The `genai` program: a repeated lookup is replayed, `term` runs at once, the rest is Typer.

Three ways through, fastest first (figures in docs/performance.md):

1. **Replay.** A read command's output depends only on the data, the arguments, the
   environment (width, colour, locale...), the terminal and genai itself. The first run
   records what it wrote to stdout and stderr and its exit code in the cache
   (``output/``), with the stamp of every file and directory it depended on; the same
   command again, with nothing changed, writes the same bytes without importing Rich,
   Typer or the model. Anything that may differ (a random quote, the quiz, progress,
   a read error, an internal error, an interrupted run, output sent to a pager) is
   never recorded: code that writes anywhere but sys.stdout and sys.stderr must call
   genai_cli.knowledge.records.forbid_storing().
2. **`genai term NAME [--json]`** runs through runner.term without Typer.
3. Anything else goes to the Typer app in cli/, which calls the same functions.

tests/test_entry.py checks that the three agree.
"""

from __future__ import annotations

import contextlib
import os
import sys

# `typing` and `collections.abc` cost milliseconds that a replay spends on nothing else.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# Commands whose output is a function of data, arguments, environment and terminal.
# Never: bare `genai` and `today` (a due count from progress.db and the clock), stats,
# quiz, learn, interview, import, export, validate, decks, graph, completion: anything
# reading progress, the clock, files beyond the decks, or writing anything.
_REPLAYABLE = {"term", "terms", "search", "compare", "algorithms", "myths", "concepts", "apps"}
# quote and poem pick at random when given no name: replayed only with a name, --all or
# --seed (the same seed, the same pick).
_REPLAYABLE_WITH_ARGS = {"quote", "poem"}
# Options of the app itself, before the command: those taking a value, and flags.
_GLOBAL_WITH_VALUE = {"--deck"}
_GLOBAL_FLAGS = {"--no-pager"}
# Environment variables that change between commands without changing any output.
_VOLATILE_ENV = {"_", "OLDPWD", "PWD", "SHLVL", "PS1", "PS2", "PROMPT_COMMAND"}
_VOLATILE_ENV_PREFIXES = ("PYTEST_", "COVERAGE_")
# Keep the outputs used last; a record holds one command's output.
MOST_OUTPUTS = 256


def fast_path(argv: Sequence[str]) -> int | None:
    """The exit code of `term NAME... [--json]` run directly, or None if Typer must parse argv.

    The words of an unquoted name are joined with spaces, as the Typer command does.
    """
    if os.environ.get("_GENAI_COMPLETE") or not argv or argv[0] != "term":
        return None
    names = [a for a in argv[1:] if not a.startswith("-")]
    flags = [a for a in argv[1:] if a.startswith("-")]
    if not names or flags not in ([], ["--json"]):
        return None
    from genai_cli import runner

    return runner.run(lambda: runner.term(" ".join(names), as_json=bool(flags)))


def replayable(argv: Sequence[str]) -> bool:
    """Whether ``argv`` is a command whose output replay may serve (see _REPLAYABLE)."""
    if list(argv) == ["--help"]:
        return True
    at = 0
    while at < len(argv):  # the app's own options, then the command
        arg = argv[at]
        if arg in _GLOBAL_WITH_VALUE:
            at += 2
        elif arg in _GLOBAL_FLAGS or arg.startswith(tuple(f"{o}=" for o in _GLOBAL_WITH_VALUE)):
            at += 1
        else:
            break
    if at >= len(argv) or argv[at].startswith("-"):
        return False  # bare `genai` (the due count), --version, an unknown option
    command, rest = argv[at], list(argv[at + 1 :])
    if command in _REPLAYABLE:
        return True
    if command in _REPLAYABLE_WITH_ARGS:
        named = any(a.strip() and not a.startswith("-") for a in rest)
        return named or "--all" in rest or any(a.startswith("--seed") for a in rest)
    return False


def replay_key(argv: Sequence[str]) -> list[Any] | None:
    """Everything a replayable command's output may depend on except files; else None."""
    if os.environ.get("_GENAI_COMPLETE") or os.environ.get("GENAI_NO_REPLAY"):
        return None
    if not replayable(argv):
        return None
    from genai_cli import __version__

    env = [
        [k, v]
        for k, v in sorted(os.environ.items())
        if k not in _VOLATILE_ENV and not k.startswith(_VOLATILE_ENV_PREFIXES)
    ]
    terminal = []
    for fd in (0, 1, 2):
        try:
            size = list(os.get_terminal_size(fd)) if os.isatty(fd) else None
        except OSError:
            size = None
        terminal.append([os.isatty(fd), size])
    try:
        cwd = os.getcwd()
    except OSError:
        return None
    return [__version__, sys.version, list(argv), cwd, env, terminal]


def _replay(key: list[Any]) -> int | None:
    """Write a recorded output again and return its exit code; None if there is none."""
    from genai_cli.knowledge import records

    directory = records.namespace_dir("output", create=False)
    if directory is None:
        return None
    path = os.path.join(directory, records.record_name(key))
    found = records.read_record(path)
    if found is None:
        return None
    header, _body = found
    if not (
        isinstance(header, dict)
        and header.get("key") == key
        and header.get("version") == records._version()
        and records.still_holds(header.get("depends"))
        and isinstance(header.get("code"), int)
        and isinstance(header.get("chunks"), list)
    ):
        return None
    chunks = header["chunks"]
    if not all(
        isinstance(c, list) and len(c) == 2 and c[0] in (1, 2) and isinstance(c[1], str)
        for c in chunks
    ):
        return None
    import time

    calm = records.settled(header["depends"], time.time_ns())
    if calm is not None:  # rewritten once, so that later replays need not hash anything
        records.write_record(path, {**header, "depends": calm}, b"")
    else:
        with contextlib.suppress(OSError):
            os.utime(path)  # used lately: kept by prune()
    streams = {1: sys.stdout, 2: sys.stderr}
    try:
        for fd, text in chunks:
            streams[fd].write(text)
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `genai terms | head`: stop quietly, as runner.run does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return int(header["code"])


class _Tee:
    """A text stream that writes through and remembers what was written (in order)."""

    def __init__(self, inner: Any, fd: int, chunks: list[list[Any]]) -> None:
        self._inner = inner
        self._fd = fd
        self._chunks = chunks

    def write(self, text: str) -> int:
        if isinstance(text, str):
            self._chunks.append([self._fd, text])
        elif text:  # bytes through a text stream: not replayed (Click probes with b"")
            self._chunks.append([0, ""])
        return int(self._inner.write(text))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # bytes written there would not be recorded
            raise AttributeError(name)
        return getattr(self._inner, name)


def _depends(argv: Sequence[str]) -> list[str]:
    """Files and directories a command's output may depend on, besides its data sources."""
    from genai_cli.paths import bundled_data_dir, env_deck_paths, user_decks_dir

    # Not GENAI_HOME itself, nor progress.db: no replayed command reads progress, and
    # the quiz changes both all the time.
    found = [str(bundled_data_dir()), str(user_decks_dir())]
    found += [str(p) for p in env_deck_paths()]
    # Any argument may name a deck file or directory (--deck PATH, --deck=PATH).
    for arg in argv:
        for part in (arg, arg.partition("=")[2]):
            if part:
                found.append(os.path.abspath(os.path.expanduser(part)))
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, dirs, files in os.walk(package):  # genai itself, edited or reinstalled
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # bytecode is written lazily
        found.append(folder)
        found += [os.path.join(folder, f) for f in files if f.endswith(".py")]
    for name in ("rich", "typer", "click", "rapidfuzz", "yaml", "platformdirs", "pygments"):
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if origin:
            found.append(origin)
    return found


def _record(key: list[Any], argv: Sequence[str], chunks: list[list[Any]], code: int) -> None:
    """Store a run's output for replay, unless anything in it must not be."""
    import time

    from genai_cli.knowledge import records

    if records.unstored() or code not in (0, 1, 2) or any(fd == 0 for fd, _ in chunks):
        return
    if code == 0 and not any(fd == 1 for fd, _ in chunks):
        # Success with nothing on stdout: the output went elsewhere (a pager writes to
        # its own process). A pager should also call records.forbid_storing().
        return
    directory = records.namespace_dir("output")
    if directory is None:
        return
    now = time.time_ns()
    sources = [*records.sources_seen(), *_depends(argv)]
    header = {
        "key": key,
        "version": records._version(),
        "depends": [records.witness(p, now) for p in dict.fromkeys(sources)],
        "code": code,
        "chunks": chunks,
    }
    path = os.path.join(directory, records.record_name(key))
    records.write_record(path, header, b"")
    records.prune(directory, path, _output_live, MOST_OUTPUTS)


def _output_live(header: Any) -> bool:
    from genai_cli.knowledge import records

    return (
        isinstance(header, dict)
        and header.get("version") == records._version()
        and records.still_holds(header.get("depends"))
    )


def _run(argv: Sequence[str]) -> int:
    code = fast_path(argv)
    if code is not None:
        return code
    from genai_cli.cli import main as typer_main

    try:
        typer_main()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        raise
    return 0


def claim_stdio() -> bool:
    """Put /dev/null on each closed standard descriptor (0, 1, 2); False if stdout was closed.

    A closed descriptor would be handed to the next file opened (the progress database,
    say), and output meant for the terminal would land in it. A closed stdin then reads
    as end of input and a closed stderr drops warnings; with stdout closed the command
    has nowhere to put its result, which the caller reports.
    """
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:
        spare = os.open(os.devnull, os.O_RDWR)
        if spare != fd:
            os.dup2(spare, fd)
            os.close(spare)
    if 0 in closed:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as stdin
    if 2 in closed:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    _replace_unencodable()
    if 1 in closed:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        return False
    return True


def utf(stream: Any) -> bool:
    return str(getattr(stream, "encoding", "") or "").lower().replace("_", "-").startswith("utf")


def _replace_unencodable() -> None:
    """Under a legacy or ASCII encoding (ISO-8859-1, PYTHONIOENCODING=ascii), characters the
    encoding lacks become "?" instead of an internal UnicodeEncodeError; Rich already draws
    boxes in ASCII there. Input that is not in the encoding is read with replacements."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if stream is not None and not utf(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main() -> None:
    """Console-script entry point."""
    if not claim_stdio():
        from genai_cli import runner

        sys.exit(runner.fail("standard output is closed; nothing was done", 1))
    argv = sys.argv[1:]
    try:
        key = replay_key(argv)
        if key is not None:
            try:
                replayed = _replay(key)
            except (BrokenPipeError, KeyboardInterrupt):
                raise
            except Exception:  # a record that cannot be replayed is a miss
                replayed = None
            if replayed is not None:
                sys.exit(replayed)
            chunks: list[list[Any]] = []
            out, err = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = _Tee(out, 1, chunks), _Tee(err, 2, chunks)
            try:
                code = _run(argv)
            except BrokenPipeError:
                from genai_cli.knowledge.records import forbid_storing

                forbid_storing()
                raise
            finally:
                sys.stdout, sys.stderr = out, err
            with contextlib.suppress(Exception):  # recording must never be a failure
                _record(key, argv, chunks, code)
        else:
            code = _run(argv)
    except KeyboardInterrupt:
        sys.stderr.write("genai: interrupted\n")
        code = 130
    sys.exit(code)
