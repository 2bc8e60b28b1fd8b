from tests.privacy_tests.live import celery_subprocess, gunicorn  # noqa: F401 - fixtures
