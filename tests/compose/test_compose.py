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


def test_the_gateway_keeps_its_caches_in_memory():
    """A tmpfs where the container's render puts them (gateway/render.py cache_dir: RUN_DIR/cache)."""
    gateway = load()["services"]["gateway"]
    dockerfile = (ROOT / "compose" / "gateway.Dockerfile").read_text()
    run_dir = re.search(r"render\.py (\S+)", dockerfile).group(1)
    assert [mount.split(":")[0] for mount in gateway["tmpfs"]] == [f"{run_dir}/cache"]
    size = re.search(r"size=(\d+)m", gateway["tmpfs"][0]).group(1)
    nginx = (ROOT / "gateway" / "nginx.conf.template").read_text()
    kept = sum(int(mb) for mb in re.findall(r"proxy_cache_path .* max_size=(\d+)m", nginx))
    assert kept <= int(size), "nginx would fill the tmpfs before its own limits"


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


# The small-VPS profile (compose/docker-compose.small.yml) layered on the main file, validated the
# same way: what compose would run fits 1 GB with room for the OS.

MAIN = COMPOSE
SMALL = ROOT / "compose" / "docker-compose.small.yml"


def merged() -> dict:
    """Compose's merge for what these files use: mappings merge, lists and scalars are replaced."""

    def merge(base, over):
        if isinstance(base, dict) and isinstance(over, dict):
            return {k: merge(base[k], v) if k in base else v for k, v in over.items()} | {
                k: v for k, v in base.items() if k not in over
            }
        return over

    return merge(yaml.safe_load(MAIN.read_text()), yaml.safe_load(SMALL.read_text()))


def running(doc: dict) -> dict:
    """Services started by a plain `up` (no profile) that keep running (not the one-shot migrate)."""
    return {
        name: svc for name, svc in doc["services"].items() if not svc.get("profiles") and name != "migrate"
    }


def test_the_small_profile_only_overrides_services_of_the_main_file():
    small, main = yaml.safe_load(SMALL.read_text()), yaml.safe_load(MAIN.read_text())
    assert set(small["services"]) <= set(main["services"])


def test_what_runs_fits_1_gb_with_room_for_the_os():
    limits = {
        name: memory_mb(svc["deploy"]["resources"]["limits"]["memory"])
        for name, svc in running(merged()).items()
    }
    # Ceilings (each ~1.3× its measured use), so their sum may take all of 1 GB; what they use at once
    # is measured by `make bench` (whole-deployment PSS, target ≤ 700 MB).
    assert sum(limits.values()) <= 1024, limits


def test_every_process_of_the_system_still_runs_and_the_scheduler_exactly_once():
    doc = merged()
    services = running(doc)
    assert (APP_PROCESSES - {"scheduler", "migrate"}) | {"postgres", "redis"} <= set(services)
    in_worker = services["worker"]["environment"].get("WORKER_WITH_SCHEDULER") == "1"
    assert in_worker != ("scheduler" in services)
    assert (ROOT / "services/common/scheduler.py").exists()


def test_postgres_connections_cover_every_pool():
    doc = merged()
    args = doc["services"]["postgres"]["command"]
    settings = dict(a.split("=", 1) for a in args if "=" in a)
    env = doc["services"]["worker"]["environment"]

    def pool(service: dict) -> int:
        return int(service["DB_POOL_SIZE"]) + int(service["DB_MAX_OVERFLOW"])

    # Each gunicorn worker and each RQ worker may open a full pool per service it serves (the RQ
    # workers run every service's jobs); the scheduler and a backup take a few more.
    web_envs = [
        doc["services"][name]["environment"] for name in ("accounts", "inventory", "payments", "reporting")
    ]
    web = sum(int(e["WEB_CONCURRENCY"]) * pool(e) for e in web_envs)
    assert web > 4 * pool(env)  # inventory's own settings were read, not the common ones
    workers = int(env["WORKER_PROCESSES"]) * 4 * 2  # one thread: at most a couple per service engine
    assert int(settings["max_connections"]) >= web + workers + 5, settings


def test_redis_never_evicts_and_its_ceiling_leaves_headroom_in_its_container():
    doc = merged()
    command = doc["services"]["redis"]["command"]
    assert command[:2] == ["redis-server", "/usr/local/etc/redis/redis.conf"]  # noeviction from the file
    maxmemory = memory_mb(command[command.index("--maxmemory") + 1].upper().replace("MB", "M"))
    container = memory_mb(doc["services"]["redis"]["deploy"]["resources"]["limits"]["memory"])
    assert maxmemory <= container * 0.75
