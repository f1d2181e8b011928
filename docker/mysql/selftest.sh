#!/bin/bash
# Developer self-test for emu's mysql/mariadb image (docker/mysql/entrypoint.sh)
# and for scenarios/manifests/mysql.yaml, WITHOUT emu: pods are emulated with
# plain Linux tools.
#
#   sudo docker/mysql/selftest.sh [path/to/mysql.yaml]
#
# Needs: root, util-linux (unshare, nsenter), overlayfs, node + the repo's
# node_modules (to read the manifest), MariaDB from Debian
# (apt-get install mariadb-server-core mariadb-client-core).
#
# What a "pod" is here:
#  * `unshare --uts --mount --pid --fork --kill-child=SIGKILL --mount-proc`,
#    hostname = pod name, PID 1 = this script in `__pod` mode;
#  * each container gets its own mount namespace whose root is an overlay over
#    the host's / (upper layer on a private tmpfs, so missing mount points like
#    /var/lib/mysql or /docker-entrypoint-initdb.d are created in the overlay,
#    never on the host), volumes bind-mounted from the temp dir, private tmpfs
#    on /run and /tmp, `127.0.0.1 mysql-0.mysql` appended to its /etc/hosts;
#  * pods share the host network: each pod gets its own port on 127.0.0.1
#    (an extra conf.d file zz-selftest.cnf, MYSQL_TCP_PORT for clients in the
#    pod, and MASTER_PORT=3306 in the replication script rewritten to the
#    primary's port).
# Init container, main container (env, volumes, probes) and the replication
# sidecar are taken from the manifest itself.
#
# Shows: first boot initializes and creates accounts/database; initdb scripts
# (.sh, .sql, .sql.gz) run; nothing of the init is binlogged; `mysql -e` works
# for root inside the container; restart on an existing datadir is fast;
# GTID replication primary -> replica by DNS name; app user's write on a
# replica is refused (ERROR 1290); replica follows a restarted primary; a
# replica added later catches up from GTID ''; env handling (MYSQL_/MARIADB_,
# random root password, missing password error). Prints timings.
# Everything runs under a mktemp dir and is removed on exit.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")
REPO=$(cd "$HERE/../.." && pwd)
HOSTPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# ---------------------------------------------------------------------------
# __container POD CNAME ENVFILE [VOL:PATH ...] -- CMD...
#   runs inside the pod's namespaces, in a fresh mount namespace
if [ "${1:-}" = __container ]; then
	shift
	pod=$1 cname=$2 envfile=$3; shift 3
	P=$T/pods/$pod C=$T/pods/$pod/containers/$cname
	R=$C/root
	mkdir -p "$R" "$C/ovl"
	mount -t tmpfs -o mode=755 tmpfs "$C/ovl"
	mkdir "$C/ovl/upper" "$C/ovl/work"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$C/ovl/upper,workdir=$C/ovl/work" "$R"
	mount --rbind /dev "$R/dev"
	mount --rbind /proc "$R/proc"
	mount --rbind /sys "$R/sys"
	while [ "$1" != -- ]; do
		vol=${1%%:*} path=${1#*:}; shift
		[ -n "$vol" ] || continue
		mkdir -p "$R$path"
		mount --bind "$P/vol/$vol" "$R$path"
	done
	shift
	mount -t tmpfs -o mode=755 tmpfs "$R/run"
	mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
	echo "127.0.0.1 mysql-0.mysql" >> "$R/etc/hosts"
	envs=()
	if [ -s "$envfile" ]; then mapfile -d '' envs < "$envfile"; fi
	cd "$R"
	exec chroot "$R" /usr/bin/env -i PATH="$HOSTPATH" HOME=/root HOSTNAME="$pod" \
		MYSQL_TCP_PORT="$(cat "$P/port")" "${envs[@]}" "$@"
fi

# __pod POD [sidecar]: PID 1 of the pod
if [ "${1:-}" = __pod ]; then
	pod=$2 P=$T/pods/$2 X=$T/manifest
	hostname "$pod"
	cont() { unshare --mount --propagation private "$SELF" __container "$@"; }
	cont_bg() { exec unshare --mount --propagation private "$SELF" __container "$@"; }
	mapfile -t m < "$X/mounts.init-mysql"
	cont "$pod" init-mysql /dev/null "${m[@]}" -- bash -c "$(cat "$X/script.init-mysql")" \
		> "$P/log.init-mysql" 2>&1
	printf '[mysqld]\nport=%s\nbind-address=127.0.0.1\n' "$(cat "$P/port")" > "$P/vol/conf/zz-selftest.cnf"
	mapfile -t m < "$X/mounts.mysql"
	cont_bg "$pod" mysql "$X/env.mysql" "${m[@]}" -- "$REPO/docker/mysql/entrypoint.sh" mysqld \
		>> "$P/log.mysql" 2>&1 &
	pids=( $! )
	echo $! > "$P/pid.mysql"
	if [ "${3:-}" = sidecar ]; then
		mapfile -t m < "$X/mounts.replication"
		cont_bg "$pod" replication "$X/env.replication" "${m[@]}" -- bash -c "$(cat "$P/script.replication")" \
			>> "$P/log.replication" 2>&1 &
		pids+=( $! )
	fi
	trap 'kill -TERM "${pids[@]}" 2>/dev/null' TERM INT
	wait "${pids[0]}" || true   # returns early when the trap fires
	kill -TERM "${pids[@]}" 2>/dev/null || true
	wait
	exit 0
fi

# ---------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
MANIFEST=$(readlink -f "${1:-$REPO/scenarios/manifests/mysql.yaml}")
T=$(mktemp -d /tmp/emu-mysql-selftest.XXXXXX)
export T
declare -A UPID=()   # pod -> host pid of its unshare process

cleanup() {
	local pod
	for pod in "${!UPID[@]}"; do
		kill -KILL "${UPID[$pod]}" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

FAILS=0
ok()   { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; FAILS=$((FAILS + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# check_eq WHAT ACTUAL EXPECTED
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi; }
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d ms", (b - a) * 1000 }'; }
# epoch of the last "Entrypoint script ... started" line of POD's main container
ep_start() { date -d "$(grep 'Entrypoint script for MariaDB Server started' "$T/pods/$1/log.mysql" | tail -n 1 | cut -d' ' -f1,2)" +%s.%N; }

# --- read the manifest -------------------------------------------------------
X=$T/manifest
mkdir -p "$X/cm"
REPO="$REPO" node -e '
const fs = require("fs"), path = require("path");
const YAML = require(process.env.REPO + "/node_modules/yaml");
const [manifest, out] = process.argv.slice(1);
const docs = YAML.parseAllDocuments(fs.readFileSync(manifest, "utf8")).map(d => d.toJS()).filter(Boolean);
const find = (kind) => docs.find(d => d.kind === kind && d.metadata.name === "mysql");
const cm = find("ConfigMap"), secret = find("Secret"), sts = find("StatefulSet");
for (const [k, v] of Object.entries(cm.data)) fs.writeFileSync(path.join(out, "cm", k), v);
const secretData = { ...Object.fromEntries(Object.entries(secret.data || {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])), ...(secret.stringData || {}) };
const spec = sts.spec.template.spec;
const vols = Object.fromEntries(spec.volumes.map(v => [v.name, v]));
for (const t of sts.spec.volumeClaimTemplates || []) vols[t.metadata.name] = { name: t.metadata.name, pvc: true };
fs.writeFileSync(path.join(out, "volumes"), Object.values(vols).map(v =>
  v.name + " " + (v.pvc ? "pvc" : v.emptyDir ? "emptyDir" : v.configMap ? "configMap " + ((v.configMap.items || []).map(i => i.key + ":" + i.path).join(",") || "*") : "other")).join("\n") + "\n");
for (const c of [...(spec.initContainers || []), ...spec.containers]) {
  if (c.command) {
    if (c.command[0] !== "bash" || c.command[1] !== "-c") throw new Error(c.name + ": expected bash -c");
    fs.writeFileSync(path.join(out, "script." + c.name), c.command[2]);
  }
  fs.writeFileSync(path.join(out, "mounts." + c.name), (c.volumeMounts || []).map(m => m.name + ":" + m.mountPath).join("\n") + "\n");
  const env = (c.env || []).map(e => e.name + "=" + (e.valueFrom ? secretData[e.valueFrom.secretKeyRef.key] : e.value));
  fs.writeFileSync(path.join(out, "env." + c.name), env.map(e => e + "\0").join(""));
  if (c.readinessProbe) fs.writeFileSync(path.join(out, "readiness." + c.name), c.readinessProbe.exec.command.map(a => a + "\0").join(""));
  if (c.livenessProbe) fs.writeFileSync(path.join(out, "liveness." + c.name), c.livenessProbe.exec.command.map(a => a + "\0").join(""));
}
fs.writeFileSync(path.join(out, "secrets"), Object.entries(secretData).map(([k, v]) => k.replace(/-/g, "_").toUpperCase() + "=" + JSON.stringify(v)).join("\n") + "\n");
' "$MANIFEST" "$X"
# shellcheck disable=SC1091
. "$X/secrets"   # ROOT_PASSWORD, APP_PASSWORD, REPLICATION_PASSWORD

# Extra initdb files for the test (in addition to the manifest's).
mkdir -p "$X/extra-initdb"
cat > "$X/extra-initdb/20-seed.sql" <<'EOF'
CREATE TABLE app.seeded (id INT PRIMARY KEY, src VARCHAR(20));
INSERT INTO app.seeded VALUES (1, 'sql');
EOF
echo "INSERT INTO app.seeded VALUES (2, 'sql.gz');" | gzip > "$X/extra-initdb/30-seed.sql.gz"
cat > "$X/extra-initdb/40-seed.sh" <<'EOF'
docker_process_sql <<<"INSERT INTO seeded VALUES (3, 'sh:$(hostname)');"
EOF

# --- pods --------------------------------------------------------------------
# new_pod NAME PORT: create the pod's volumes (pvc survives pod restarts)
new_pod() {
	local pod=$1 port=$2 P=$T/pods/$1 name kind items
	mkdir -p "$P/vol"
	echo "$port" > "$P/port"
	while read -r name kind items; do
		case "$kind" in
			pvc) mkdir -p "$P/vol/$name" ;;
			emptyDir) mkdir -p "$P/vol/$name" ;;
			configMap)
				mkdir -p "$P/vol/$name"
				if [ "$items" = '*' ]; then
					cp "$X/cm/"* "$P/vol/$name/"
				else
					local it
					for it in ${items//,/ }; do cp "$X/cm/${it%%:*}" "$P/vol/$name/${it#*:}"; done
				fi
				if [ "$name" = initdb ]; then cp "$X/extra-initdb/"* "$P/vol/$name/"; fi
				;;
		esac
	done < "$X/volumes"
	# the replication sidecar, pointed at the primary's port (host network)
	sed "s/MASTER_PORT=3306/MASTER_PORT=$(cat "$T/pods/mysql-0/port")/" "$X/script.replication" > "$P/script.replication"
	grep -q "MASTER_PORT=$(cat "$T/pods/mysql-0/port")" "$P/script.replication" \
		|| { echo "cannot find MASTER_PORT=3306 in the replication script" >&2; exit 1; }
}

# start_pod NAME [sidecar]
start_pod() {
	local pod=$1 P=$T/pods/$1
	rm -rf "$P/containers" "$P/vol/conf"; mkdir -p "$P/vol/conf"   # emptyDir is per pod incarnation
	unshare --uts --mount --pid --fork --kill-child=SIGKILL --mount-proc \
		"$SELF" __pod "$pod" "${2:-}" &
	UPID[$pod]=$!
}

# stop_pod NAME: SIGTERM the pod's containers, wait for it
stop_pod() {
	local pod=$1 pid1
	pid1=$(ps -o pid= --ppid "${UPID[$pod]}" | tr -d ' ')
	kill -TERM "$pid1"
	wait "${UPID[$pod]}" || true
	unset "UPID[$pod]"
}

# host pid of the main container's process (mariadbd once exec'd)
main_pid() {
	local pod=$1 P=$T/pods/$1 pid1 inner c
	pid1=$(ps -o pid= --ppid "${UPID[$pod]}" | tr -d ' ')
	inner=$(cat "$P/pid.mysql")
	for c in $(ps -o pid= --ppid "$pid1"); do
		if [ "$(awk '/^NSpid:/ { print $3 }' "/proc/$c/status")" = "$inner" ]; then echo "$c"; return; fi
	done
	return 1
}

# exec_in POD CMD...: like kubectl exec into the main container
exec_in() {
	local pod=$1; shift
	local envs=() pid
	mapfile -d '' envs < "$X/env.mysql"
	pid=$(main_pid "$pod")
	nsenter -t "$pid" -m -u -p -r -w -- /usr/bin/env -i PATH="$HOSTPATH" HOME=/root \
		MYSQL_TCP_PORT="$(cat "$T/pods/$pod/port")" "${envs[@]}" "$@"
}

# q POD USER PASSWORD SQL: query over TCP from the host
q() {
	mariadb --no-defaults -h 127.0.0.1 -P "$(cat "$T/pods/$1/port")" -u"$2" -p"$3" -N -B -e "$4"
}
qroot() { q "$1" root "$ROOT_PASSWORD" "$2"; }
# vertical output with column names (SHOW SLAVE STATUS)
qvert() { mariadb --no-defaults -h 127.0.0.1 -P "$(cat "$T/pods/$1/port")" -uroot -p"$ROOT_PASSWORD" -e "$2\\G"; }

# wait_ready POD [timeout s]: poll SELECT 1 over TCP
wait_ready() {
	local pod=$1 deadline
	deadline=$(( $(date +%s) + ${2:-30} ))
	until qroot "$pod" 'SELECT 1' >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "--- $pod did not become ready; logs:"; tail -n 30 "$T/pods/$pod"/log.*; return 1
		fi
		sleep 0.01
	done
}

# wait_for DESCRIPTION TIMEOUT CMD...: poll CMD until it succeeds
wait_for() {
	local what=$1 timeout=$2 deadline; shift 2
	deadline=$(( $(date +%s) + timeout ))
	until "$@" >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then fail "$what (timeout ${timeout}s)"; return 1; fi
		sleep 0.05
	done
	ok "$what"
}
rows_eq() { [ "$(q "$1" app "$APP_PASSWORD" "SELECT COUNT(*) FROM app.$2")" = "$3" ]; }

echo "== selftest of docker/mysql/entrypoint.sh with $MANIFEST (MariaDB $(mariadbd --version | awk '{print $3}'))"
echo "   temp dir $T"

new_pod mysql-0 23306
new_pod mysql-1 23307
new_pod mysql-2 23308

echo "== mysql-0 (primary): first boot"
t0=$(now); start_pod mysql-0 sidecar; wait_ready mysql-0; t1=$(now)
echo "   first boot to first query: $(ms "$t0" "$t1") (pod start), $(ms "$(ep_start mysql-0)" "$t1") (entrypoint start)"
grep -q 'MariaDB init process done' "$T/pods/mysql-0/log.mysql" && ok "entrypoint initialized the datadir" || fail "init message missing"
check_eq "server-id 100 from init-mysql" "$(qroot mysql-0 'SELECT @@server_id')" 100
check_eq "log-bin on, read_only off (primary.cnf)" "$(qroot mysql-0 'SELECT CONCAT(@@log_bin, @@read_only)')" ONOFF
check_eq "listens on TCP 127.0.0.1 (conf.d beats image defaults)" "$(qroot mysql-0 'SELECT @@port')" 23306
users=$(qroot mysql-0 "SELECT GROUP_CONCAT(CONCAT(user,'@',host) ORDER BY user, host) FROM mysql.user")
check "accounts: $users" [ "$users" = "app@%,mariadb.sys@localhost,repl@%,root@%,root@localhost" ]
check_eq "database app exists, no test db" "$(qroot mysql-0 "SELECT GROUP_CONCAT(schema_name ORDER BY 1) FROM information_schema.schemata WHERE schema_name IN ('app','test')")" app
check_eq "app user: ALL on app.* only, no SUPER" "$(q mysql-0 app "$APP_PASSWORD" 'SHOW GRANTS' | grep -c -E 'SUPER|ALL PRIVILEGES ON \*\.\*')" 0
check_eq "initdb .sql, .sql.gz, .sh ran in order" "$(q mysql-0 app "$APP_PASSWORD" "SELECT GROUP_CONCAT(src ORDER BY id) FROM app.seeded")" "sql,sql.gz,sh:mysql-0"
check "nothing of the init is in the binlog (gtid_binlog_pos empty)" [ -z "$(qroot mysql-0 'SELECT @@gtid_binlog_pos')" ]
check_eq "'mysql -e' as root inside the container (socket, no password)" "$(exec_in mysql-0 mysql -N -e 'SELECT CURRENT_USER()')" root@localhost
mapfile -d '' probe < "$X/readiness.mysql"
check "manifest readinessProbe passes: ${probe[*]}" exec_in mysql-0 "${probe[@]}"
mapfile -d '' probe < "$X/liveness.mysql"
check "manifest livenessProbe passes: ${probe[*]}" exec_in mysql-0 "${probe[@]}"
check "mariadbd runs as PID 1 of the pod's main container, user root" \
	[ "$(ps -o user=,comm= -p "$(main_pid mysql-0)" | tr -s ' ')" = "root mariadbd" ]

echo "== mysql-0: restart on the existing datadir"
t0=$(now); stop_pod mysql-0; t1=$(now)
echo "   SIGTERM to pod exit: $(ms "$t0" "$t1")"
t0=$(now); start_pod mysql-0 sidecar; wait_ready mysql-0; t1=$(now)
echo "   restart to first query: $(ms "$t0" "$t1") (pod start), $(ms "$(ep_start mysql-0)" "$t1") (entrypoint start)"
check_eq "no re-initialization on restart" "$(grep -c 'Initializing database files' "$T/pods/mysql-0/log.mysql")" 1

echo "== data written on the primary before any replica exists"
q mysql-0 app "$APP_PASSWORD" "CREATE TABLE app.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40)); INSERT INTO app.t (v) VALUES ('before-replicas-1'), ('before-replicas-2');"
check "binlog has the app's writes: $(qroot mysql-0 'SELECT @@gtid_binlog_pos')" [ -n "$(qroot mysql-0 'SELECT @@gtid_binlog_pos')" ]

echo "== mysql-1 (replica): first boot + replication sidecar"
t0=$(now); start_pod mysql-1 sidecar; wait_ready mysql-1; t1=$(now)
echo "   first boot to first query: $(ms "$t0" "$t1") (pod start), $(ms "$(ep_start mysql-1)" "$t1") (entrypoint start)"
check_eq "server-id 101, read_only=1, no log-bin (replica.cnf)" "$(qroot mysql-1 'SELECT CONCAT(@@server_id, @@read_only, @@log_bin)')" 101ONOFF
t0=$(now)
wait_for "replica caught up with pre-existing data (from GTID '')" 20 rows_eq mysql-1 t 2
t1=$(now); echo "   ready -> caught up: $(ms "$t0" "$t1")"
sst=$(qvert mysql-1 'SHOW SLAVE STATUS')
check "Master_Host is the DNS name mysql-0.mysql" grep -q 'Master_Host: mysql-0.mysql' <<<"$sst"
check "Using_Gtid: Slave_Pos, Connect_Retry: 1" bash -c "grep -q 'Using_Gtid: Slave_Pos' <<<\"\$1\" && grep -q 'Connect_Retry: 1\$' <<<\"\$1\"" _ "$sst"
check_eq "initdb seed exists locally on the replica (not replicated twice)" "$(q mysql-1 app "$APP_PASSWORD" "SELECT GROUP_CONCAT(src ORDER BY id) FROM app.seeded")" "sql,sql.gz,sh:mysql-1"
q mysql-0 app "$APP_PASSWORD" "INSERT INTO app.t (v) VALUES ('live')"
t0=$(now)
wait_for "live write on primary visible on replica" 10 rows_eq mysql-1 t 3
t1=$(now); echo "   replication delay: $(ms "$t0" "$t1")"
out=$(q mysql-1 app "$APP_PASSWORD" "INSERT INTO app.t (v) VALUES ('on-replica')" 2>&1 || true)
check "app write on the replica refused: $out" grep -q 'ERROR 1290' <<<"$out"
check "replication still healthy" bash -c "grep -q 'Slave_SQL_Running: Yes' <<<\"\$1\"" _ "$(qvert mysql-1 'SHOW SLAVE STATUS')"

echo "== primary restart: replica reconnects by itself"
t0=$(now); stop_pod mysql-0; start_pod mysql-0 sidecar; wait_ready mysql-0; t1=$(now)
echo "   primary stop+start to first query: $(ms "$t0" "$t1")"
q mysql-0 app "$APP_PASSWORD" "INSERT INTO app.t (v) VALUES ('after-primary-restart')"
t0=$(now)
wait_for "write after primary restart reaches the replica" 15 rows_eq mysql-1 t 4
t1=$(now); echo "   primary ready -> replica has the write: $(ms "$t0" "$t1")"

echo "== replica restart resumes replication (no sidecar action needed)"
stop_pod mysql-1; start_pod mysql-1 sidecar; wait_ready mysql-1
q mysql-0 app "$APP_PASSWORD" "INSERT INTO app.t (v) VALUES ('after-replica-restart')"
wait_for "write after replica restart reaches the replica" 10 rows_eq mysql-1 t 5
check_eq "sidecar configured replication exactly once" "$(grep -c 'configuring replication' "$T/pods/mysql-1/log.replication")" 1

echo "== scale-up: mysql-2 added later"
start_pod mysql-2 sidecar; wait_ready mysql-2
wait_for "mysql-2 caught up with all 5 rows" 20 rows_eq mysql-2 t 5
check "gtid positions equal on all pods" [ "$(qroot mysql-0 'SELECT @@gtid_binlog_pos')" = "$(qroot mysql-2 'SELECT @@gtid_slave_pos')" ]

echo "== env handling (pod mysql-9, no sidecar, plain env)"
new_pod mysql-9 23309
rm -f "$T/pods/mysql-9/vol/initdb/"*   # the seeds expect database app
env9=( MYSQL_RANDOM_ROOT_PASSWORD=yes MYSQL_DATABASE=mydb MARIADB_DATABASE=mariadb_db MYSQL_USER=u MYSQL_PASSWORD="it's \"q\"" )
printf '%s\0' "${env9[@]}" > "$X/env.mysql.9"
cp "$X/env.mysql" "$X/env.mysql.orig"; cp "$X/env.mysql.9" "$X/env.mysql"
start_pod mysql-9
wait_for "mysql-9 initialized" 30 grep -q 'MariaDB init process done' "$T/pods/mysql-9/log.mysql"
cp "$X/env.mysql.orig" "$X/env.mysql"
gen=$(sed -n 's/.*GENERATED ROOT PASSWORD: //p' "$T/pods/mysql-9/log.mysql")
wait_for "mysql-9 accepts the generated root password" 10 q mysql-9 root "$gen" 'SELECT 1'
check_eq "GENERATED ROOT PASSWORD printed and works" "$(q mysql-9 root "$gen" 'SELECT 1' 2>/dev/null)" 1
check_eq "MARIADB_DATABASE wins over MYSQL_DATABASE" "$(q mysql-9 root "$gen" "SELECT GROUP_CONCAT(schema_name) FROM information_schema.schemata WHERE schema_name IN ('mydb','mariadb_db')")" mariadb_db
check_eq "MYSQL_USER with a password containing quotes" "$(q mysql-9 u "it's \"q\"" 'SELECT DATABASE() IS NULL' 2>/dev/null)" 1
stop_pod mysql-9
rm -rf "$T/pods/mysql-9/vol/data"; mkdir -p "$T/pods/mysql-9/vol/data"
: > "$X/env.mysql.9"; cp "$X/env.mysql.9" "$X/env.mysql"
start_pod mysql-9; wait "${UPID[mysql-9]}" || true; unset "UPID[mysql-9]"
cp "$X/env.mysql.orig" "$X/env.mysql"
check "missing password: official error message" grep -q 'Database is uninitialized and password option is not specified' "$T/pods/mysql-9/log.mysql"

echo "== memory"
for pod in mysql-0 mysql-1 mysql-2; do
	echo "   $pod mariadbd RSS: $(( $(awk '/^VmRSS:/ { print $2 }' "/proc/$(main_pid "$pod")/status") / 1024 )) MB"
done

echo "== shutdown"
t0=$(now); stop_pod mysql-2; t1=$(now); echo "   replica SIGTERM -> exit: $(ms "$t0" "$t1")"
stop_pod mysql-1; stop_pod mysql-0
check "mariadbd logged a clean shutdown" grep -q 'Shutdown complete' "$T/pods/mysql-0/log.mysql"

if [ "$FAILS" -gt 0 ]; then echo "== $FAILS check(s) FAILED (KEEP=1 to keep $T)"; exit 1; fi
echo "== all checks passed"
