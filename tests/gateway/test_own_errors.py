"""Errors nginx itself makes (bad request line or header, TRACE, long URI, unknown file) are problem+json."""

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from support.problems import assert_problem

pytestmark = pytest.mark.e2e


def _raw(gateway, request: bytes) -> tuple[int, dict[str, str], dict]:
    """Send bytes as they are (no client library would send them) and read the whole answer."""
    address = urlsplit(gateway.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (
            b"TRACE /api/inventory/businesses/water/products HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            405,
        ),
        (b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 400),  # HTTP/1.1 without Host
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\nConnection: close\r\n\r\n", 400),
    ],
    ids=["trace", "bad-uri", "two-hosts", "no-host", "uri-too-long", "header-too-large"],
)
def test_nginx_refusals_are_problem_json(gateway, request_bytes, status):
    code, headers, body = _raw(gateway, request_bytes)
    assert code == status
    assert headers["content-type"].startswith("application/problem+json")
    assert body["status"] == status and body["title"] and body["detail"] and "request_id" in body


def test_a_missing_asset_and_a_post_to_a_page_are_problem_json(gateway):
    assert_problem(requests.get(f"{gateway.url}/assets/no-such-file.js"), 404)
    assert_problem(requests.post(f"{gateway.url}/index.html", data=b"x"), 405)
