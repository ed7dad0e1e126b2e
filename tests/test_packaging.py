"""A real wheel, installed into a fresh virtual environment, finds its data from anywhere."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
class TestWheel:
    """`pip install .` gives a working `genai` outside the checkout."""

    def test_wheel_installs_and_runs_from_another_directory(self, tmp_path: Path) -> None:
        dist = tmp_path / "dist"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                str(dist),
                str(ROOT),
            ],
            check=True,
            capture_output=True,
        )
        (wheel,) = dist.glob("genai_cli-*.whl")
        env_dir = tmp_path / "venv"
        venv.create(env_dir, with_pip=False)
        bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
        py = bindir / "python"
        target = subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # Dependencies come from this environment's site-packages (appended after the wheel's
        # own install, and without its .pth files, so the editable checkout is not visible).
        Path(target, "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(py),
                "install",
                "--no-deps",
                "--no-index",
                str(wheel),
            ],
            check=True,
            capture_output=True,
        )
        workdir = tmp_path / "elsewhere"
        workdir.mkdir()
        env = {
            "PATH": str(bindir),
            "GENAI_HOME": str(tmp_path / "home"),
            "COLUMNS": "80",
            "HOME": str(tmp_path),
        }
        where = subprocess.run(
            [str(py), "-c", "import genai_cli, sys; print(genai_cli.__file__)"],
            cwd=workdir,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert where.startswith(str(env_dir)), where
        result = subprocess.run(
            [str(bindir / "genai"), "term", "latent-space"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "A compressed representation of data" in result.stdout
        as_module = subprocess.run(
            [str(py), "-m", "genai_cli", "--version"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert as_module.stdout.startswith("genai ")
