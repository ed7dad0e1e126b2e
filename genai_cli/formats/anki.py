"""Anki export: an .apkg holding one note per card, with stable note GUIDs.

genanki is imported only when an Anki package is written.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from genai_cli.formats.cards import Card
from genai_cli.knowledge.clozetext import to_anki

# Fixed ids: Anki recognises the note type and the deck across exports, and each note's
# GUID is derived from its slug, so importing a newer export updates notes in place.
ANKI_MODEL_ID = 1_734_917_071
ANKI_DECK_ID = 1_734_917_072
ANKI_DECK_NAME = "genai"
# Interview questions are Basic notes (front, back) with their key points, level and slug
# in fields of their own; cloze sentences use Anki's Cloze note type. The slug fields let
# `genai import` give an exported card back its slug (and so its progress).
ANKI_QUESTION_MODEL_ID = 1_734_917_073
ANKI_CLOZE_MODEL_ID = 1_734_917_074
QUESTION_FIELDS = ("Front", "Back", "Points", "Level", "Slug", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Slug")


def _anki_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def anki_guid(slug: str) -> str:
    """The note GUID for an entry: from its slug alone, so it survives any edit of the text."""
    import genanki

    return str(genanki.guid_for("genai", slug))


def _models() -> dict[str, Any]:
    """The note types by card kind ("" for terms, algorithms and myths)."""
    import genanki

    card_model = genanki.Model(
        ANKI_MODEL_ID,
        "genai card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<br><br><small>{{Source}}</small>',
            }
        ],
    )
    question_model = genanki.Model(
        ANKI_QUESTION_MODEL_ID,
        "genai question",
        fields=[{"name": name} for name in QUESTION_FIELDS],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'
                "{{#Points}}<br><br><b>Key points</b><br>{{Points}}{{/Points}}"
                "<br><br><small>{{Source}}</small>",
            }
        ],
    )
    cloze_model = genanki.Model(
        ANKI_CLOZE_MODEL_ID,
        "genai cloze",
        fields=[{"name": name} for name in CLOZE_FIELDS],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}<br><br><small>{{Extra}}</small>",
            }
        ],
        model_type=genanki.Model.CLOZE,
    )
    return {"": card_model, "question": question_model, "cloze": cloze_model}


def _fields(card: Card) -> list[str]:
    if card.kind == "question":
        points = "<br>".join(_anki_html(p) for p in card.points)
        return [
            _anki_html(card.front),
            _anki_html(card.back),
            points,
            _anki_html(card.level),
            card.slug,
            _anki_html(card.source),
        ]
    if card.kind == "cloze":
        return [to_anki(card.front, _anki_html), _anki_html(card.source), card.slug]
    return [_anki_html(card.front), _anki_html(card.back), _anki_html(card.source)]


def write_anki(items: Sequence[Card], path: Path) -> None:
    """An .apkg (a zip holding the SQLite collection) with one note per card."""
    import itertools
    import sqlite3
    import time
    import zipfile

    import genanki

    models = _models()
    deck = genanki.Deck(ANKI_DECK_ID, ANKI_DECK_NAME)
    for card in items:
        deck.add_note(
            genanki.Note(
                model=models.get(card.kind, models[""]),
                fields=_fields(card),
                tags=list(card.tags),
                guid=anki_guid(card.slug),
            )
        )
    # genanki's own write_to_file leaves its temporary database behind; this does not.
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            now = time.time()
            genanki.Package(deck).write_to_db(
                connection.cursor(), now, itertools.count(int(now * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(database, "collection.anki2")
            archive.writestr("media", "{}")
