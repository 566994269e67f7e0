"""Segments and commit points: the index's on-disk format (format.py), its
writer (writer.py) and its reader (reader.py), side by side.

Nothing is imported here, so that store.py can read the format's version
without loading the writer and reader."""
