"""genai: a command-line reference and study tool for Generative AI."""

__version__ = "0.1.0"
