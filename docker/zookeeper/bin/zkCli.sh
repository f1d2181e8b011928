#!/usr/bin/env bash
# zkCli.sh [-server HOST:PORT] [COMMAND ARGS...]: ZooKeeper's command-line client
# (org.apache.zookeeper.ZooKeeperMain). With a command it runs it and exits; the
# result goes to stdout, client logging (warnings and worse) to stderr.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/zkEnv.sh"
exec "$JAVA" -XX:-UsePerfData -XX:TieredStopAtLevel=1 "-Dlog4j.configuration=file:$here/../cli-log4j.properties" \
	-cp "$ZK_LIB/*" org.apache.zookeeper.ZooKeeperMain "$@"
