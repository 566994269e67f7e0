"""The search-service command line (setup.cfg's console script
`search_service.cli:main`, also `python -m search_service`).

This package only re-exports; each piece lives in the module named for it:

    main.py      the group and its commands
    options.py   exit codes, settings, logging, JSON output, shared options
    index.py     index build, update, merge, stats
    parse.py     parse
    search.py    search
    serve.py     serve
    analysis.py  coverage, follow-through, terms
    curation.py  curation
"""

from __future__ import annotations

from search_service.cli.main import main

__all__ = ["main"]
