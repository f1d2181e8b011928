#!/usr/bin/env bash
# zkServer.sh {start-foreground|status} [CONFIG]: ZooKeeper's server script, reduced
# to what a container needs: run the server in the foreground (exec, so it receives
# the container's signals), or report its mode through the `srvr` command.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/zkEnv.sh"
config=${2:-$ZOOCFGDIR/zoo.cfg}

case "${1:-}" in
	start-foreground)
		read -r -a jvmflags <<< "$JVMFLAGS"
		exec "$JAVA" -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData \
			"-Dzookeeper.log.dir=$ZOO_LOG_DIR" "-Dzookeeper.root.logger=${ZOO_LOG4J_PROP:-INFO,CONSOLE}" \
			"-Dlog4j.configuration=file:$ZOOCFGDIR/log4j.properties" \
			"${jvmflags[@]}" -cp "$ZK_LIB/*" org.apache.zookeeper.server.quorum.QuorumPeerMain "$config" ;;
	status)
		port=$(sed -n 's/^clientPort=//p' "$config")
		{ exec 3<>"/dev/tcp/127.0.0.1/${port:-2181}"; } 2>/dev/null || { echo "Error contacting service. It is probably not running." >&2; exit 1; }
		printf srvr >&3
		mode=$(sed -n 's/^Mode: //p' <&3)
		[ -n "$mode" ] || { echo "Error contacting service. It is probably not running." >&2; exit 1; }
		echo "Mode: $mode" ;;
	*)
		echo "Usage: zkServer.sh {start-foreground|status} [CONFIG]" >&2
		exit 1 ;;
esac
