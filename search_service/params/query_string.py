"""Reading a query string (or the CLI's options, given as one) into a
schema: list fields take every value, others the last one given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.datastructures import MultiDict

YEAR_RANGE = validate.Range(min=1949, max=2100, error="must be a year between {min} and {max}")
# A name given as a parameter (a unit, a place).
NAME = validate.Length(min=1, max=50)


class QueryArgsSchema(Schema):
    """Reads a query string: list fields take every value, others the last."""

    class Meta:
        unknown = EXCLUDE

    def load_args(self, args: MultiDict | Mapping[str, Any]) -> Any:
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            key = field.data_key or name
            if isinstance(args, MultiDict):
                values = args.getlist(key)
            else:
                raw = args.get(key)
                values = [] if raw is None else (list(raw) if isinstance(raw, (list, tuple)) else [raw])
            if not values:
                continue
            data[key] = values if isinstance(field, fields.List) else values[-1]
        return self.load(data)
