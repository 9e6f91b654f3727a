"""A clone in a folder only its owner can read (root's home, a 0700 home folder): Nginx's
workers must still serve the PWA and use their run folder there, instead of answering 500."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import requests

from support.stack import Stack

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.geteuid() != 0, reason="workers change account only when Nginx starts as root"),
]

DIST = Path(__file__).resolve().parents[2] / "pwa" / "dist"


@pytest.fixture
def private_clone():
    """The built PWA and the gateway's run folder inside a 0700 folder, files readable by the owner only."""
    if not (DIST / "index.html").exists():
        pytest.skip("the PWA is not built (run `make setup`)")
    home = Path(tempfile.mkdtemp(prefix="tomtin-private-"))  # 0700, like a private home
    shutil.copytree(DIST, home / "pwa" / "dist")
    for path in (home / "pwa").rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    yield home
    shutil.rmtree(home)


def test_the_app_is_served_from_a_private_folder(private_clone):
    gateway = Stack(only=("gateway",))
    gateway.env["PWA_ROOT"] = str(private_clone / "pwa" / "dist")
    gateway.env["GATEWAY_RUN_DIR"] = str(private_clone / ".run" / "gateway")
    gateway.env.pop("GATEWAY_USER", None)
    gateway.start()
    try:
        shell = requests.get(f"{gateway.url}/", timeout=5)
        asset = next((DIST / "assets").glob("*.js")).name
        script = requests.get(f"{gateway.url}/assets/{asset}", timeout=5)
    finally:
        gateway.stop()
    assert shell.status_code == 200
    assert shell.text == (DIST / "index.html").read_text()
    assert script.status_code == 200
