#!/bin/bash
# emu entrypoint for images `mysql:*` and `mariadb:*`.
#
# Behaves like the official images' docker-entrypoint.sh, but runs the host's
# MariaDB (Debian 12: mariadb-server-core / mariadb-client-core, 10.11):
#
#   entrypoint.sh mysqld|mariadbd [server options...]
#   entrypoint.sh --some-option ...        (mysqld is prepended)
#   entrypoint.sh anything-else ...        (exec'd as is)
#
# On an empty datadir (no mysql/ system database) it initializes the database
# (mariadb-install-db), starts a temporary server with --skip-networking on the
# socket, creates root@localhost / root@'%', MYSQL_DATABASE, MYSQL_USER, runs
# /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz in sorted order, stops the
# temporary server and finally execs mariadbd.
#
# Environment (every MYSQL_x is also accepted as MARIADB_x; MARIADB_x wins;
# MYSQL_x_FILE / MARIADB_x_FILE read the value from a file):
#   MYSQL_ROOT_PASSWORD | MYSQL_ALLOW_EMPTY_PASSWORD (MARIADB_ALLOW_EMPTY_ROOT_PASSWORD)
#     | MYSQL_RANDOM_ROOT_PASSWORD          one of them is required on first boot
#   MYSQL_ROOT_HOST (default '%')           host part of the second root account
#   MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD
#
# Differences from the official images (deliberate; the replication design
# that relies on them is explained at the top of scenarios/manifests/mysql.yaml):
#  * Nothing done during initialization is written to the binary log: the
#    temporary server runs with --skip-log-bin (the official MariaDB image only
#    hides the root-account statements with SQL_LOG_BIN=0). Every pod of a
#    replicated StatefulSet initializes itself identically, so replaying the
#    primary's binlog from GTID position '' on a replica never repeats the
#    CREATE DATABASE/USER statements of the primary's own initialization.
#  * mariadbd runs as root (--user=root): emu runs pods as real root without a
#    `mysql` account, and volumes are root-owned host directories.
#  * root@localhost authenticates via unix_socket OR password, so `mysql -e ...`
#    works for root inside the container without a password (over the socket
#    /run/mysqld/mysqld.sock of the *same* container; sidecars use -h 127.0.0.1
#    with the password). root@'%' needs the password.
#  * No timezone tables are loaded (fast init); MARIADB_INITDB_TZINFO=1 loads
#    them if mariadb-tzinfo-to-sql is installed (package mariadb-server).
#  * The new database is built (install-db, temporary server, initdb scripts)
#    on the container's private /tmp tmpfs and then copied into the datadir:
#    ~1 s instead of several seconds of fsyncs on a disk. See init_stage_dir.
#  * A datadir whose initialization was interrupted (marker file
#    .emu-init-incomplete) is wiped and initialized again on the next start.
#  * Not implemented: *_PASSWORD_HASH, MARIADB_REPLICATION_*/MARIADB_MASTER_*,
#    MARIADB_AUTO_UPGRADE, restoring from backup tarballs, healthcheck.sh.
#
# Server configuration: mariadbd is started with
#   --defaults-file=<dir of this script>/my.cnf
# (image defaults, then `!includedir /etc/mysql/conf.d/`), so files in
# /etc/mysql/conf.d override the image defaults and the host's
# /etc/mysql/mariadb.conf.d is never read. EMU_MYSQL_DEFAULTS_FILE overrides
# the path. A first argument --defaults-file=... / --no-defaults from the
# container's args replaces ours.
#
# MySQL-only options in /etc/mysql/conf.d (manifests written for `mysql:5.7`,
# like the Kubernetes tutorial's ConfigMap) are translated, never edited in
# place: the server reads a translated copy in /run/mysqld/emu-conf.d.
#  * super-read-only / super_read_only [= ON|1]: MariaDB has no such variable.
#    MySQL's meaning -- nobody writes, not even root or SUPER, while the
#    replication threads still apply -- is built from MariaDB's read_only,
#    which stops every account without the READ_ONLY ADMIN privilege: the
#    server runs with read-only and an --init-file that revokes READ_ONLY
#    ADMIN from every account before the first client connects (not binlogged).
#    So `INSERT` as root fails with ERROR 1290, as on MySQL. The revocation is
#    stored in the grant tables, so it outlives the option: a server promoted
#    to primary later needs `GRANT READ_ONLY ADMIN ON *.* TO ...` for accounts
#    that should write while read_only is on (with read_only off, nobody needs it).
#    `= OFF|0` drops the line.
#  * `log-bin` without a name needs nothing: MariaDB names the binary logs
#    after the pid file (mysqld-bin.000001; relay logs mysqld-relay-bin.*), so
#    the names never depend on the pod's hostname.
set -eo pipefail
shopt -s nullglob

IMAGE_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
INITDB_DIR=/docker-entrypoint-initdb.d
INIT_MARKER=.emu-init-incomplete

mysql_log() {
	local type=$1; shift
	printf '%s [%s] [Entrypoint]: %s\n' "$(date '+%F %T.%3N%:z')" "$type" "$*"
}
mysql_note() { mysql_log Note "$@"; }
mysql_warn() { mysql_log Warn "$@" >&2; }
mysql_error() { mysql_log ERROR "$@" >&2; exit 1; }

# file_env VAR [DEFAULT]: VAR from $VAR or from the file named by $VAR_FILE.
file_env() {
	local var=$1 fileVar="${1}_FILE" def=${2:-}
	if [ -n "${!var:-}" ] && [ -n "${!fileVar:-}" ]; then
		mysql_error "Both $var and $fileVar are set (but are exclusive)"
	fi
	local val=$def
	if [ -n "${!var:-}" ]; then
		val=${!var}
	elif [ -n "${!fileVar:-}" ]; then
		val=$(< "${!fileVar}")
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# both_env SUFFIX [MARIADB_SUFFIX]: MYSQL_<SUFFIX> and MARIADB_<MARIADB_SUFFIX>
# get the same value; the MARIADB_ spelling wins when both are set.
both_env() {
	local my="MYSQL_$1" maria="MARIADB_${2:-$1}"
	file_env "$my"
	file_env "$maria"
	if [ -n "${!maria}" ]; then
		export "$my"="${!maria}"
	else
		export "$maria"="${!my}"
	fi
}

# SQL-escape $1 for use inside a '...' string literal.
sql_escape() {
	local s=${1//\\/\\\\}
	s=${s//$'\n'/\\n}
	printf '%s' "${s//\'/\\\'}"
}

_want_help() {
	local arg
	for arg; do
		case "$arg" in
			-'?'|--help|--print-defaults|-V|--version) return 0 ;;
		esac
	done
	return 1
}

# Resolve datadir and socket as the server will see them: option files of the
# server (my_print_defaults, fast) then the command line; the last one wins.
setup_env() {
	local defaultsArgs=() opt
	case "${SERVER[1]}" in
		--no-defaults) defaultsArgs=( --no-defaults ) ;;
		--defaults-file=*) defaultsArgs=( "${SERVER[1]}" ) ;;
	esac
	DATADIR=/var/lib/mysql
	SOCKET=/run/mysqld/mysqld.sock
	PIDFILE=
	while IFS= read -r opt; do
		case "$opt" in
			--datadir=*) DATADIR=${opt#*=} ;;
			--socket=*) SOCKET=${opt#*=} ;;
			--pid-file=*|--pid_file=*) PIDFILE=${opt#*=} ;;
		esac
	done < <(my_print_defaults "${defaultsArgs[@]}" --mysqld; printf '%s\n' "${SERVER[@]:1}")
	DATADIR=${DATADIR%/}

	both_env ROOT_PASSWORD
	both_env ROOT_HOST
	: "${MARIADB_ROOT_HOST:=%}" "${MYSQL_ROOT_HOST:=%}"
	both_env ALLOW_EMPTY_PASSWORD ALLOW_EMPTY_ROOT_PASSWORD
	both_env RANDOM_ROOT_PASSWORD
	both_env DATABASE
	both_env USER
	both_env PASSWORD
	both_env INITDB_TZINFO
}

# Client connected to the local server over its socket as root (unix_socket or
# empty password before the root password is set).
docker_exec_client() {
	if [ -n "$MARIADB_DATABASE" ]; then
		set -- --database="$MARIADB_DATABASE" "$@"
	fi
	MYSQL_PWD='' mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot "$@"
}
# Run SQL from stdin (as the official image's helper of the same name).
docker_process_sql() {
	if [ "$1" = --dont-use-mysql-root-password ]; then shift; fi
	docker_exec_client "$@"
}

temp_server_start() {
	"${SERVER[@]}" "$@" --skip-networking --socket="$SOCKET" --skip-log-bin \
		--skip-slave-start --default-time-zone=SYSTEM --loose-wsrep-on=OFF \
		--expire-logs-days=0 &
	TEMP_PID=$!
	mysql_note "Waiting for server startup"
	local i
	for (( i = 0; i < 600; i++ )); do
		if MYSQL_PWD='' mariadb --no-defaults --protocol=socket --socket="$SOCKET" \
			-uroot --database=mysql -e 'SELECT 1' &>/dev/null; then
			return 0
		fi
		kill -0 "$TEMP_PID" 2>/dev/null || break
		sleep 0.05
	done
	mysql_error "Unable to start server."
}

temp_server_stop() {
	kill "$TEMP_PID"
	wait "$TEMP_PID" || true
	TEMP_PID=
}

verify_minimum_env() {
	if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		mysql_error $'Database is uninitialized and password option is not specified\n\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD\n\t(or MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD and MYSQL_RANDOM_ROOT_PASSWORD)'
	fi
}

process_init_files() {
	# kept for scripts written for the official image, which use "${mysql[@]}"
	# shellcheck disable=SC2034
	mysql=( docker_process_sql )
	local f
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					mysql_note "$0: running $f"
					"$f"
				else
					mysql_note "$0: sourcing $f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql)    mysql_note "$0: running $f"; docker_process_sql < "$f" ;;
			*.sql.gz) mysql_note "$0: running $f"; gunzip -c "$f" | docker_process_sql ;;
			*.sql.xz) mysql_note "$0: running $f"; xzcat "$f" | docker_process_sql ;;
			*.sql.zst) mysql_note "$0: running $f"; zstd -dc "$f" | docker_process_sql ;;
			*)        mysql_warn "$0: ignoring $f" ;;
		esac
	done
}

setup_db() {
	if [ -n "$MARIADB_INITDB_TZINFO" ] && ! command -v mariadb-tzinfo-to-sql >/dev/null; then
		mysql_warn "MARIADB_INITDB_TZINFO set but mariadb-tzinfo-to-sql is not installed; skipping"
	elif [ -n "$MARIADB_INITDB_TZINFO" ]; then
		mysql_note "Loading time zone tables"
		mariadb-tzinfo-to-sql --skip-write-binlog /usr/share/zoneinfo \
			| MARIADB_DATABASE='' docker_process_sql --database=mysql
	fi
	if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		MARIADB_ROOT_PASSWORD=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
		export MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD=$MARIADB_ROOT_PASSWORD
		mysql_note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
	fi
	local rootPw; rootPw=$(sql_escape "$MARIADB_ROOT_PASSWORD")

	local rootCreate=
	if [ -n "$MARIADB_ROOT_HOST" ] && [ "$MARIADB_ROOT_HOST" != localhost ]; then
		local rootHost; rootHost=$(sql_escape "$MARIADB_ROOT_HOST")
		rootCreate="CREATE USER 'root'@'$rootHost' IDENTIFIED BY '$rootPw';
			GRANT ALL ON *.* TO 'root'@'$rootHost' WITH GRANT OPTION;
			GRANT PROXY ON ''@'%' TO 'root'@'$rootHost' WITH GRANT OPTION;"
	fi

	local createDatabase= createUser= userGrants=
	if [ -n "$MARIADB_DATABASE" ]; then
		mysql_note "Creating database ${MARIADB_DATABASE}"
		createDatabase="CREATE DATABASE IF NOT EXISTS \`${MARIADB_DATABASE//\`/\`\`}\`;"
	fi
	if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
		mysql_note "Creating user ${MARIADB_USER}"
		local user pw
		user=$(sql_escape "$MARIADB_USER"); pw=$(sql_escape "$MARIADB_PASSWORD")
		createUser="CREATE USER '$user'@'%' IDENTIFIED BY '$pw';"
		if [ -n "$MARIADB_DATABASE" ]; then
			mysql_note "Giving user ${MARIADB_USER} access to schema ${MARIADB_DATABASE}"
			local db=${MARIADB_DATABASE//\`/\`\`}
			userGrants="GRANT ALL ON \`${db//_/\\_}\`.* TO '$user'@'%';"
		fi
	elif [ -n "$MARIADB_USER" ] || [ -n "$MARIADB_PASSWORD" ]; then
		mysql_warn "MYSQL_USER and MYSQL_PASSWORD must both be set to create a user; ignoring"
	fi

	mysql_note "Securing system users (equivalent to running mysql_secure_installation)"
	MARIADB_DATABASE='' docker_process_sql --database=mysql --binary-mode <<-EOSQL
		-- nothing of the initialization goes to the binary log (the temporary
		-- server also runs with --skip-log-bin)
		SET @@SESSION.SQL_LOG_BIN=0;
		SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');
		DELETE FROM mysql.global_priv WHERE User='';
		DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
		EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\'', @@hostname, '\'');
		FLUSH PRIVILEGES;
		ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$rootPw');
		GRANT ALL ON *.* TO 'root'@'localhost' WITH GRANT OPTION;
		$rootCreate
		DROP DATABASE IF EXISTS test;
		$createDatabase
		$createUser
		$userGrants
	EOSQL
}

# Where to build the new database. Initialization issues ~1000 fsyncs (DDL
# recovery log, Aria), which take seconds on a disk; on a tmpfs it is ~1 s.
# So when /tmp is a tmpfs (emu gives every container a private one) and the
# datadir is not, the database is built and initialized in /tmp, with the
# temporary server running there, and then copied into the (still empty)
# datadir once that server has shut down cleanly. EMU_MYSQL_INIT_IN_PLACE=1
# disables this.
init_stage_dir() {
	if [ -z "${EMU_MYSQL_INIT_IN_PLACE:-}" ] \
		&& [ "$(stat -f -c %T /tmp 2>/dev/null)" = tmpfs ] \
		&& [ "$(stat -f -c %T "$DATADIR")" != tmpfs ]; then
		mktemp -d /tmp/mysql-init.XXXXXX
	else
		echo "$DATADIR"
	fi
}

init_database() {
	mysql_note "Initializing database files ($(mariadbd --version))"
	mkdir -p "$DATADIR"
	: > "$DATADIR/$INIT_MARKER"
	local stage; stage=$(init_stage_dir)
	# "${SERVER[1]}" is --defaults-file=... / --no-defaults (must come first);
	# the remaining server options are passed through to the bootstrap server,
	# before ours, so ours win (the database is built in $stage, unlogged).
	local out
	if ! out=$(mariadb-install-db "${SERVER[1]}" "${SERVER[@]:2}" --datadir="$stage" --rpm \
		--auth-root-authentication-method=normal --skip-test-db \
		--skip-log-bin --expire-logs-days=0 --default-time-zone=SYSTEM \
		--loose-innodb_buffer_pool_load_at_startup=0 \
		--loose-innodb_buffer_pool_dump_at_shutdown=0 2>&1); then
		printf '%s\n' "$out" >&2
		mysql_error "mariadb-install-db failed"
	fi
	mysql_note "Database files initialized"

	mysql_note "Starting temporary server"
	trap 'if [ -n "$TEMP_PID" ]; then kill "$TEMP_PID"; wait "$TEMP_PID"; fi; exit 143' TERM INT
	temp_server_start --datadir="$stage"
	mysql_note "Temporary server started."

	setup_db
	process_init_files "$INITDB_DIR"/*

	mysql_note "Stopping temporary server"
	temp_server_stop
	trap - TERM INT
	mysql_note "Temporary server stopped"
	if [ "$stage" != "$DATADIR" ]; then
		mysql_note "Moving the new database from $stage to $DATADIR"
		cp -a --sparse=always "$stage"/. "$DATADIR"/
		rm -rf "$stage"
	fi
	rm -f "$DATADIR/$INIT_MARKER"
	echo
	mysql_note "MariaDB init process done. Ready for start up."
	echo
}

CONF_D=/etc/mysql/conf.d
EMU_CONF_D=/run/mysqld/emu-conf.d

# The defaults file the server reads, into DEFAULTS: $1 as it is, unless
# conf.d is missing (an !includedir of a missing directory is fatal for the
# server) or holds MySQL-only options; then a copy in /run/mysqld that includes
# nothing, or the translated conf.d. Sets SUPER_READ_ONLY.
effective_defaults() {
	DEFAULTS=$1
	grep -q "^!includedir $CONF_D" "$DEFAULTS" || return 0
	mkdir -p /run/mysqld
	if [ ! -d "$CONF_D" ]; then
		grep -v "^!includedir $CONF_D" "$1" > /run/mysqld/emu-my.cnf
		DEFAULTS=/run/mysqld/emu-my.cnf
		return 0
	fi
	local mysqlOnly='^[[:space:]]*(loose[-_])?super[-_]read[-_]only[[:space:]]*(=|$)'
	local files=( "$CONF_D"/*.cnf ) f
	# (grep reads the files itself: `cat | grep -q` fails under pipefail when grep stops early)
	if [ ${#files[@]} -eq 0 ] || ! grep -Eqi "$mysqlOnly" "${files[@]}"; then return 0; fi
	rm -rf "$EMU_CONF_D"
	mkdir -p "$EMU_CONF_D"
	for f in "${files[@]}"; do
		translate_mysql_options < "$f" > "$EMU_CONF_D/$(basename "$f")"
	done
	sed "s|^!includedir $CONF_D/*\$|!includedir $EMU_CONF_D/|" "$1" > /run/mysqld/emu-my.cnf
	DEFAULTS=/run/mysqld/emu-my.cnf
}

# One option file on stdin, MariaDB's spelling of it on stdout (see the top of
# this file). Sets SUPER_READ_ONLY when the file turns super-read-only on.
translate_mysql_options() {
	local line key value
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^[[:space:]]*(loose[-_])?[sS][uU][pP][eE][rR][-_][rR][eE][aA][dD][-_][oO][nN][lL][yY][[:space:]]*(=[[:space:]]*([^[:space:]#]*))?[[:space:]]*$ ]]; then
			value=${BASH_REMATCH[3]:-ON}
			case "${value,,}" in
				0|off|false) printf '# %s (emu: super-read-only off)\n' "$line" ;;
				*) printf '# %s (emu: read-only, READ_ONLY ADMIN revoked at startup)\nread-only\n' "$line"; SUPER_READ_ONLY=1 ;;
			esac
		else
			printf '%s\n' "$line"
		fi
	done
}

# The --init-file that completes super-read-only: no account may bypass
# read_only. Runs before the server accepts connections; not binlogged.
super_read_only_sql() {
	local file=/run/mysqld/emu-super-read-only.sql
	cat > "$file" <<-'EOSQL'
		SET SESSION sql_log_bin = 0;
		BEGIN NOT ATOMIC FOR account IN (SELECT User, Host FROM mysql.global_priv WHERE User <> 'mariadb.sys') DO EXECUTE IMMEDIATE CONCAT('REVOKE READ_ONLY ADMIN ON *.* FROM ', QUOTE(account.User), '@', QUOTE(account.Host)); END FOR; END;
	EOSQL
	echo "$file"
}

_main() {
	if [ "${1:0:1}" = '-' ]; then
		set -- mysqld "$@"
	fi
	if [ "$1" != mysqld ] && [ "$1" != mariadbd ]; then
		exec "$@"
	fi
	shift

	# The server command line: mariadbd <defaults> [--user=root] args...
	SERVER=( mariadbd )
	SUPER_READ_ONLY=
	case "${1:-}" in
		--defaults-file=*|--no-defaults)
			SERVER+=( "$1" ); shift ;;
		*)
			effective_defaults "${EMU_MYSQL_DEFAULTS_FILE:-$IMAGE_DIR/my.cnf}"
			SERVER+=( --defaults-file="$DEFAULTS" ) ;;
	esac
	if [ "$(id -u)" = 0 ]; then
		SERVER+=( --user=root )
	fi
	SERVER+=( "$@" )

	if _want_help "$@"; then
		exec "${SERVER[@]}"
	fi

	mysql_note "Entrypoint script for MariaDB Server started."
	setup_env
	mkdir -p "$DATADIR" "$(dirname "$SOCKET")"
	if [ -n "$PIDFILE" ]; then mkdir -p "$(dirname "$PIDFILE")"; fi

	if [ -e "$DATADIR/$INIT_MARKER" ]; then
		mysql_warn "Previous initialization of $DATADIR did not complete; wiping it and starting over"
		find "$DATADIR" -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
	fi
	if [ ! -d "$DATADIR/mysql" ]; then
		verify_minimum_env
		init_database
	fi
	if [ -n "$SUPER_READ_ONLY" ]; then
		mysql_note "super-read-only: read-only, and READ_ONLY ADMIN revoked from every account at startup"
		SERVER+=( --init-file="$(super_read_only_sql)" )
	fi
	exec "${SERVER[@]}"
}

_main "$@"
