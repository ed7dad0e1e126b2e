"""Look-up operations on the knowledge base: the reference half of genai.

Lookup and search, selections, the fast term lookup, the article's prose (myths,
concepts, applications, quotes, poems) and compare. May import ``knowledge`` (and
``errors``, ``paths``); never ``study``, ``formats``, ``views`` or the frame.
"""
