"""The JSON answers the API gives and the CLI prints with --json (the
search, a report, the analyses, the curation list): marshmallow schemas
that describe them (the OpenAPI document is made from them) and the bodies
written out from the model's dataclasses. Beside params/, below the front
doors; the API's other answers (stats, health, trend, listing, errors) are
api/schemas.py's.

    search.py     the search's answer, a report's, the request as understood
    analysis.py   coverage, follow-through, terms
    curation.py   the curation list
"""
