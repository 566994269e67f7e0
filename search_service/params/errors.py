"""How bad parameters are worded, the same for the API's error envelope,
the pages' field errors and the CLI's usage errors."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError


def flatten_messages(messages: Any) -> str:
    """marshmallow's nested messages ({0: ['Not a valid integer.']}) as one line."""
    if isinstance(messages, dict):
        return "; ".join(flatten_messages(v) for v in messages.values())
    if isinstance(messages, (list, tuple)):
        return "; ".join(flatten_messages(v) for v in messages)
    return str(messages)


def invalid_parameters(exc: ValidationError) -> tuple[str, dict[str, str]]:
    """The envelope's message and fields for bad parameters, as the API, the
    pages and the CLI all word them: "invalid parameters: year: …; level: …"."""
    fields = {name: flatten_messages(msgs) for name, msgs in exc.normalized_messages().items()}
    return "invalid parameters: " + "; ".join(f"{name}: {msg}" for name, msg in fields.items()), fields
