#!/usr/bin/env bash
# Start emu's private Docker daemon, wait until it answers, and print its DOCKER_HOST.
#
#   eval "$(docker/dockerd/start.sh)"     # sets DOCKER_HOST for emu, testcontainers and docker
#
# The daemon changes nothing on the host: it runs in a network namespace of its own (no
# bridge, no iptables, no masquerading: pods get their network from emu's node, see
# src/runtime/docker/), in a mount namespace of its own (its mounts never reach the host's
# mount table), with its own data root, exec root, pid file and socket under $EMU_DOCKER_HOME.
# Containers go under the cgroup $EMU_DOCKER_CGROUP, so stop.sh finds anything left over.
# Running it again while the daemon is up only prints DOCKER_HOST. Stop it with stop.sh.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=env.sh
. "$here/env.sh"

fail() { echo "docker/dockerd/start.sh: $*" >&2; exit 1; }
answers() { docker -H "unix://$EMU_DOCKER_SOCKET" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

command -v dockerd >/dev/null || fail "dockerd is not installed; install it with: apt-get install -y --no-install-recommends docker.io"
command -v docker >/dev/null || fail "the docker client is not installed; install it with: apt-get install -y --no-install-recommends docker.io"
[ "$(id -u)" = 0 ] || fail "dockerd needs root; run this as root"

if answers; then echo "export DOCKER_HOST=unix://$EMU_DOCKER_SOCKET"; exit 0; fi
if [ -f "$EMU_DOCKER_PIDFILE" ] && kill -0 "$(cat "$EMU_DOCKER_PIDFILE")" 2>/dev/null; then
  fail "dockerd $(cat "$EMU_DOCKER_PIDFILE") is running but does not answer on $EMU_DOCKER_SOCKET; stop it with docker/dockerd/stop.sh"
fi
rm -f "$EMU_DOCKER_PIDFILE" "$EMU_DOCKER_SOCKET"
mkdir -p "$EMU_DOCKER_HOME/data" "$EMU_DOCKER_HOME/exec"

# overlay2 where the kernel allows it (a container starts from its image without a copy);
# vfs otherwise. EMU_DOCKER_STORAGE_DRIVER overrides.
driver=${EMU_DOCKER_STORAGE_DRIVER:-}
if [ -z "$driver" ]; then
  driver=vfs
  probe=$(mktemp -d "$EMU_DOCKER_HOME/probe.XXXXXX")
  mkdir "$probe/l" "$probe/u" "$probe/w" "$probe/m"
  if unshare --mount --propagation private mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then driver=overlay2; fi
  rm -rf "$probe"
fi

# setsid: not in our session, so a Ctrl-C of the caller does not reach it.
# unshare without --fork execs dockerd: the pid file holds the daemon itself.
setsid unshare --net --mount --propagation private -- \
  dockerd --data-root "$EMU_DOCKER_HOME/data" --exec-root "$EMU_DOCKER_HOME/exec" \
    --pidfile "$EMU_DOCKER_PIDFILE" -H "unix://$EMU_DOCKER_SOCKET" \
    --storage-driver="$driver" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    --cgroup-parent="$EMU_DOCKER_CGROUP" --shutdown-timeout=10 \
  </dev/null >>"$EMU_DOCKER_LOG" 2>&1 &
daemon=$!

# Bounded wait, with progress on a terminal only.
for ((i = 0; i < 600; i++)); do
  if answers; then
    [ -t 2 ] && printf '\r\033[2K' >&2
    echo "export DOCKER_HOST=unix://$EMU_DOCKER_SOCKET"
    exit 0
  fi
  kill -0 "$daemon" 2>/dev/null || fail "dockerd exited during start-up; its log: $EMU_DOCKER_LOG ($(tail -n 1 "$EMU_DOCKER_LOG"))"
  [ -t 2 ] && printf '\r\033[2Kwaiting for dockerd (%d.%ds)' $((i / 10)) $((i % 10)) >&2
  sleep 0.1
done
kill "$daemon" 2>/dev/null || true
fail "dockerd did not answer within 60 s; its log: $EMU_DOCKER_LOG"
