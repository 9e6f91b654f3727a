"""Assertions on the shared RFC 9457 error shape."""

from __future__ import annotations


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """The response is a problem+json with this status (and an error for `field`)."""
    assert response.status_code == status, (
        response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    )
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert "request_id" in body
    if field is not None:
        assert field in body.get("errors", {}), body
    return body
