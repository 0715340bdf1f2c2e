"""The screens of the Newsmark app: the reader and the dialogs over it."""
