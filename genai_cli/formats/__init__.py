"""Reading and writing other formats: Anki, CSV, Markdown and JSON.

May import ``knowledge`` (and ``errors``, ``paths``); never ``reference``, ``study``,
``views`` or the frame. Heavy libraries (genanki, csv, zipfile) are imported only by
the command that needs them.
"""
