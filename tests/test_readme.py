"""The README's HTTP examples, run as written against gunicorn serving the
sample index: every curl URL answers 200 and every Python example runs."""

from __future__ import annotations

import re
import shlex

import pytest
import requests

from search_service.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
API_PART = README[README.index("## HTTP API") : README.index("## Command line")]
# Citations, feeds and changes: their curl examples answer 200 as well.
CITE_PART = README[README.index("## Cite a paragraph") : README.index("## Rebuilding from cron")]
ORIGIN = "http://127.0.0.1:8000"


def _blocks(language: str, part: str = API_PART) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", part, flags=re.S)


CURL_URLS = [
    next(word for word in shlex.split(line) if word.startswith(ORIGIN))
    for block in _blocks("sh") + _blocks("sh", CITE_PART)
    for line in block.splitlines()
    if line.startswith("curl ")
]
PYTHON_EXAMPLES = _blocks("python")


def test_the_readme_documents_every_endpoint():
    documented = {re.sub(r"\?.*", "", url.removeprefix(ORIGIN)) for url in CURL_URLS}
    for path in ("/api/v1/search", "/api/v1/search.csv", "/api/v1/search.jsonl", "/api/v1/trend"):
        assert path in documented
    for path in ("/api/v1/reports", "/api/v1/stats", "/healthz", "/api/v1/openapi.json"):
        assert path in documented
    assert any(p.startswith("/api/v1/reports/") for p in documented)
    assert {"/feeds/search.atom", "/api/v1/changes"} <= documented
    assert any(p.endswith("/citation") for p in documented)
    assert len(PYTHON_EXAMPLES) >= 5


@pytest.mark.parametrize("url", CURL_URLS)
def test_curl_examples_answer(live_server: str, url: str):
    response = requests.get(url.replace(ORIGIN, live_server), timeout=30)
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("number", range(len(PYTHON_EXAMPLES)))
def test_python_examples_run(live_server: str, number: int, capsys):
    code = PYTHON_EXAMPLES[number].replace(ORIGIN, live_server)
    exec(compile(code, f"README python example {number + 1}", "exec"), {})
    assert capsys.readouterr().out or "assert" in code or "paths" in code
