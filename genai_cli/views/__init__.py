"""Everything that draws: functions that return Rich renderables, the consoles, and the
interactive prompt adapter (``prompts``, the only module that imports questionary).

May import ``knowledge``, ``reference``, ``study`` and ``formats`` (and ``errors``,
``paths``); never the frame (``cli``, ``runner``, ``entry``). Rich lives here and
nowhere below.
"""
