"""The annotations themselves: the span model, the store (every change with its history, undo
and redo), input limits, span look-up and text motions."""
