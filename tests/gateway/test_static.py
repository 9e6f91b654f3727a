"""The PWA as Nginx serves it: long-lived hashed assets, a never-cached shell, gzip for text."""

from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.e2e

DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"


def hashed_asset(suffix: str) -> str:
    found = sorted((DIST / "assets").glob(f"*{suffix}"))
    if not found:
        pytest.skip(f"the PWA build has no {suffix} asset (run `make setup`)")
    return f"/assets/{found[0].name}"


def test_hashed_assets_are_cached_for_a_year_and_gzipped(gateway):
    response = requests.get(f"{gateway.url}{hashed_asset('.js')}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/index.html", "/sw.js", "/manifest.webmanifest", "/sales/new"])
def test_shell_manifest_and_worker_are_never_cached_by_the_browser(gateway, path):
    response = requests.get(f"{gateway.url}{path}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_manifest_has_its_media_type(gateway):
    response = requests.get(f"{gateway.url}/manifest.webmanifest")
    assert response.headers["Content-Type"].startswith("application/manifest+json")


def test_missing_asset_is_a_404_not_the_shell(gateway):
    assert requests.get(f"{gateway.url}/assets/index-doesnotexist.js").status_code == 404
