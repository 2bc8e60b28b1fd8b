import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = (
    "POSTGRES_PASSWORD=example-only\nAPP_DB_PASSWORD=example-app-only\n"
    "SITE_HOST=enlace.example.org\n"
)


def compose_command() -> list[str]:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy:
        return [legacy]
    pytest.fail(
        "neither `docker compose` nor `docker-compose` is installed (make test installs it)"
    )


def test_docker_compose_file_is_valid(tmp_path):
    env_file = tmp_path / "compose.env"
    env_file.write_text(EXAMPLE_ENV)
    # env_file: .env must exist for the file to validate; a fresh clone may not have one yet.
    placeholder = None
    if not (ROOT / ".env").exists():
        placeholder = ROOT / ".env"
        placeholder.write_text("SECRET_KEY=placeholder\n")
    try:
        result = subprocess.run(
            [
                *compose_command(),
                "--env-file",
                str(env_file),
                "-f",
                "docker-compose.yml",
                "config",
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ},
            timeout=60,
        )
    finally:
        if placeholder:
            placeholder.unlink()
    assert result.returncode == 0, result.stderr


def test_compose_runs_every_part_of_the_stack_with_health_checks():
    text = (ROOT / "docker-compose.yml").read_text()
    for service in ("db:", "redis:", "web:", "worker:", "beat:"):
        assert f"\n  {service}" in text
    assert "postgis/postgis:15" in text
    assert text.count("healthcheck:") >= 4
    assert "pgdata:" in text and "redisdata:" in text


def _resolved(tmp_path) -> dict:
    """The compose file as docker-compose resolves it with an example environment."""
    import yaml

    env_file = tmp_path / "compose.env"
    env_file.write_text(EXAMPLE_ENV)
    placeholder = None
    if not (ROOT / ".env").exists():
        placeholder = ROOT / ".env"
        placeholder.write_text("SECRET_KEY=placeholder\n")
    try:
        result = subprocess.run(
            [*compose_command(), "--env-file", str(env_file), "-f", "docker-compose.yml", "config"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        if placeholder:
            placeholder.unlink()
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_only_the_proxy_is_published_and_the_app_trusts_one_proxy(tmp_path):
    services = _resolved(tmp_path)
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert "web:8000" in " ".join(services["proxy"]["command"])
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["TRUSTED_PROXIES"] == "1"


def test_only_migrate_connects_as_the_owner(tmp_path):
    services = _resolved(tmp_path)
    for name in ("web", "worker", "beat", "migrate"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgis://enlace_app:example-app-only@")
    for name in ("web", "worker", "beat"):
        assert not services[name]["environment"]["DATABASE_OWNER_URL"]
    owner = services["migrate"]["environment"]["DATABASE_OWNER_URL"]
    assert owner.startswith("postgis://enlace:example-only@db:5432/")
