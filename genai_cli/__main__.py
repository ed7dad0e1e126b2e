"""``python -m genai_cli`` runs the same program as ``genai``."""

from genai_cli.entry import main

main()
