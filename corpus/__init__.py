"""Articles: import, normalisation, storage and full-text search. No Textual here."""
