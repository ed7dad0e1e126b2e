"""genai's benchmark: every target of issue 16, with a table of measured vs target.

    .venv/bin/python benchmarks/run.py            # the full run (~10 minutes, 100k deck too)
    .venv/bin/python benchmarks/run.py --no-big   # without the 100,000-term deck
    .venv/bin/python benchmarks/run.py --quick    # CI (< 60 s): few runs, never fails on timing

Measured: every read command and the quiz against ``python -c pass``; ``genai term``
against the official Python tldr client (installed from PyPI into a private venv when
not on PATH; skipped if that fails, e.g. offline); peak memory; a 10,000-term and a
100,000-term deck directory (cold, warm, memory, the quiz per question, a second working
directory); a 20,000-word search. A repeated command is replayed (entry.py), so warm
figures are replays; "not replayed" rows show a first lookup with the data cache warm.

Every figure is a median of wall-clock times of fresh processes, and every ratio is
against ``python -c pass`` of THIS interpreter (``sys.executable``) measured in the same
run. With ``hyperfine`` on PATH the warm comparisons use it; otherwise (or with
``--no-hyperfine``) a small harness runs the compared commands in turn, alternating them
so that machine noise hits all of them alike. Cold runs (cache cleared before each run)
always use the harness. Timings never fail the run; a command that errors does (exit 1).

Children run with their own empty GENAI_HOME and GENAI_CACHE_DIR (your own data and
cache are never touched), and without PYTHONDONTWRITEBYTECODE, so that imports are
measured from bytecode as an installed genai runs them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gendeck  # noqa: E402


@dataclass
class Command:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ok_codes: tuple[int, ...] = (0,)
    needs_output: bool = True
    times: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)


class CommandFailed(RuntimeError):
    pass


def _base_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for name in ("GENAI_DECKS", "FORCE_COLOR", "GENAI_DEBUG"):
        env.pop(name, None)
    env.update(
        GENAI_HOME=str(work / "home"),
        GENAI_CACHE_DIR=str(work / "cache"),
        COLUMNS="80",
        NO_COLOR="1",
    )
    return env


def _genai() -> list[str]:
    script = Path(sys.executable).with_name("genai")
    return [str(script)] if script.exists() else [sys.executable, "-m", "genai_cli"]


def _run_once(cmd: Command, base: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        cmd.argv,
        env={**base, **cmd.env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )


def check(cmd: Command, base: dict[str, str]) -> None:
    """Run once; raise CommandFailed unless it exits as expected and prints something."""
    proc = _run_once(cmd, base)
    bad = proc.returncode not in cmd.ok_codes or b"Traceback" in proc.stderr
    if bad or (cmd.needs_output and not proc.stdout.strip()):
        raise CommandFailed(
            f"{cmd.label}: exit {proc.returncode}\n{proc.stderr.decode(errors='replace')[-2000:]}"
        )


def missing_command(argv: list[str], base: dict[str, str]) -> bool:
    """True if genai has no such subcommand (another issue has not landed yet)."""
    proc = subprocess.run(argv, env=base, stdin=subprocess.DEVNULL, capture_output=True)
    return proc.returncode == 2 and b"No such command" in proc.stderr


def harness(commands: list[Command], base: dict[str, str], runs: int, warmup: int = 2) -> None:
    """Alternate the commands run by run, so drift and noise hit each alike."""
    for _ in range(warmup):
        for cmd in commands:
            _run_once(cmd, base)
    for _ in range(runs):
        for cmd in commands:
            start = time.perf_counter()
            proc = _run_once(cmd, base)
            cmd.times.append(time.perf_counter() - start)
            if proc.returncode not in cmd.ok_codes:
                raise CommandFailed(f"{cmd.label}: exit {proc.returncode}")


def hyperfine(
    commands: list[Command], base: dict[str, str], runs: int, work: Path, warmup: int = 2
) -> None:
    """The same measurement through hyperfine (no shell, so no shell start-up is counted)."""
    out = work / "hyperfine.json"
    for cmd in commands:  # one hyperfine call per environment
        argv = [
            "hyperfine",
            "-N",
            "--style",
            "none",
            "--warmup",
            str(warmup),
            "--runs",
            str(runs),
            "--export-json",
            str(out),
            " ".join(_quote(a) for a in cmd.argv),
        ]
        if cmd.ok_codes != (0,):
            argv.insert(1, "--ignore-failure")
        subprocess.run(argv, env={**base, **cmd.env}, check=True, capture_output=True)
        cmd.times = list(json.loads(out.read_text())["results"][0]["times"])
        cmd.note = "hyperfine"


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def measure(
    commands: list[Command], base: dict[str, str], runs: int, work: Path, use_hf: bool
) -> None:
    for cmd in commands:
        check(cmd, base)
    if use_hf:
        hyperfine(commands, base, runs, work)
    else:
        harness(commands, base, runs)


_LAUNCHER = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_memory_mb(cmd: Command, base: dict[str, str]) -> float:
    """Peak resident memory of one run of ``cmd``: ru_maxrss of that child alone.

    A small launcher process starts the command: a child's ru_maxrss starts from its
    parent's size at fork, so forking from this (large) process would inflate it.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *cmd.argv],
        env={**base, **cmd.env},
        capture_output=True,
        text=True,
        check=True,
    )
    per_mb = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return int(proc.stdout.strip()) / per_mb


# --- report -------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.targets: list[tuple[str, str, str, str]] = []
        self.notes: list[str] = []
        self.figures: dict[str, float] = {}

    def out(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)

    def table(self, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
        self.out("| " + " | ".join(header) + " |")
        self.out("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.out("| " + " | ".join(row) + " |")
        self.out()

    def target(self, what: str, value: float, limit: float, ratio: bool = True) -> None:
        """A target: ``value`` must be at most ``limit`` (a ratio, or seconds / MB)."""
        self.figures[what] = value
        shown = f"{value:.2f}x" if ratio else f"{value:.2f}"
        wanted = f"≤ {limit:g}x" if ratio else f"≤ {limit:g}"
        self.targets.append((what, shown, wanted, "met" if value <= limit else "NOT MET"))

    def skip(self, what: str, limit: float, why: str) -> None:
        self.targets.append((what, why, f"≤ {limit:g}x", "not measured"))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def summary(self) -> None:
        self.out("## Targets")
        self.out()
        self.table(self.targets, ("target", "measured", "target", "verdict"))
        met = sum(1 for t in self.targets if t[3] == "met")
        self.out(f"{met} of {len(self.targets)} targets met.")
        self.out()
        for line in self.notes:
            self.out(f"- {line}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs ({cpu or 'unknown CPU'}), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()} "
        f"({sys.executable})"
    )


# --- the parts ----------------------------------------------------------------------

READ_COMMANDS = [
    ("terms",),
    ("search", "attention"),
    ("compare", "gan", "vae"),
    ("algorithms",),
    ("myths",),
    ("concepts",),
    ("apps",),
    ("quote",),
    ("poem",),
    ("today",),
    ("stats",),
    ("--help",),
]


def part_startup(report: Report, base: dict[str, str], runs: int, work: Path, hf: bool) -> None:
    """Every read command and the quiz, against python -c pass, side by side."""
    genai = _genai()
    baseline = Command("python -c pass", [sys.executable, "-c", "pass"], needs_output=False)
    term = Command("genai term latent-space", [*genai, "term", "latent-space"])
    first = Command(
        "genai term latent-space (not replayed)",
        [*genai, "term", "latent-space"],
        {"GENAI_NO_REPLAY": "1"},
    )
    others = [Command(f"genai {' '.join(a)}", [*genai, *a]) for a in READ_COMMANDS]
    # Stdin is empty: the quiz prints its first question, then meets end of input.
    quiz = Command(
        "genai quiz --plain -n 1 (to the first question)",
        [*genai, "quiz", "--plain", "-n", "1"],
        ok_codes=(0, 1, 130),
    )
    commands = [baseline, term, first, *others, quiz]
    measure(commands, base, runs, work, hf)
    report.out(f"## Start-up ({runs} runs each, {'hyperfine' if hf else 'alternating harness'})")
    report.out()
    pass_s = baseline.median
    rows = [(f"`{c.label}`", _ms(c.median), f"{c.median / pass_s:.1f}x") for c in commands]
    report.table(rows, ("command", "median", "vs python -c pass"))
    report.figures["pass"] = pass_s
    report.figures["term"] = term.median
    report.target("`genai term latent-space` vs `python -c pass`", term.median / pass_s, 4.0)
    for cmd in others:
        report.target(f"`{cmd.label}` vs `python -c pass`", cmd.median / pass_s, 6.0)
    report.target(
        "`genai quiz` to the first question vs `python -c pass`", quiz.median / pass_s, 8.0
    )
    report.note(
        f"`genai term latent-space` not replayed (first lookup of a name): "
        f"{first.median / pass_s:.1f}x `python -c pass`"
    )


def part_tldr(
    report: Report, base: dict[str, str], runs: int, work: Path, hf: bool, install: bool
) -> None:
    report.out("## Against the official Python tldr client")
    report.out()
    tldr = find_tldr(work, install)
    if tldr is None:
        report.out("tldr client not available (offline, or --quick without it installed).")
        report.out()
        report.skip("`genai term latent-space` vs `tldr --render PAGE`", 0.5, "tldr not available")
        return
    page = work / "latent-space.md"
    page.write_text(TLDR_PAGE, encoding="utf-8")
    version = subprocess.run([*tldr, "--version"], capture_output=True, text=True).stdout.strip()
    commands = [
        Command("python -c pass", [sys.executable, "-c", "pass"], needs_output=False),
        Command("genai term latent-space", [*_genai(), "term", "latent-space"]),
        Command(f"tldr --render PAGE ({version or 'tldr'})", [*tldr, "--render", str(page)]),
    ]
    measure(commands, base, runs, work, hf)
    baseline = commands[0].median
    rows = [(f"`{c.label}`", _ms(c.median), f"{c.median / baseline:.1f}x") for c in commands]
    report.table(rows, ("command", "median", "vs python -c pass"))
    report.target(
        "`genai term latent-space` vs `tldr --render PAGE`",
        commands[1].median / commands[2].median,
        0.5,
    )


def _peak(
    report: Report, base: dict[str, str], cmds: list[Command], limit: float, what: str
) -> None:
    rows = []
    worst = 0.0
    for cmd in cmds:
        peak = max(peak_memory_mb(cmd, base) for _ in range(2))
        worst = max(worst, peak)
        rows.append((cmd.label, f"{peak:.1f} MB"))
    report.table(rows, ("lookup", "peak RSS"))
    report.target(f"peak memory of a lookup, {what} (MB)", worst, limit, ratio=False)


def part_memory(report: Report, base: dict[str, str]) -> None:
    genai = _genai()
    report.out("## Peak memory, bundled data (ru_maxrss of the child)")
    report.out()
    cmds = [
        Command("genai term latent-space", [*genai, "term", "latent-space"]),
        Command(
            "genai term latent-space (not replayed)",
            [*genai, "term", "latent-space"],
            {"GENAI_NO_REPLAY": "1"},
        ),
        Command("genai search attention", [*genai, "search", "attention"]),
        Command("genai terms", [*genai, "terms"]),
    ]
    _peak(report, base, cmds, 25.0, "bundled data")


def _cold(cmd: Command, base: dict[str, str], cache: Path, runs: int) -> None:
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        proc = _run_once(cmd, base)
        cmd.times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise CommandFailed(f"{cmd.label}: exit {proc.returncode}: {proc.stderr[-500:]!r}")


def _check_deck(runner: list[str], env: dict[str, str], probes: dict[str, str]) -> None:
    """The deck's terms resolve, by slug and alias, and search finds them."""
    for name, slug in ((probes["last"], probes["last"]), (probes["alias"], probes["alias_slug"])):
        proc = subprocess.run([*runner, "term", name, "--json"], env=env, capture_output=True)
        if proc.returncode != 0 or json.loads(proc.stdout)["slug"] != slug:
            raise CommandFailed(f"deck lookup of {name!r} failed: {proc.stderr.decode()[-500:]}")
    proc = subprocess.run(
        [*runner, "search", probes["last"].replace("-", " "), "--json", "-n", "3"],
        env=env,
        capture_output=True,
    )
    if proc.returncode != 0 or json.loads(proc.stdout)[0]["slug"] != probes["last"]:
        raise CommandFailed(f"deck search failed: {proc.stderr.decode()[-500:]}")


def _quiz_per_question(
    runner: list[str], base: dict[str, str], env: dict[str, str], questions: int
) -> float:
    """Seconds per choice question after the first: answers "1" to each."""

    def one(count: int, answers: bool) -> float:
        start = time.perf_counter()
        subprocess.run(
            [*runner, "quiz", "--plain", "--mode", "choice", "--topic", "terms", "-n", str(count)],
            env={**base, **env, "GENAI_HOME": str(Path(base["GENAI_HOME"]) / "quiz")},
            input=b"1\n" * count if answers else b"",
            capture_output=True,
        )
        return time.perf_counter() - start

    first = one(1, False)
    return max(0.0, one(questions, True) - first) / max(questions - 1, 1)


def part_deck(
    report: Report,
    base: dict[str, str],
    runs: int,
    cold_runs: int,
    work: Path,
    hf: bool,
    terms: int,
    quick: bool,
) -> None:
    """A deck of ``terms`` terms in files of 1,000 (a directory), warm and cold."""
    big = terms >= 100_000
    deck = work / f"deck-{terms}"
    started = time.perf_counter()
    probes = gendeck.write_deck(deck, terms)
    made = time.perf_counter() - started
    runner = _genai()
    with_deck = {"GENAI_DECKS": str(deck)}
    cache = Path(base["GENAI_CACHE_DIR"])
    report.out(f"## A {terms:,}-term deck")
    report.out()
    report.out(
        f"Deck: `benchmarks/gendeck.py --terms {terms}` ({gendeck.deck_size(deck) / 1e6:.1f} MB"
        f" in files of {gendeck.TERMS_PER_FILE:,} terms, written in {made:.1f} s),"
        " read through GENAI_DECKS."
    )
    report.out()
    cold = Command(
        "term latent-space, with deck, cold", [*runner, "term", "latent-space"], with_deck
    )
    _cold(cold, base, cache, cold_runs)
    _check_deck(runner, {**base, **with_deck}, probes)
    pairs = [
        ("term latent-space", ["term", "latent-space"]),
        (f"term {probes['alias']} (deck alias)", ["term", probes["alias"]]),
        ("search attention", ["search", "attention"]),
        ("terms", ["terms"]),
    ]
    if big:  # the issue sets no target for listing 100,000 terms (~1 min the first time)
        pairs = pairs[:-1]
    warm: list[Command] = []
    for label, argv in pairs:
        if "alias" in label:  # not a bundled name: measured against the bundled term
            warm.append(Command("term latent-space, bundled only (again)", warm[0].argv))
        else:
            warm.append(Command(f"{label}, bundled only", [*runner, *argv]))
        warm.append(Command(f"{label}, with deck", [*runner, *argv], with_deck))
    fresh = [
        Command(
            "term latent-space, with deck, not replayed",
            [*runner, "term", "latent-space"],
            {**with_deck, "GENAI_NO_REPLAY": "1"},
        ),
        Command(
            "search attention, with deck, not replayed",
            [*runner, "search", "attention"],
            {**with_deck, "GENAI_NO_REPLAY": "1"},
        ),
    ]
    if quick:
        fresh = fresh[:1]
    measure([*warm, *fresh], base, runs if not big else max(3, runs // 3), work, hf)
    bundled = warm[0].median
    rows = [(c.label, _ms(c.median), f"{c.median / bundled:.2f}x") for c in [*warm, *fresh]]
    rows.append((cold.label, f"{cold.median:.2f} s", f"{cold_runs} runs, cache cleared"))
    report.table(rows, ("run", "median", "vs bundled-only term"))
    limits = {"term": 1.5 if big else 1.3, "search": 2.0 if big else 1.3, "terms": 3.0}
    for (label, argv), i in zip(pairs, range(0, len(warm), 2), strict=True):
        report.target(
            f"{terms:,}-term deck: `{label}` vs {warm[i].label.split(',')[0]} bundled only",
            warm[i + 1].median / warm[i].median,
            limits[argv[0]],
        )
    if big:
        report.target(f"{terms:,}-term deck: cold first run (s)", cold.median, 20.0, ratio=False)
        report.out("## Peak memory with the 100,000-term deck")
        report.out()
        fresh_env = {**with_deck, "GENAI_NO_REPLAY": "1"}
        peaks = [
            Command("term latent-space, with deck", [*runner, "term", "latent-space"], with_deck),
            Command("search attention, with deck", [*runner, "search", "attention"], with_deck),
            Command("term gan, not replayed", [*runner, "term", "gan"], fresh_env),
            Command("search attention, not replayed", [*runner, "search", "attention"], fresh_env),
        ]
        _peak(report, base, peaks, 150.0, f"{terms:,}-term deck")
    if not quick or not big:
        per_question = _quiz_per_question(runner, base, with_deck, 2 if quick or big else 5)
        report.note(
            f"{terms:,}-term deck: each quiz question after the first took"
            f" {per_question * 1000:.0f} ms (red-team M9, another engineer's; aim 100 ms)"
        )
    other_cwd = Command(
        "term latent-space, with deck, from another directory", [*runner, "term", "gan"], with_deck
    )
    start = time.perf_counter()
    subprocess.run(other_cwd.argv, env={**base, **with_deck}, cwd=work, capture_output=True)
    elsewhere = time.perf_counter() - start
    report.note(
        f"{terms:,}-term deck: a lookup from another working directory after a cold run took"
        f" {elsewhere * 1000:.0f} ms (the cold run: {cold.median:.1f} s): the cache is shared (M10)"
    )


def part_long_query(report: Report, base: dict[str, str]) -> None:
    words = " ".join(f"w{i}q" for i in range(20_000))
    cmd = Command("search with 20,000 words", [*_genai(), "search", "attention", *words.split()])
    start = time.perf_counter()
    proc = _run_once(cmd, base)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise CommandFailed(f"{cmd.label}: exit {proc.returncode}")
    report.target("`genai search` with 20,000 words (s; L13, was 21 s)", took, 1.0, ratio=False)


TLDR_PAGE = """# latent-space

> A compressed representation of data where generative models operate,
> enabling the synthesis of new content by sampling from this space.
> More information: <https://example.org/latent-space>.

- Look up the term:

`genai term latent-space`

- Look up a related term:

`genai term {{variational-autoencoder}}`

- Search everything for a word:

`genai search {{attention}}`
"""


def find_tldr(work: Path, install: bool) -> list[str] | None:
    """The official Python tldr client: from this venv or PATH, else a private venv."""
    beside = Path(sys.executable).with_name("tldr")
    if beside.exists():
        return [str(beside)]
    if not install:
        found = shutil.which("tldr")
        return [found] if found else None
    venv = work / "tldr-venv"
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(venv / "bin" / "python"),
                "install",
                "-q",
                "tldr",
            ],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError):
        try:  # pip too old for --python: a venv with its own pip
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "tldr"],
                check=True,
                capture_output=True,
            )
        except (subprocess.CalledProcessError, OSError):
            return None
    script = venv / "bin" / "tldr"
    return [str(script)] if script.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="genai start-up and scale benchmark")
    parser.add_argument("--quick", action="store_true", help="few runs, for CI (< 60 s)")
    parser.add_argument("--runs", type=int, help="runs per command (default 20; quick 3)")
    parser.add_argument("--no-big", action="store_true", help="skip the 100,000-term deck")
    parser.add_argument("--no-hyperfine", action="store_true", help="use the Python harness")
    parser.add_argument("--no-tldr", action="store_true", help="skip the tldr comparison")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 20)
    use_hf = not args.no_hyperfine and shutil.which("hyperfine") is not None
    report = Report()
    report.out("# genai benchmark")
    report.out()
    report.out(f"Machine: {machine()}")
    report.out(
        f"Timing: {'hyperfine ' if use_hf else 'alternating Python harness'}"
        + (" (quick: few runs, figures are rough)" if args.quick else "")
    )
    report.out()
    with tempfile.TemporaryDirectory(prefix="genai-bench-") as tmp:
        work = Path(tmp)
        base = _base_env(work)
        try:
            part_startup(report, base, runs, work, use_hf)
            part_memory(report, base)
            if not args.no_tldr:
                part_tldr(report, base, runs, work, use_hf, not args.quick)
            part_deck(report, base, runs, 1 if args.quick else 2, work, use_hf, 10_000, args.quick)
            if not args.quick and not args.no_big:
                shutil.rmtree(work / "deck-10000", ignore_errors=True)
                part_deck(report, base, runs, 1, work, use_hf, 100_000, args.quick)
            part_long_query(report, base)
        except CommandFailed as exc:
            report.out(f"FAILED: {exc}")
            return 1
    report.summary()
    if args.json:
        args.json.write_text(json.dumps(report.figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
