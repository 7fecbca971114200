#!/usr/bin/env bash
# Builds every service's image from deploy/Dockerfile (one shared build stage), tagged
# runnerly/SERVICE:${RUNNERLY_IMAGE_TAG:-local}. The npm registry is the one `npm config get
# registry` names; the host's CA bundle is passed as a BuildKit secret (not kept in any layer).
# Every target builds from one snapshot of the sources (the files git tracks or would track),
# so an edit made meanwhile cannot give the images different builds.
#   deploy/build-images.sh [SERVICE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib.sh"
pick_docker

services=("$@")
[ ${#services[@]} -gt 0 ] || services=(tokendealer gateway dashboard dataservice strava plans reports strava-sandbox)
tag=${RUNNERLY_IMAGE_TAG:-local}
registry=$(npm config get registry 2>/dev/null || true)
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
# The source repository's URL: RUNNERLY_IMAGE_SOURCE, else the origin remote when it is a web URL.
source=${RUNNERLY_IMAGE_SOURCE:-$(git -C "$root" remote get-url origin 2>/dev/null || true)}
case "$source" in https://*) ;; *) source=unknown ;; esac
ca=$(ca_bundle)

snapshot=$(mktemp)
trap 'rm -f "$snapshot"' EXIT
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  # What .dockerignore leaves out is left out here too: a test edited does not rebuild the images.
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
    | grep -zv -E '^(packages/[^/]+/test/|bench/|docs/|deploy/kubernetes/)' \
    | tar --null --files-from=- --ignore-failed-read --warning=no-failed-read -cf "$snapshot")
else
  tar -C "$root" --exclude=node_modules --exclude=dist --exclude=.git -cf "$snapshot" .
fi

for service in "${services[@]}"; do
  DOCKER_BUILDKIT=1 "$DOCKER" build --progress=plain -f deploy/Dockerfile --target "$service" \
    --secret "id=ca,src=$ca" --build-arg "NPM_REGISTRY=$registry" \
    --build-arg "REVISION=$revision" --build-arg "SOURCE=$source" \
    -t "runnerly/$service:$tag" - <"$snapshot" >"${RUNNERLY_BUILD_LOG:-/dev/null}" 2>&1 \
    || { echo "building $service failed; rerun with RUNNERLY_BUILD_LOG=/dev/stderr to see why" >&2; exit 1; }
  echo "built runnerly/$service:$tag"
done
