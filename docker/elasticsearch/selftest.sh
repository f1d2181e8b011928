#!/usr/bin/env bash
# selftest.sh — developer tool: proves the emu "elasticsearch image" (entrypoint.sh + the Maven jar cache)
# on this machine WITHOUT emu. Run as root:   bash docker/elasticsearch/selftest.sh
#
# What it does:
#   1. builds the jar cache if missing (mvn -q -f docker/elasticsearch/pom.xml package; EMU_ES_HOME overrides the dir)
#   2. starts 3 nodes es-1..es-3, each in its own `unshare --uts --mount --pid --fork --kill-child=SIGKILL
#      --mount-proc` sandbox with its own hostname; inside, /usr/share is overlaid (upper dir in the temp dir)
#      and a per-node temp data dir is bind-mounted at /usr/share/elasticsearch/data, so nothing on the host
#      outside the temp dir is written. All nodes listen on 127.0.0.1 only: HTTP 9201-9203, transport 9301-9303,
#      heap 512m, seed hosts = the three transport addresses, initial masters = es-1,es-2,es-3.
#   3. waits for green with 3 nodes (timed), creates an index with 3 shards / 1 replica, bulk-indexes docs,
#      gets a doc by id through each node, searches, uses custom _routing, prints _cat/nodes and _cat/shards,
#      reports RSS per node
#   4. kills (SIGKILL, like a crash) one non-master node, waits for yellow, restarts it on the same data dir,
#      waits for green again (timed)
#   5. on exit (success, failure or Ctrl-C) kills every sandbox (and so every JVM) it started and removes the
#      temp dir (KEEP=1 keeps it, with the node logs under $TMP/es-N/out.log)
# Exit code 0 and a final "selftest: 1 passed, 0 failed" line on success.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ES_VERSION=8.14.3
export EMU_ES_HOME="${EMU_ES_HOME:-${HOME:-/root}/.cache/emu/elasticsearch-${ES_VERSION}}"
[[ "$(id -u)" == 0 ]] || { echo "selftest: must run as root (unshare/mount)" >&2; exit 2; }

if [[ ! -f "$EMU_ES_HOME/lib/emu-es-launcher.jar" ]]; then
  echo "selftest: building jar cache in $EMU_ES_HOME"
  mvn -q -B -f "$HERE/pom.xml" -Demu.cache="$EMU_ES_HOME" package
fi

TMP="$(mktemp -d /tmp/es-selftest.XXXXXX)"
declare -A SANDBOX_PID=()

cleanup() {
  local rc=$?
  for n in "${!SANDBOX_PID[@]}"; do
    kill -KILL "${SANDBOX_PID[$n]}" 2>/dev/null || true   # --kill-child: the sandbox's pid 1 (the JVM) dies with it
  done
  for n in "${!SANDBOX_PID[@]}"; do wait "${SANDBOX_PID[$n]}" 2>/dev/null || true; done
  # belt and braces: any JVM still running from this temp dir
  for p in $(pgrep -f -- "-Des.path.conf=$TMP/" || true); do kill -KILL "$p" 2>/dev/null || true; done
  sleep 0.5
  # unmounts happen with the mount namespaces; only files remain
  if [[ "${KEEP:-0}" == 1 || $rc != 0 ]]; then echo "selftest: logs kept in $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
http() { curl -sS --max-time 120 "$@"; }
die() { echo "selftest: FAIL: $*" >&2; echo "selftest: 0 passed, 1 failed"; exit 1; }

start_node() { # start_node N
  local n=$1 d="$TMP/es-$1"
  mkdir -p "$d/data" "$d/upper" "$d/work" "$d/run"
  unshare --uts --mount --pid --fork --kill-child=SIGKILL --mount-proc \
    env -i PATH="$PATH" HOME="${HOME:-/root}" JAVA_HOME="${JAVA_HOME:-}" EMU_ES_HOME="$EMU_ES_HOME" \
      EMU_ES_RUN_DIR="$d/run" HOSTNAME="es-$n" \
      "cluster.name=selftest" "node.name=es-$n" "network.host=127.0.0.1" \
      "http.port=920$n" "transport.port=930$n" \
      "discovery.seed_hosts=127.0.0.1:9301,127.0.0.1:9302,127.0.0.1:9303" \
      "cluster.initial_master_nodes=es-1,es-2,es-3" \
      "ES_JAVA_OPTS=-Xms512m -Xmx512m" \
    bash -c '
      set -e
      hostname "$HOSTNAME"
      mount -t overlay overlay -o lowerdir=/usr/share,upperdir="$1/upper",workdir="$1/work" /usr/share
      mkdir -p /usr/share/elasticsearch/data
      mount --bind "$1/data" /usr/share/elasticsearch/data
      exec "$2"
    ' sandbox "$d" "$HERE/entrypoint.sh" >>"$d/out.log" 2>&1 &
  SANDBOX_PID[$n]=$!
}

jvm_pid() { pgrep -f -- "-Des.path.conf=$TMP/es-$1/run/config" | head -1; }
rss_mb() { local p; p="$(jvm_pid "$1")"; [[ -n "$p" ]] && awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$p/status" || echo "?"; }

wait_health() { # wait_health PORT QUERY TIMEOUT_S
  local deadline=$(( $(date +%s) + $3 ))
  while (( $(date +%s) < deadline )); do
    if out="$(curl -s --max-time 30 "http://127.0.0.1:$1/_cluster/health?$2&timeout=25s")" \
       && [[ "$out" == *'"timed_out":false'* ]]; then
      echo "$out"; return 0
    fi
    sleep 1
  done
  return 1
}

echo "selftest: java $(java -version 2>&1 | head -1), cache $EMU_ES_HOME, temp $TMP"
T0="$(now)"
for n in 1 2 3; do start_node "$n"; done
wait_health 9201 "wait_for_status=green&wait_for_nodes=3" 180 >/dev/null || die "cluster did not turn green with 3 nodes"
GREEN_COLD="$(since "$T0")"
echo "selftest: 3-node cluster green after ${GREEN_COLD}s (cold start, JVMs started in parallel)"
http "127.0.0.1:9201/" | head -c 400; echo
http -I "127.0.0.1:9202/" | grep -i '^x-elastic-product' || die "no X-elastic-product header"

http -XPUT "127.0.0.1:9201/books" -H 'content-type: application/json' \
  -d '{"settings":{"number_of_shards":3,"number_of_replicas":1}}'; echo
bulk=""
for i in $(seq 1 30); do
  bulk+='{"index":{"_id":"'$i'"}}'$'\n''{"title":"book '$i'","n":'$i',"tag":"t'$((i % 3))'"}'$'\n'
done
http -XPOST "127.0.0.1:9202/books/_bulk?refresh=true" -H 'content-type: application/x-ndjson' --data-binary "$bulk" \
  | grep -q '"errors":false' || die "bulk indexing failed"
http -XPUT "127.0.0.1:9203/books/_doc/r1?routing=user7&refresh=true" -H 'content-type: application/json' \
  -d '{"title":"routed","n":0}' >/dev/null
wait_health 9201 "wait_for_status=green" 60 >/dev/null || die "not green after indexing"
for p in 9201 9202 9203; do
  got="$(http "127.0.0.1:$p/books/_doc/17")"
  [[ "$got" == *'"found":true'* && "$got" == *'"book 17"'* ]] || die "get by id via :$p: $got"
  r="$(http "127.0.0.1:$p/books/_doc/r1?routing=user7")"
  [[ "$r" == *'"_routing":"user7"'* ]] || die "routed get via :$p: $r"
  c="$(http "127.0.0.1:$p/books/_count")"
  [[ "$c" == *'"count":31'* ]] || die "count via :$p: $c"
  echo "selftest: via :$p get-by-id ok, routed get ok, count 31"
done
s="$(http "127.0.0.1:9202/books/_search" -H 'content-type: application/json' \
  -d '{"query":{"match":{"title":"book"}},"size":0,"aggs":{"tags":{"terms":{"field":"tag.keyword"}}}}')"
[[ "$s" == *'"value":30'* ]] || die "search: $s"
echo "selftest: search + terms agg ok"
http "127.0.0.1:9201/_cat/nodes?v&h=name,ip,http_address,master,node.role,heap.max"
http "127.0.0.1:9201/_cat/shards?v"
http "127.0.0.1:9201/_cluster/state/master_node,nodes?filter_path=master_node,nodes.*.name" ; echo
for n in 1 2 3; do echo "selftest: es-$n RSS $(rss_mb "$n") MiB (pid $(jvm_pid "$n"))"; done

master_id="$(http "127.0.0.1:9201/_cluster/state/master_node?filter_path=master_node" | sed 's/.*"master_node":"\([^"]*\)".*/\1/')"
master_name="$(http "127.0.0.1:9201/_nodes/$master_id?filter_path=nodes.*.name" | sed 's/.*"name":"\([^"]*\)".*/\1/')"
victim=3; [[ "$master_name" == es-3 ]] && victim=2
survivor=1; [[ "$victim" == 1 ]] && survivor=2
echo "selftest: master is $master_name; killing es-$victim (SIGKILL)"
kill -KILL "${SANDBOX_PID[$victim]}"; wait "${SANDBOX_PID[$victim]}" 2>/dev/null || true
unset "SANDBOX_PID[$victim]"
h="$(wait_health "920$survivor" "wait_for_nodes=2" 120)" || die "cluster did not notice the dead node"
[[ "$h" == *'"status":"yellow"'* ]] || die "expected yellow after node loss: $h"
echo "selftest: 2 nodes, status yellow"
c="$(http "127.0.0.1:920$survivor/books/_count")"; [[ "$c" == *'"count":31'* ]] || die "count while yellow: $c"

T1="$(now)"
start_node "$victim"
wait_health "920$survivor" "wait_for_status=green&wait_for_nodes=3" 180 >/dev/null || die "not green after restart"
GREEN_RESTART="$(since "$T1")"
echo "selftest: es-$victim restarted on the same data dir; green with 3 nodes after ${GREEN_RESTART}s"
got="$(http "127.0.0.1:920$victim/books/_doc/5")"; [[ "$got" == *'"found":true'* ]] || die "get via restarted node: $got"
http "127.0.0.1:9201/_cat/shards?v"
for n in 1 2 3; do echo "selftest: es-$n RSS $(rss_mb "$n") MiB"; done
echo "selftest: summary: cold 3-node green ${GREEN_COLD}s, restart->green ${GREEN_RESTART}s"
echo "selftest: 1 passed, 0 failed"
