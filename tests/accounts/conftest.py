"""accounts tests: a test client with a real owner, and logins that return bearer headers."""

import pytest

from accounts.services import create_user


@pytest.fixture
def client(app_for):
    app = app_for("accounts")
    with app.app_context():
        create_user("wanjiku", "owner-pass-2026", "owner", ["water", "laundry", "retail"], "Wanjiku")
    return app.test_client()


@pytest.fixture
def login(client):
    """Log in and return the bearer headers (or fail the test)."""

    def make(username: str = "wanjiku", password: str = "owner-pass-2026") -> dict[str, str]:
        response = client.post("/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return make


@pytest.fixture
def owner(login):
    return login()
