"""What the knowledge base is and how it is loaded.

The frozen model, name folding, the safe YAML reader, the loader and its validation,
deck discovery, the parsed-data cache and serialisation to plain data. Pure data and
I/O of data files: imports nothing from genai_cli but ``errors`` and ``paths`` (and
``__version__``, which keys the cache), never Rich, Typer or questionary.
"""
