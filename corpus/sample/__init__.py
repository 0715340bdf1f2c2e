"""The bundled sample corpus: articles written for Newsmark about invented places and people."""
