#!/usr/bin/env bash
# Writes a development .env on first use: a random secret key, and the HTTPS-only protections
# turned off because the development server speaks plain HTTP on loopback. Production sets its
# own variables (see README) and never reads this file.
source "$(dirname "$0")/common.sh"
ENV_FILE="$ROOT/.env"
chain_key() { printf 'dev1:%s' "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"; }
# Development secrets of the text-message gateways (README "Text messages"): tests sign with them.
random_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
if [ -f "$ENV_FILE" ]; then
  # A .env from an older checkout: add what it lacks, and move the application off the
  # superuser onto its own role (the owner's URL is for migrate alone).
  if ! grep -q '^AUDIT_CHAIN_KEY=' "$ENV_FILE"; then
    echo "AUDIT_CHAIN_KEY=$(chain_key)" >> "$ENV_FILE"
    echo "Added AUDIT_CHAIN_KEY to .env"
  fi
  for name in TWILIO_AUTH_TOKEN RAPIDPRO_WEBHOOK_SECRET; do
    if ! grep -q "^$name=" "$ENV_FILE"; then
      echo "$name=$(random_token)" >> "$ENV_FILE"
      echo "Added $name to .env"
    fi
  done
  if ! grep -q '^DATABASE_OWNER_URL=' "$ENV_FILE"; then
    sed -i '/^DATABASE_URL=/d' "$ENV_FILE"
    "$ROOT/scripts/services.sh" env | grep '^DATABASE_' >> "$ENV_FILE"
    echo "Gave .env the two database roles"
  fi
  exit 0
fi
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
master=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
umask 077
cat > "$ENV_FILE" <<ENV
# Development settings written by make run / make test. Not for production.
SECRET_KEY=$secret
HANDOFF_MASTER_KEY=$master
AUDIT_CHAIN_KEY=$(chain_key)
TWILIO_AUTH_TOKEN=$(random_token)
RAPIDPRO_WEBHOOK_SECRET=$(random_token)
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
