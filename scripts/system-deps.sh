#!/usr/bin/env bash
# Install the system programs the test suite starts: Xvfb (GUI tests), Redis and nginx
# (multi-process tests).
# PostgreSQL 15's server binaries are expected under /usr/lib/postgresql/15/bin, or installed here.
set -euo pipefail

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${need[*]}. Install them (as root: apt-get install ${need[*]})." >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
