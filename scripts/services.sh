#!/usr/bin/env bash
# Starts, stops or reports the project-local PostgreSQL cluster and Redis.
# Usage: services.sh start|stop|status|env
source "$(dirname "$0")/common.sh"
PG_LINK="$LOCAL/pg"
REDIS_DIR="$LOCAL/redis"
DB_NAME="${DB_NAME:-enlace}"
APP_ROLE="${APP_ROLE:-enlace_app}"

pg_dir() {
  # The data folder must be reachable by the unprivileged user. When the checkout sits under a
  # folder that user cannot enter (for example /root), the data lives under /var/lib/enlace and
  # .local/pg points at it.
  if [ -L "$PG_LINK" ] || [ -d "$PG_LINK" ]; then readlink -f "$PG_LINK"; return; fi
  mkdir -p "$LOCAL"
  if [ "$(id -u)" = 0 ] && ! runuser -u "$PG_USER_OS" -- test -x "$LOCAL"; then
    local real="/var/lib/enlace/$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
    mkdir -p "$real"
    ln -sfn "$real" "$PG_LINK"
  else
    mkdir -p "$PG_LINK"
  fi
  readlink -f "$PG_LINK"
}

# Sized for the machine, as a production server would be: PostgreSQL's defaults (128 MB of
# buffers) make a 1,000,000-service directory read from the OS cache on every search, and JIT
# compiles for longer than the queries it speeds up take to run.
pg_tuning() {
  local mem_mb
  mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  local buffers=$(( mem_mb / 8 )); [ "$buffers" -gt 4096 ] && buffers=4096; [ "$buffers" -lt 128 ] && buffers=128
  printf '%s' "-c shared_buffers=${buffers}MB -c effective_cache_size=$(( mem_mb / 2 ))MB" \
    " -c work_mem=32MB -c maintenance_work_mem=512MB -c random_page_cost=1.1 -c jit=off" \
    " -c max_wal_size=16GB -c checkpoint_timeout=15min -c wal_compression=lz4"
}

pg_start() {
  local dir; dir="$(pg_dir)"
  if [ "$(id -u)" = 0 ]; then
    id "$PG_USER_OS" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER_OS"
    chown "$PG_USER_OS" "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_db_owner mkdir -p "$dir/data" "$dir/run"
    chmod 700 "$dir/data"
    as_db_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    echo "Created the PostgreSQL cluster in $dir/data"
  fi
  if as_db_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then return 0; fi
  as_db_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $dir/run -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} $(pg_tuning)" start >/dev/null
  export PGOPTIONS="-c client_min_messages=warning"
  psql=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  # Extensions in template1 so that every database made later (the test database too) has them.
  "${psql[@]}" -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;"
  if [ -z "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DB_NAME"
  fi
  # The application's role (DATABASE_URL): no superuser, owns nothing; `migrate`, as the owner
  # (postgres here, DATABASE_OWNER_URL), grants it what it needs (audit/roles.py). Clusters made
  # by an older checkout get it here too.
  if [ -z "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE'")" ]; then
    "${psql[@]}" -d postgres -c "CREATE ROLE $APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
  fi
  echo "PostgreSQL on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  local dir
  [ -e "$PG_LINK" ] || return 0
  dir="$(readlink -f "$PG_LINK")"
  [ -f "$dir/data/PG_VERSION" ] || return 0
  if as_db_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_db_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null && echo "PostgreSQL stopped"
  fi
}

redis_running() {
  [ -f "$REDIS_DIR/redis.pid" ] && kill -0 "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null
}

redis_start() {
  mkdir -p "$REDIS_DIR"
  if redis_running; then return 0; fi
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --appendonly yes --save "" --protected-mode yes
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "Redis on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  if redis_running; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$REDIS_DIR/redis.pid")"
    for _ in $(seq 50); do redis_running || break; sleep 0.1; done
    echo "Redis stopped"
  fi
}

case "${1:-}" in
  start) pg_start; redis_start ;;
  stop) pg_stop; redis_stop ;;
  pg-start) pg_start ;;
  pg-stop) pg_stop ;;
  redis-start) redis_start ;;
  redis-stop) redis_stop ;;
  status)
    as_db_owner "$PG_BIN/pg_ctl" -D "$(pg_dir)/data" status >/dev/null 2>&1 && echo "postgres: up on $PG_PORT" || echo "postgres: down"
    redis_running && echo "redis: up on $REDIS_PORT" || echo "redis: down" ;;
  env)
    # The connection settings for this checkout, in .env syntax.
    echo "DATABASE_URL=postgis://$APP_ROLE@127.0.0.1:$PG_PORT/$DB_NAME"
    echo "DATABASE_OWNER_URL=postgis://postgres@127.0.0.1:$PG_PORT/$DB_NAME"
    echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0" ;;
  *) echo "usage: $0 start|stop|status|env|pg-start|pg-stop|redis-start|redis-stop" >&2; exit 2 ;;
esac
