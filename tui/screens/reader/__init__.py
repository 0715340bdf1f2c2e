"""The main screen's parts (see ``tui/screens/reader_screen.py``, which puts them together):
one module per part, each owning its own state and actions, on the shared core in
``base.py``."""
