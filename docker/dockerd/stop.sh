#!/usr/bin/env bash
# Stop emu's private Docker daemon (started by start.sh) and leave nothing behind: its
# containers are removed first, then the daemon gets SIGTERM (SIGKILL after 30 s), and any
# process still in its containers' cgroups (e.g. after the daemon was killed) is killed.
# Images stay in $EMU_DOCKER_HOME/data; `stop.sh --purge` removes them too.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=env.sh
. "$here/env.sh"

pid=$(cat "$EMU_DOCKER_PIDFILE" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  ids=$(docker -H "unix://$EMU_DOCKER_SOCKET" ps -aq 2>/dev/null || true)
  # shellcheck disable=SC2086
  [ -z "$ids" ] || docker -H "unix://$EMU_DOCKER_SOCKET" rm -f $ids >/dev/null 2>&1 || true
  kill -TERM "$pid"
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
fi

# Whatever outlived the daemon: container processes (by cgroup) and containerd shims (by the
# containerd socket in our exec root).
for procs in /sys/fs/cgroup/*/"$EMU_DOCKER_CGROUP" /sys/fs/cgroup/"$EMU_DOCKER_CGROUP"; do
  [ -d "$procs" ] || continue
  find "$procs" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
done
for cmdline in /proc/[0-9]*/cmdline; do
  if { tr '\0' ' ' <"$cmdline"; } 2>/dev/null | grep -q -- "-address $EMU_DOCKER_HOME/exec/containerd/"; then
    p=${cmdline#/proc/}; kill -KILL "${p%/cmdline}" 2>/dev/null || true
  fi
done
# Empty cgroups left by killed containers (deepest first).
for procs in /sys/fs/cgroup/*/"$EMU_DOCKER_CGROUP" /sys/fs/cgroup/"$EMU_DOCKER_CGROUP"; do
  [ -d "$procs" ] && find "$procs" -depth -type d -exec rmdir {} + 2>/dev/null || true
done
rm -f "$EMU_DOCKER_PIDFILE" "$EMU_DOCKER_SOCKET"
if [ "${1:-}" = --purge ]; then rm -rf "$EMU_DOCKER_HOME"; fi
