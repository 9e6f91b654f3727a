"""Rendering the one template for development and production, and refusing bad settings."""

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

from support.env import SECRET
from support.tls import self_signed

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("gateway_render", ROOT / "gateway" / "render.py")
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["nginx", "-t", "-p", str(conf.parent), "-c", conf.name], capture_output=True, text=True
    )


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET)  # in a deployment's environment, yet never needed here
    monkeypatch.setenv("GATEWAY_ACCESS_LOG", "off")
    return monkeypatch


def test_production_render_has_tls_hsts_and_a_redirect_and_nginx_accepts_it(env, tmp_path):
    cert, key = self_signed(tmp_path, "tomtin.test")
    env.setenv("GATEWAY_TLS_CERT", str(cert))
    env.setenv("GATEWAY_TLS_KEY", str(key))
    env.setenv("GATEWAY_HTTP_LISTEN", "127.0.0.1:18080")
    env.setenv("GATEWAY_LISTEN", "127.0.0.1:18443 ssl")
    conf = render.render(tmp_path / "gw")
    text = conf.read_text()
    assert f"ssl_certificate {cert};" in text
    assert "return 301 https://$host$request_uri;" in text
    assert "Strict-Transport-Security" in (conf.parent / "headers.conf").read_text()
    result = nginx_test(conf)
    assert result.returncode == 0, result.stderr


def test_development_render_is_plain_http_without_hsts(env, tmp_path):
    env.setenv("GATEWAY_PORT", "18081")
    conf = render.render(tmp_path / "gw")
    assert "listen 127.0.0.1:18081;" in conf.read_text()
    assert "ssl_certificate" not in conf.read_text()
    assert "Strict-Transport-Security" not in (conf.parent / "headers.conf").read_text()
    assert SECRET not in "".join(p.read_text() for p in conf.parent.glob("*.conf"))
    result = nginx_test(conf)
    assert result.returncode == 0, result.stderr


def test_the_gateway_needs_no_signing_key_and_no_njs(env, tmp_path):
    # Accounts verifies tokens for it (README.md, "Who is asking"): the key stays with the services.
    env.delenv("SECRET_KEY")
    conf = render.render(tmp_path / "gw")
    assert "load_module" not in conf.read_text()
    result = nginx_test(conf)
    assert result.returncode == 0, result.stderr


def test_rates_and_limits_are_settings(env, tmp_path):
    env.setenv("GATEWAY_LOGIN_RATE", "10r/m")
    env.setenv("GATEWAY_LOGIN_BURST", "2")
    env.setenv("GATEWAY_API_BODY_MAX", "32k")
    text = render.render(tmp_path / "gw").read_text()
    assert "zone=login:1m rate=10r/m;" in text
    assert "limit_req zone=login burst=2 nodelay;" in text
    assert "client_max_body_size 32k;" in text
    assert "default 6;" in text  # Retry-After: one request's worth of 10 r/min


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GATEWAY_LOGIN_RATE", "lots"),
        ("GATEWAY_API_BODY_MAX", "1GB"),
        ("GATEWAY_MPESA_ALLOW", "196.201.214.300"),
        ("GATEWAY_MPESA_ALLOW_MODE", "block"),
        ("GATEWAY_TLS_CERT", "/only/the/cert.pem"),
        ("GATEWAY_CACHE_DIR", "relative/cache"),
        ("GATEWAY_CACHE_DIR", "/dev/shm/two words"),
    ],
)
def test_bad_settings_stop_the_render_naming_the_setting(env, tmp_path, name, value):
    env.setenv(name, value)
    with pytest.raises(render.GatewayConfigError, match=name):
        render.render(tmp_path / "gw")


def test_mpesa_allowlist_renders_networks_and_an_optional_reject(env, tmp_path):
    env.setenv("GATEWAY_MPESA_ALLOW", "196.201.214.200, 196.201.213.0/24")
    text = render.render(tmp_path / "gw").read_text()
    assert "196.201.214.200/32 1;" in text
    assert "196.201.213.0/24 1;" in text
    assert "$mpesa_source_unknown) { return 403; }" not in text  # by default unknown sources are only logged
    env.setenv("GATEWAY_MPESA_ALLOW_MODE", "reject")
    assert "if ($mpesa_source_unknown) { return 403; }" in render.render(tmp_path / "gw2").read_text()


def test_gateway_gives_up_idle_upstream_connections_before_the_services_do(env, tmp_path):
    """A request sent on a connection gunicorn is closing fails, and nginx does not retry a POST."""
    env.setenv("GATEWAY_PORT", "18082")
    text = render.render(tmp_path / "gw").read_text()
    gunicorn = {}
    exec((ROOT / "services/common/gunicorn_conf.py").read_text(), gunicorn)
    upstreams = re.findall(r"upstream (\w+)\s*\{([^}]*)\}", text)
    assert {name for name, _ in upstreams} == {"accounts", "inventory", "payments", "reporting"}
    for name, body in upstreams:
        idle = re.search(r"keepalive_timeout (\d+)s;", body)
        assert idle, f"upstream {name} keeps nginx's default of 60 s"
        assert int(idle.group(1)) < gunicorn["keepalive"], name
    assert nginx_test(tmp_path / "gw" / "nginx.conf").returncode == 0


def test_the_caches_go_where_gateway_cache_dir_says(env, tmp_path):
    text = render.render(tmp_path / "gw").read_text()
    assert f"proxy_cache_path {tmp_path / 'gw' / 'cache'}/micro " in text  # by default, in the run dir
    memory = tmp_path / "shm" / "tomtin-gateway"
    env.setenv("GATEWAY_CACHE_DIR", str(memory))
    text = render.render(tmp_path / "gw2").read_text()
    assert f"proxy_cache_path {memory}/micro " in text and f"proxy_cache_path {memory}/session " in text
    assert memory.is_dir() and not (tmp_path / "gw2" / "cache").exists()
    assert nginx_test(tmp_path / "gw2" / "nginx.conf").returncode == 0
