#!/usr/bin/env bash
# Starts a Docker engine for CI when none answers, and stops only the one it started.
#   deploy/dockerd.sh start   # prints "started" or "already running"; waits for the socket
#   deploy/dockerd.sh stop    # stops the engine `start` started (by its pidfile), else nothing
# RUNNERLY_DOCKER_DATA_ROOT chooses its data root (images persist there between runs).
set -euo pipefail
state=${RUNNERLY_DOCKERD_STATE:-/run/runnerly-dockerd}
pidfile=$state/dockerd.pid
data_root=${RUNNERLY_DOCKER_DATA_ROOT:-/var/lib/docker-runnerly}

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if engine_answers; then echo "already running"; exit 0; fi
    command -v dockerd >/dev/null || { echo "dockerd is not installed (apt-get install docker.io)" >&2; exit 1; }
    mkdir -p "$state" "$data_root"
    # containerd comes with docker.io; dockerd starts its own when none runs.
    nohup dockerd --pidfile "$pidfile" --data-root "$data_root" >"$state/dockerd.log" 2>&1 &
    for _ in $(seq 1 120); do
      if engine_answers; then echo "started"; exit 0; fi
      sleep 0.5
    done
    echo "dockerd did not answer in 60 s:" >&2
    tail -20 "$state/dockerd.log" >&2
    exit 1
    ;;
  stop)
    [ -s "$pidfile" ] || exit 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$pidfile"
    echo "stopped"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
