"""Names of the interchange formats, apart from the code that writes and reads them, so the
command line can list them without loading that code (``newsmark --version`` stays fast)."""

from __future__ import annotations

FORMATS = ("jsonl", "prodigy", "w3c", "brat", "xmi", "label-studio")  # export
FOLDER_FORMATS = ("brat", "xmi", "label-studio")  # written as a folder
IMPORT_FORMATS = ("jsonl", "prodigy")
CONFLICT_CHOICES = ("keep", "replace")
