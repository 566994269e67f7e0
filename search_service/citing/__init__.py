"""Citing and following: paragraph anchors, citations (GB/T 7714-2015,
BibTeX, RIS), the Atom feed of a search, and the log of what each build
changed."""
