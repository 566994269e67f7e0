"""Segments and commit points: the index's whole on-disk format, writer and
reader side by side. toc.py names every file; format.py holds the version,
the commit point and CURRENT; pairs.py, stored.py, frames.py, records.py
and presence.py each write and read one part of a segment; writer.py
writes a segment, reader.py reads it.

Nothing is imported here, so that reading a name or the format's version
does not load the writer and the reader."""
