# Sourced by zkServer.sh and zkCli.sh (as ZooKeeper's own zkEnv.sh is): which
# java, where the jars are, where the configuration is.
#   EMU_ZK_HOME  the jar cache made by docker/zookeeper/pull.sh (set by emu's catalog)
#   ZOOCFGDIR    the conf dir (zoo.cfg, log4j.properties, java.env); start-zookeeper sets it
#   JAVA_HOME    java = $JAVA_HOME/bin/java, else `java` on PATH (Java 11+)
ZOOCFGDIR=${ZOOCFGDIR:-/opt/zookeeper/conf}
ZK_LIB=${EMU_ZK_HOME:-}/lib
if [ -z "${EMU_ZK_HOME:-}" ] || [ ! -f "$ZK_LIB/.complete" ]; then
	echo "zookeeper: jar cache missing at ${EMU_ZK_HOME:-(EMU_ZK_HOME unset)}; run: emu pull registry.k8s.io/kubernetes-zookeeper" >&2
	exit 78
fi
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA=$JAVA_HOME/bin/java; else JAVA=$(command -v java || true); fi
if [ -z "$JAVA" ]; then
	echo "zookeeper: no java (install openjdk-17-jre-headless or set JAVA_HOME)" >&2
	exit 78
fi
ZOO_LOG_DIR=/var/log/zookeeper
JVMFLAGS=
# shellcheck disable=SC1091
if [ -f "$ZOOCFGDIR/java.env" ]; then . "$ZOOCFGDIR/java.env"; fi
