"""genai's benchmark: start-up, a 10,000-term deck, the tldr client, peak memory.

    .venv/bin/python benchmarks/run.py            # the full run (a few minutes)
    .venv/bin/python benchmarks/run.py --quick    # CI: few runs; fails only if a command errors

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

TARGET_TERM_RATIO = 8.0
TARGET_DECK_RATIO = 1.5
TARGET_COLD_S = 3.0
TARGET_MEMORY_MB = 60.0


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
        self.verdicts: list[str] = []

    def out(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)

    def table(self, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
        self.out("| " + " | ".join(header) + " |")
        self.out("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.out("| " + " | ".join(row) + " |")
        self.out()

    def verdict(self, what: str, ok: bool, figure: str) -> None:
        line = f"- {'meets' if ok else 'MISSES'} target: {what}: {figure}"
        self.verdicts.append(line)


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


# --- the three parts ------------------------------------------------------------------


def part_startup(
    report: Report, base: dict[str, str], runs: int, work: Path, hf: bool
) -> dict[str, float]:
    genai = _genai()
    baseline = Command("python -c pass", [sys.executable, "-c", "pass"], needs_output=False)
    wanted = [
        Command("genai term latent-space", [*genai, "term", "latent-space"]),
        Command("genai compare gan vae", [*genai, "compare", "gan", "vae"]),
        Command("genai search attention", [*genai, "search", "attention"]),
        Command("genai --help", [*genai, "--help"]),
        # Stdin is empty: the quiz prints its first question, then meets end of input.
        Command(
            "genai quiz --plain -n 1 (to the first question)",
            [*genai, "quiz", "--plain", "-n", "1"],
            ok_codes=(0, 1, 130),
        ),
    ]
    available, unavailable = [], []
    for cmd in wanted:
        sub = cmd.argv[len(genai)]
        if sub.startswith("-") or not missing_command([*genai, sub, "--help"], base):
            available.append(cmd)
        else:
            unavailable.append(cmd)
    commands = [baseline, *available]
    measure(commands, base, runs, work, hf)
    report.out(f"## Start-up ({runs} runs each, {'hyperfine' if hf else 'alternating harness'})")
    report.out()
    rows = [(f"`{c.label}`", _ms(c.median), f"{c.median / baseline.median:.1f}x") for c in commands]
    rows += [(f"`{c.label}`", "not available in this build", "") for c in unavailable]
    report.table(rows, ("command", "median", "vs python -c pass"))
    term = commands[1]
    ratio = term.median / baseline.median
    report.verdict(
        f"genai term latent-space ≤ {TARGET_TERM_RATIO:g}x python -c pass",
        ratio <= TARGET_TERM_RATIO,
        f"{ratio:.1f}x ({_ms(term.median)} vs {_ms(baseline.median)})",
    )
    return {"pass": baseline.median, "term": term.median}


def part_deck(
    report: Report,
    base: dict[str, str],
    runs: int,
    cold_runs: int,
    work: Path,
    hf: bool,
    terms: int,
) -> dict[str, float]:
    deck = work / "big-deck"
    started = time.perf_counter()
    probes = gendeck.write_deck(deck, terms)
    made = time.perf_counter() - started
    runner = _genai()
    with_deck = {"GENAI_DECKS": str(deck)}
    report.out(f"## A {terms:,}-term user deck")
    report.out()
    report.out(
        f"Deck: `benchmarks/gendeck.py --terms {terms}` ({gendeck.deck_size(deck) / 1e6:.1f} MB"
        f" in files of {gendeck.TERMS_PER_FILE:,} terms, written in {made:.1f} s),"
        " read through GENAI_DECKS."
    )
    report.out()
    cache = Path(base["GENAI_CACHE_DIR"])
    bundled = Command("term latent-space, bundled only", [*runner, "term", "latent-space"])
    warm = [
        bundled,
        Command("term latent-space, with deck", [*runner, "term", "latent-space"], with_deck),
        Command(
            f"term {probes['alias']} (deck alias)", [*runner, "term", probes["alias"]], with_deck
        ),
        Command("search attention, bundled only", [*runner, "search", "attention"]),
        Command("search attention, with deck", [*runner, "search", "attention"], with_deck),
    ]
    # correctness first: the deck's terms resolve, by slug and alias, and search sees them
    for name, slug in ((probes["last"], probes["last"]), (probes["alias"], probes["alias_slug"])):
        proc = subprocess.run(
            [*runner, "term", name, "--json"], env={**base, **with_deck}, capture_output=True
        )
        if proc.returncode != 0 or json.loads(proc.stdout)["slug"] != slug:
            raise CommandFailed(f"deck lookup of {name!r} failed: {proc.stderr.decode()[-500:]}")
    proc = subprocess.run(
        [*runner, "search", probes["last"].replace("-", " "), "--json", "-n", "3"],
        env={**base, **with_deck},
        capture_output=True,
    )
    if proc.returncode != 0 or json.loads(proc.stdout)[0]["slug"] != probes["last"]:
        raise CommandFailed(f"deck search failed: {proc.stderr.decode()[-500:]}")

    cold = [
        Command("term latent-space, with deck, cold", [*runner, "term", "latent-space"], with_deck),
        Command("search attention, with deck, cold", [*runner, "search", "attention"], with_deck),
    ]
    for cmd in cold:
        for _ in range(cold_runs):
            shutil.rmtree(cache, ignore_errors=True)
            start = time.perf_counter()
            proc = _run_once(cmd, base)
            cmd.times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise CommandFailed(f"{cmd.label}: exit {proc.returncode}")
    measure(warm, base, runs, work, hf)
    rows = [(c.label, _ms(c.median), f"{c.median / bundled.median:.2f}x") for c in warm]
    rows += [(c.label, _ms(c.median), f"{cold_runs} runs, cache cleared before each") for c in cold]
    report.table(rows, ("run", "median", "vs bundled-only term"))
    ratio = warm[1].median / bundled.median
    report.verdict(
        f"warm term with the deck ≤ {TARGET_DECK_RATIO:g}x bundled-only",
        ratio <= TARGET_DECK_RATIO,
        f"{ratio:.2f}x ({_ms(warm[1].median)} vs {_ms(bundled.median)})",
    )
    report.verdict(
        f"cold term with the deck < {TARGET_COLD_S:g} s",
        cold[0].median < TARGET_COLD_S,
        f"{cold[0].median:.2f} s",
    )
    memory = [
        Command("genai term latent-space, bundled only", bundled.argv),
        Command("genai term latent-space, with the deck (warm)", bundled.argv, with_deck),
        Command(
            f"genai term {probes['last']}, with the deck (warm)",
            [*runner, "term", probes["last"]],
            with_deck,
        ),
        Command(
            "genai search attention, with the deck (warm)",
            [*runner, "search", "attention"],
            with_deck,
        ),
    ]
    report.out("## Peak memory (ru_maxrss of the child)")
    report.out()
    peaks = []
    for cmd in memory:
        peak = max(peak_memory_mb(cmd, base) for _ in range(3))
        peaks.append(peak)
    shutil.rmtree(cache, ignore_errors=True)
    cold_peak = peak_memory_mb(memory[1], base)
    rows = [(c.label, f"{p:.1f} MB") for c, p in zip(memory, peaks, strict=True)]
    rows.append(
        (
            "genai term latent-space, with the deck (cold: parse + write cache)",
            f"{cold_peak:.1f} MB",
        )
    )
    report.table(rows, ("lookup", "peak RSS"))
    worst = max(peaks[:3])
    report.verdict(
        f"peak memory of a lookup ≤ {TARGET_MEMORY_MB:g} MB",
        worst <= TARGET_MEMORY_MB,
        f"{worst:.1f} MB worst of bundled-only and with the deck, warm",
    )
    return {"bundled": bundled.median, "deck": warm[1].median, "cold": cold[0].median}


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


def part_tldr(
    report: Report, base: dict[str, str], runs: int, work: Path, hf: bool, install: bool
) -> None:
    report.out("## Against the official Python tldr client")
    report.out()
    tldr = find_tldr(work, install)
    if tldr is None:
        report.out("tldr client not available (pip install tldr, or run without --quick).")
        report.out()
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
    ours, theirs = commands[1].median, commands[2].median
    report.verdict(
        "genai term latent-space faster than tldr --render (aim)",
        ours < theirs,
        f"{_ms(ours)} vs {_ms(theirs)}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="genai start-up and scale benchmark")
    parser.add_argument("--quick", action="store_true", help="few runs, for CI")
    parser.add_argument("--runs", type=int, help="runs per command (default 30; quick 5)")
    parser.add_argument("--terms", type=int, default=10_000, help="size of the generated deck")
    parser.add_argument("--no-hyperfine", action="store_true", help="use the Python harness")
    parser.add_argument("--no-tldr", action="store_true", help="skip the tldr comparison")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 30)
    cold_runs = 1 if args.quick else 3
    use_hf = not args.no_hyperfine and shutil.which("hyperfine") is not None
    report = Report()
    report.out("# genai benchmark")
    report.out()
    report.out(f"Machine: {machine()}")
    report.out(
        f"Timing: {'hyperfine ' if use_hf else 'alternating Python harness'}"
        + (" (quick)" if args.quick else "")
    )
    report.out()
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="genai-bench-") as tmp:
        work = Path(tmp)
        base = _base_env(work)
        try:
            figures["startup"] = part_startup(report, base, runs, work, use_hf)
            figures["deck"] = part_deck(report, base, runs, cold_runs, work, use_hf, args.terms)
            if not args.no_tldr:
                part_tldr(report, base, runs, work, use_hf, not args.quick)
        except CommandFailed as exc:
            report.out(f"FAILED: {exc}")
            return 1
    report.out("## Targets")
    report.out()
    for line in report.verdicts:
        report.out(line)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
