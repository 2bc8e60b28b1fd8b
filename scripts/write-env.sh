#!/usr/bin/env bash
# Writes a development .env on first use: a random secret key, and the HTTPS-only protections
# turned off because the development server speaks plain HTTP on loopback. Production sets its
# own variables (see README) and never reads this file.
source "$(dirname "$0")/common.sh"
ENV_FILE="$ROOT/.env"
[ -f "$ENV_FILE" ] && exit 0
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
master=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
umask 077
cat > "$ENV_FILE" <<ENV
# Development settings written by make run / make test. Not for production.
SECRET_KEY=$secret
HANDOFF_MASTER_KEY=$master
DEBUG=1
ALLOWED_HOSTS=localhost,127.0.0.1,[::1]
SECURE_SSL_REDIRECT=0
SECURE_COOKIES=0
SECURE_HSTS_SECONDS=0
BEHIND_TLS_PROXY=0
EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
$("$ROOT/scripts/services.sh" env)
ENV
echo "Wrote a development .env"
