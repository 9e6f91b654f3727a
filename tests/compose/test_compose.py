"""The production compose file is validated here (no Docker engine on this machine to run it)."""

import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose" / "docker-compose.yml"
APP_PROCESSES = {
    "accounts",
    "inventory",
    "payments",
    "reporting",
    "worker",
    "scheduler",
    "gateway",
    "migrate",
}


def load():
    return yaml.safe_load(COMPOSE.read_text())


def memory_mb(limit: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([MG])", limit).groups()
    return int(number) * (1024 if unit == "G" else 1)


def test_every_process_of_the_system_is_a_service():
    services = load()["services"]
    assert APP_PROCESSES | {"postgres", "redis"} <= set(services)


def test_every_service_has_a_memory_limit_and_they_fit_a_4gb_vps():
    services = load()["services"]
    limits = {
        name: memory_mb(svc["deploy"]["resources"]["limits"]["memory"]) for name, svc in services.items()
    }
    assert set(limits) == set(services)
    assert sum(limits.values()) <= 3200, limits


def test_long_running_services_have_health_checks():
    services = load()["services"]
    for name in ("postgres", "redis", "accounts", "inventory", "payments", "reporting", "gateway"):
        assert services[name]["healthcheck"]["test"], name


def test_dependencies_and_volumes_exist():
    doc = load()
    services, volumes = doc["services"], set(doc.get("volumes") or {})
    for name, svc in services.items():
        for dep in svc.get("depends_on") or {}:
            assert dep in services, f"{name} depends on unknown service {dep}"
        for mount in svc.get("volumes") or []:
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), f"{name} mounts missing file {source}"
            else:
                assert source in volumes, f"{name} uses undeclared volume {source}"


def test_build_files_and_commands_point_at_real_code():
    services = load()["services"]
    for name, svc in services.items():
        build = svc.get("build")
        if build:
            assert (COMPOSE.parent / build["context"] / build["dockerfile"]).exists(), name
        command = " ".join(svc.get("command") or [])
        for module in re.findall(r"(\w+)\.wsgi:app", command):
            assert (ROOT / "services" / module / "wsgi.py").exists(), name
        for module in re.findall(r"-m (common\.\w+)", command):
            assert (ROOT / "services" / (module.replace(".", "/") + ".py")).exists(), name


def test_secrets_have_no_defaults():
    text = COMPOSE.read_text()
    assert "SECRET_KEY" not in text  # comes from .env only
    assert "${POSTGRES_PASSWORD:?" in text  # compose refuses to start without it


def test_shipped_redis_config_never_evicts_and_has_headroom():
    conf = dict(
        line.split(None, 1)
        for line in (ROOT / "compose/redis.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert conf["maxmemory-policy"].strip() == "noeviction"
    maxmemory = memory_mb(conf["maxmemory"].strip().upper().replace("MB", "M"))
    container = memory_mb(load()["services"]["redis"]["deploy"]["resources"]["limits"]["memory"])
    assert maxmemory <= container * 0.75


def test_nightly_backup_writes_dumps_to_a_volume_with_the_backup_script():
    doc = load()
    backup = doc["services"]["backup"]
    assert "/scripts/backup.sh" in " ".join(backup["command"])
    assert "../scripts:/scripts:ro" in backup["volumes"] and "backups:/backups" in backup["volumes"]
    assert backup["environment"]["BACKUP_DIR"] == "/backups" and backup["restart"] == "unless-stopped"
    assert (ROOT / "scripts/backup.sh").stat().st_mode & 0o111
