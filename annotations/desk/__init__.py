"""The annotator's desk: agreement and curation, the annotations browser, statistics, how a
claim spread, progress, per-user state, desk users, and removing articles."""
