"""The query language of CONTRACT.md, parsed into normalised terms.

法律顾问 行政复议        both (AND)
枫桥经验 OR 三调联动      either (OR binds tighter than AND)
-信访                   must not be mentioned
"法治 政府"              one term; its spaces are ignored by the rule
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search_service.errors import BadQuery
from search_service.text import normalize_query_term

if TYPE_CHECKING:
    from search_service.config import Settings

_TOKEN_RE = re.compile(r'-?"[^"]*"?|\S+')


@dataclass(frozen=True)
class Term:
    shown: str  # as the user wrote it (for mentions keys and messages)
    norm: str  # what is matched


@dataclass(frozen=True)
class ParsedQuery:
    """AND of clauses, each an OR of terms; minus the excluded terms."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        seen: dict[str, Term] = {}
        for clause in self.clauses:
            for term in clause:
                seen.setdefault(term.norm, term)
        return tuple(seen.values())


@dataclass(frozen=True)
class QueryLimits:
    max_length: int = 200
    max_terms: int = 16
    max_or_branches: int = 16
    # One-character terms read the longest position lists; more than a few in
    # one query would exceed the time budget at national scale.
    max_single_character_terms: int = 4

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(settings.max_query_length, settings.max_terms, settings.max_or_branches)


def _unquote(token: str) -> str:
    if token.startswith('"'):
        token = token[1:]
        if token.endswith('"'):
            token = token[:-1]
    return token


def parse_query(q: str, limits: QueryLimits | None = None) -> ParsedQuery:
    """Parse q; BadQuery (naming `q`) when it is empty, too long, holds
    control characters, or has no term left to match."""
    limits = limits or QueryLimits()
    q = q.strip()
    if not q:
        raise BadQuery("q must not be empty", {"q": "must not be empty"})
    if len(q) > limits.max_length:
        msg = f"must be at most {limits.max_length} characters (got {len(q)})"
        raise BadQuery(f"q {msg}", {"q": msg})
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and not c.isspace() for c in q):
        raise BadQuery("q contains control or unassigned characters", {"q": "contains control characters"})

    tokens = _TOKEN_RE.findall(q)
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    for token in tokens:
        if token == "OR":
            if not clauses or pending_or:
                raise BadQuery("q: OR needs a term on each side", {"q": "OR needs a term on each side"})
            pending_or = True
            continue
        negative = token.startswith("-") and len(token) > 1
        body = _unquote(token[1:] if negative else token)
        norm = normalize_query_term(body)
        if not norm:
            if pending_or:
                raise BadQuery("q: OR needs a term on each side", {"q": "OR needs a term on each side"})
            continue  # a lone quote mark or "-": nothing to match
        term = Term(body.strip() or norm, norm)
        if negative:
            if pending_or:
                raise BadQuery(
                    "q: an excluded term cannot be part of OR", {"q": "an excluded term cannot be part of OR"}
                )
            excluded.append(term)
        elif pending_or:
            clauses[-1].append(term)
            pending_or = False
        else:
            clauses.append([term])
    if pending_or:
        raise BadQuery("q: OR needs a term on each side", {"q": "OR needs a term on each side"})
    if not clauses:
        raise BadQuery(
            "q needs at least one term to find (not only excluded terms)",
            {"q": "needs at least one term that is not excluded"},
        )
    term_count = sum(len(c) for c in clauses) + len(excluded)
    if term_count > limits.max_terms:
        msg = f"has {term_count} terms; at most {limits.max_terms} are allowed"
        raise BadQuery(f"q {msg}", {"q": msg})
    single = sum(1 for c in clauses for t in c if len(t.norm) == 1) + sum(1 for t in excluded if len(t.norm) == 1)
    if single > limits.max_single_character_terms:
        msg = f"has {single} one-character terms; at most {limits.max_single_character_terms} are allowed"
        raise BadQuery(f"q {msg}", {"q": msg})
    widest = max(len(c) for c in clauses)
    if widest > limits.max_or_branches:
        msg = f"has {widest} OR branches; at most {limits.max_or_branches} are allowed"
        raise BadQuery(f"q {msg}", {"q": msg})
    return ParsedQuery(tuple(tuple(c) for c in clauses), tuple(excluded))
