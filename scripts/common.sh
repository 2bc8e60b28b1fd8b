# Shared by the scripts in this folder: where the project-local services live and on which ports.
# Ports are derived from the checkout's path so that two checkouts on one machine (a working tree
# and a fresh clone being tested) never collide with each other or with a system PostgreSQL.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
_path_sum=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
PG_PORT="${PG_PORT:-$((20000 + (_path_sum % 9000) * 2))}"
REDIS_PORT="${REDIS_PORT:-$((PG_PORT + 1))}"
PG_USER_OS="${PG_USER_OS:-postgres}"

as_db_owner() {
  # PostgreSQL refuses to run as root; as root we run it as an unprivileged system user.
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER_OS" -- "$@"; else "$@"; fi
}
