"""The same API over real HTTP, served by gunicorn with two workers."""

import requests


def test_search_over_http(live_server):
    response = requests.get(live_server + "/api/v1/search", params={"q": "法律顾问", "year": 2024}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert sorted(r["town"] for r in body["results"]) == ["仙溪镇", "吉水镇"]


def test_bad_parameters_over_http_are_400(live_server):
    for params, field in [
        ({"q": "法治", "year": "abc"}, "year"),
        ({"q": "法治", "per_page": 100000}, "per_page"),
        ({"q": ""}, "q"),
        ({"q": "法" * 5000}, "q"),
    ]:
        response = requests.get(live_server + "/api/v1/search", params=params, timeout=10)
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]


def test_not_found_over_http_is_json(live_server):
    response = requests.get(live_server + "/no/such/page", timeout=10)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_page_over_http(live_server):
    response = requests.get(live_server + "/", params={"q": "八五普法"}, timeout=10)
    assert response.status_code == 200
    assert "黄溪镇" in response.text and "<mark>" in response.text


def _raw_get(base: str, target: str) -> tuple[int, dict]:
    """A GET whose request line carries raw UTF-8, as curl sends a URL typed
    with Chinese in it (requests would percent-encode it)."""
    import json
    import socket
    from urllib.parse import urlsplit

    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_raw_utf8_urls_as_curl_sends_them(live_server):
    status, body = _raw_get(live_server, "/api/v1/search?q=法律顾问&year=2024")
    assert status == 200
    assert sorted(r["town"] for r in body["results"]) == ["仙溪镇", "吉水镇"]
    status, body = _raw_get(live_server, "/api/v1/search?q=" + "法" * 5000)
    assert status == 400 and "q" in body["error"]["fields"]
