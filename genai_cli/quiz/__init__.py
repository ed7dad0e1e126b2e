"""Quizzes with spaced repetition: questions, scheduling, the progress store and sessions.

Nothing here is imported on the lookup path; cli.py imports these modules inside the
quiz, stats and today commands only.
"""
