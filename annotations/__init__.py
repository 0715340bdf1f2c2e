"""Annotations over stored article text: spans, labels, history, matching. No Textual here."""
