"""Studying with spaced repetition: the study half of genai.

Questions (pure, seeded), the fsrs scheduler adapter, the SQLite progress store,
sessions, statistics and the term of the day. May import ``knowledge`` (and
``errors``, ``paths``); never ``reference``, ``formats``, ``views`` or the frame.
Nothing here is imported on the lookup path: the CLI imports these modules inside the
quiz, stats and today commands only. The interactive prompt adapter renders, so it
lives in ``views.prompts``.
"""
