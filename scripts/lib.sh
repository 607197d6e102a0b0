# Shared shell helpers for scripts/*.sh.

# Installs Debian packages when missing (root on CI and the dev machines).
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "tools: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Fails with instructions when PostgreSQL is not reachable at $1 (a server URL).
require_postgres() {
  local url="$1"
  if ! psql "$url/postgres" -qAtc 'select 1' >/dev/null 2>&1; then
    cat >&2 <<MSG
PostgreSQL is not reachable at ${url}.
Start it, or point DATABASE_URL at one that is running, e.g.:
  - Debian/Ubuntu: sudo pg_ctlcluster \$(ls /etc/postgresql) main start
  - Docker:        docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15
MSG
    return 1
  fi
}
