"""``python -m genai_cli`` runs the same program as ``genai``."""

from genai_cli.cli import main

main()
