"""Run genai with the decks in GENAI_DECKS loaded, for builds whose CLI cannot yet do it.

    GENAI_DECKS=/tmp/big.yaml python benchmarks/deckdriver.py term latent-space

The user-decks feature (issue 5) reads decks from ``GENAI_DECKS``. On a build without it,
the benchmark runs this driver instead: the same program (``genai_cli.cli.main``) with
its knowledge base replaced by bundled data plus the deck files, loaded through the
same cached loader (``load_files_cached``). With GENAI_DECKS unset it loads exactly what
``genai`` does, so its bundled-only figure is the fair baseline for the ratio.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _deck_files() -> list[Path]:
    found: list[Path] = []
    for part in os.environ.get("GENAI_DECKS", "").split(os.pathsep):
        if not part:
            continue
        path = Path(part)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found


def main() -> None:
    from genai_cli import cli
    from genai_cli.loader import data_files, load_files_cached
    from genai_cli.paths import bundled_data_dir

    def knowledge() -> object:
        return load_files_cached([*data_files(bundled_data_dir()), *_deck_files()])

    cli._knowledge = knowledge  # type: ignore[assignment]
    sys.argv[0] = "genai"
    cli.main()


if __name__ == "__main__":
    main()
