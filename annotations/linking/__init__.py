"""Following the same words across articles: text normalisation, the match index, candidate
search and alignment, the meaning signal, the same-claim decision, links and their
suggestions, re-anchoring, and linking an archive far away (Spark)."""
