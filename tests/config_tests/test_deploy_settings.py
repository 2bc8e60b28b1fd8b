import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENVIRONMENT = {
    "ENLACE_ENV_FILE": "/dev/null",
    "SECRET_KEY": "k3y-" + "x7Qp9vLr2Zt8Wn4Ys6Hb1Jc5Md0Fg3Ka" * 2,
    "ALLOWED_HOSTS": "enlace.example.org",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/enlace"),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "AUDIT_CHAIN_KEY": "k1:" + "c4Ai9Kd2Lm7Qw3Er8Ty5Ui1Op6As0Df2Gh" * 2,
    # Production needs the handoff master key (32 bytes, base64): the checks refuse without it.
    "HANDOFF_MASTER_KEY": "bWFzdGVyLWtleS1mb3ItdGhlLWRlcGxveS1jaGVjayE=",
}


def run_manage(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        **PRODUCTION_ENVIRONMENT,
    }
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_at_warning_level_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_are_safe_without_any_switches():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_REFERRER_POLICY)"
    )
    result = run_manage("shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "same-origin"]


def test_the_checks_refuse_a_production_start_without_a_master_key():
    for broken in ("", "not base64!", "c2hvcnQ="):
        result = run_manage("check", extra_env={"HANDOFF_MASTER_KEY": broken})
        assert result.returncode != 0
        assert "referrals.E001" in result.stderr


def test_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", extra_env={"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_cannot_be_switched_on_for_a_public_host_name():
    result = run_manage("check", extra_env={"DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG is only allowed with local ALLOWED_HOSTS" in result.stderr
    local = run_manage("check", extra_env={"DEBUG": "1", "ALLOWED_HOSTS": "localhost,127.0.0.1"})
    assert local.returncode == 0, local.stderr


def test_forwarded_addresses_are_trusted_only_when_a_proxy_is_declared():
    code = "from django.conf import settings as s; print(s.TRUSTED_PROXIES, s.API_TRUSTED_PROXIES)"
    direct = run_manage("shell", "-v", "0", "-c", code)
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout.split() == ["0", "0"]
    proxied = run_manage("shell", "-v", "0", "-c", code, extra_env={"TRUSTED_PROXIES": "1"})
    assert proxied.stdout.split() == ["1", "1"]


def test_settings_refuse_to_start_without_an_audit_chain_key():
    result = run_manage("check", extra_env={"AUDIT_CHAIN_KEY": ""})
    assert result.returncode != 0
    assert "AUDIT_CHAIN_KEY" in result.stderr
