# Shared helpers for the deploy scripts (sourced, not run).

# The docker client to use: one that builds with BuildKit (`RUN --mount=type=secret`). A client
# from 23 on needs the buildx plugin for that; Debian's docker.io client (20.10) has it built in.
pick_docker() {
  if [ -n "${DOCKER:-}" ]; then return; fi
  local candidate major
  for candidate in docker /usr/bin/docker; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" buildx version >/dev/null 2>&1; then DOCKER=$candidate; return; fi
    major=$("$candidate" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
    if [ -n "$major" ] && [ "$major" -lt 23 ] 2>/dev/null; then DOCKER=$candidate; return; fi
  done
  DOCKER=docker
}

# The Debian mirror this host uses (deb822 .sources first, then sources.list), never hard-coded.
debian_mirror() {
  local uri
  uri=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && / bookworm( |$)/ { print uri; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  fi
  [ -n "$uri" ] || { echo "no bookworm mirror in the host's apt sources" >&2; return 1; }
  printf '%s\n' "$uri"
}

# The CA bundle TLS inside builds trusts (the host's, for registries behind an intercepting proxy).
ca_bundle() {
  local file
  for file in "${RUNNERLY_CA_BUNDLE:-}" "${NODE_EXTRA_CA_CERTS:-}" /etc/ssl/certs/ca-certificates.crt; do
    if [ -n "$file" ] && [ -r "$file" ]; then printf '%s\n' "$file"; return; fi
  done
  # An empty file: builds then trust Node's own CAs only.
  local empty; empty=$(mktemp); printf '%s\n' "$empty"
}

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

cache_dir() {
  local dir=${RUNNERLY_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runnerly-images}
  mkdir -p "$dir"; printf '%s\n' "$dir"
}
