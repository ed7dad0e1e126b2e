"""Shell completion offers the names of terms, algorithms and poems, and never fails."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from genai_cli import cli as cli_module
from genai_cli.cli import (
    app,
    complete_algorithm,
    complete_other_algorithm,
    complete_poem,
    complete_term,
)


def _complete_via_shell(words: str) -> list[str]:
    """Ask the app for completions the way the installed bash script does."""
    parts = words.split(" ")
    env = {
        "_GENAI_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="genai")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


class TestCompletionCallbacks:
    """Each callback returns slugs starting with what was typed."""

    def test_terms(self) -> None:
        assert complete_term("laten") == [
            "consistency-model",  # by its alias "latent consistency model"
            "latent-diffusion",
            "latent-space",
            "latent-variable-model",
        ]

    def test_algorithms(self) -> None:
        assert complete_algorithm("tr") == ["transformer", "transformer-models", "transformers"]
        assert len(complete_algorithm("")) == 13

    def test_aliases_and_acronyms_case_insensitively(self) -> None:
        assert complete_algorithm("GAN") == ["GAN", "GANs"]
        assert complete_term("rlh") == ["RLHF"]
        assert complete_term("ra") == ["RAG"]
        assert "VAE" in complete_term("vae")
        assert "latent-space" in complete_term("Latent S")  # a name of two words: its slug

    def test_poems(self) -> None:
        assert complete_poem("d") == ["digital-canvas"]
        assert complete_poem("zzz") == []

    def test_compare_leaves_out_algorithms_already_named(self) -> None:
        offered = _complete_via_shell("genai compare gan VAEs ")
        assert "generative-adversarial-networks" not in offered
        assert "variational-autoencoders" not in offered
        assert "transformer-models" in offered
        assert "GAN" not in offered and "VAE" not in offered
        assert "latent-space" in offered  # compare takes terms too

    def test_never_raises(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def broken() -> None:
            raise RuntimeError("the data is broken")

        monkeypatch.setattr(cli_module.lookup, "load_all", lambda **_: broken())
        assert complete_term("lat") == []
        assert complete_other_algorithm(typer.Context(typer.main.get_command(app)), "g") == []

    def test_broken_deck_prints_nothing(
        self, isolated: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        decks = isolated / "decks"
        decks.mkdir(parents=True)
        (decks / "broken.yaml").write_text("terms: [\n", encoding="utf-8")
        assert complete_term("latent-s") == ["latent-space"]
        assert capsys.readouterr() == ("", "")


class TestCompletionProtocol:
    """Through the shell protocol (_GENAI_COMPLETE), each command completes its own kind."""

    @pytest.mark.parametrize(
        ("words", "expected"),
        [
            ("genai term self-a", ["self-attention"]),
            ("genai algorithms flow", ["flow-based", "flow-based-models"]),
            ("genai poem whis", ["whispers-of-innovation"]),
        ],
    )
    def test_bash(self, words: str, expected: list[str]) -> None:
        assert _complete_via_shell(words) == expected

    def test_compare_offers_terms_and_algorithms(self) -> None:
        offered = _complete_via_shell("genai compare gan text")
        assert {"text-to-image-models", "text-to-image-generation"} <= set(offered)

    def test_commands_complete_too(self) -> None:
        offered = _complete_via_shell("genai co")
        assert "compare" in offered and "concepts" in offered


BASH = shutil.which("bash")


@pytest.mark.slow
@pytest.mark.skipif(BASH is None, reason="needs bash")
class TestRealBash:
    """The installed script, sourced into bash, filling COMPREPLY as <Tab> would."""

    @pytest.fixture
    def script(self, tmp_path: Path) -> Path:
        from typer._completion_shared import get_completion_script

        path = tmp_path / "genai.sh"
        path.write_text(
            get_completion_script(prog_name="genai", complete_var="_GENAI_COMPLETE", shell="bash")
        )
        return path

    def _tab(self, script: Path, line: str) -> list[str]:
        words = line.split(" ")
        program = (
            f"source {shlex.quote(str(script))}\n"
            f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
            f"COMP_CWORD={len(words) - 1}\n"
            "_genai_completion genai\n"
            "printf '%s\\n' \"${COMPREPLY[@]}\"\n"
        )
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        done = subprocess.run(
            [BASH, "--norc", "--noprofile", "-c", program],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        return [line for line in done.stdout.splitlines() if line]

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("genai term ra", ["RAG"]),
            ("genai term GA", ["GAN", "GANs", "gaussian-splatting"]),
            ("genai compare ga", ["GAN", "GANs", "gaussian-splatting"]),
            ("genai quiz --mode ", ["choice", "typed", "flashcard", "mixed"]),
            ("genai quiz --topic m", ["myths"]),
            ("genai quiz --topic cl", ["cloze"]),
            ("genai learn --mode t", ["typed"]),
            ("genai interview --level b", ["basic"]),
            ("genai interview --tag system-d", ["system-design"]),
            ("genai export --format ", ["anki", "csv", "markdown", "json"]),
            ("genai graph --format m", ["mermaid"]),
            ("genai terms --tag diff", ["diffusion"]),
            ("genai poem d", ["digital-canvas"]),
        ],
    )
    def test_tab(self, script: Path, line: str, expected: list[str]) -> None:
        assert self._tab(script, line) == expected

    def test_myths_offer_numbers_and_slugs(self, script: Path) -> None:
        offered = self._tab(script, "genai myths 1")
        assert "1" in offered and "10" in offered

    def test_install_message_gives_the_source_line(self, tmp_path: Path) -> None:
        env = {**os.environ, "HOME": str(tmp_path), "SHELL": BASH or "bash"}
        env.pop("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", None)
        done = subprocess.run(  # noqa: PLW1510  (the return code is asserted below)
            [sys.executable, "-m", "genai_cli", "--install-completion", "bash"],
            capture_output=True,
            text=True,
            env={**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        path = tmp_path / ".bash_completions" / "genai.sh"
        assert f"source {path}" in done.stdout
        assert path.exists()
