"""The Textual app and the command line: the only layer that imports Textual."""
