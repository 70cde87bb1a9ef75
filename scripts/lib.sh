# Shared by scripts/run and scripts/test. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@" || die "needs root for: $* (run with sudo, or install it yourself)"
  else die "needs root for: $*"
  fi
}

# Install Debian packages that are missing (postgresql, chromium, wrk...).
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local log; log="$(mktemp /tmp/local-offer-apt.XXXXXX.log)"
  say "Installing Debian packages: ${missing[*]} (can take a few minutes; apt's output: tail -f $log)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || { as_root apt-get update >>"$log" 2>&1 && as_root apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; } \
    || { tail -n 20 "$log" >&2; die "could not install ${missing[*]} (log: $log)"; }
  rm -f "$log"
}

# Named phases, each reported with its elapsed time when the next starts; phase_summary ends the
# last one and lists them all with the total (call it from an EXIT trap so a failure lists them too).
PHASES=()
_phase_name=""
_phase_start=0
phase() {
  phase_end
  _phase_name="$1"
  _phase_start=$SECONDS
  say "$1"
}
phase_end() {
  [ -n "$_phase_name" ] || return 0
  local took; took="$(elapsed $((SECONDS - _phase_start)))"
  PHASES+=("$(printf '%6s  %s' "$took" "$_phase_name")")
  printf '\033[2m    %s took %s\033[0m\n' "$_phase_name" "$took" >&2
  _phase_name=""
}
phase_summary() {
  phase_end
  [ ${#PHASES[@]} -gt 0 ] || return 0
  printf '\n\033[1mTime by phase\033[0m\n' >&2
  printf '  %s\n' "${PHASES[@]}" >&2
  printf '  %6s  total\n' "$(elapsed "$SECONDS")" >&2
}
elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  die "Python 3.11 or newer is needed"
}

# Create .venv with exactly the pinned dependencies (hash-checked), then the project itself, editable;
# skipped when nothing changed. A lock that lacks something pyproject.toml asks for is an error.
setup_venv() {
  local extras="${1:-}"
  local python; python="$(find_python)"
  [ -x "$VENV/bin/python" ] || { say "Creating virtual environment"; "$python" -m venv "$VENV"; }
  local lock="$ROOT/requirements.lock"
  [ -n "$extras" ] && lock="$ROOT/requirements-dev.lock"
  local stamp
  stamp="$VENV/.installed-$(cat "$ROOT/pyproject.toml" "$lock" | sha256sum | cut -c1-16)${extras:+-$extras}"
  if [ ! -f "$stamp" ]; then
    say "Installing dependencies from ${lock##*/}"
    local pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
    "${pip[@]}" install --quiet --require-hashes -r "$lock" || die "pip install -r ${lock##*/} failed"
    "${pip[@]}" install --quiet --no-deps -e "$ROOT" || die "pip install -e . failed"
    local broken
    broken="$("${pip[@]}" check)" || die "${lock##*/} does not satisfy pyproject.toml: run scripts/lock"$'\n'"$broken"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

free_port() {
  "$VENV/bin/python" - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

# Start a throwaway PostgreSQL cluster on 127.0.0.1 and export LOCAL_OFFER_TEST_DATABASE_URL.
# It is stopped and deleted by stop_postgres (register it with trap).
start_postgres() {
  ensure_debian_packages postgresql
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  PG_DIR="$(mktemp -d /tmp/local-offer-pg.XXXXXX)"
  PG_PORT="$(free_port)"
  PG_BIN="$bin"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user.
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  say "Starting a throwaway PostgreSQL on 127.0.0.1:$PG_PORT"
  "${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  # Durability is pointless for a database deleted after the run.
  "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  export LOCAL_OFFER_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  PG_RUN=("${run[@]}")
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
