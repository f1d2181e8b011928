#!/usr/bin/env bash
# emu "elasticsearch image" entrypoint: runs ONE Elasticsearch 8.x node (one JVM) in the foreground,
# configured the way the official docker image is configured.
#
# Needs the jar cache built by:  mvn -q -f docker/elasticsearch/pom.xml package
# (DIR/lib/*.jar; DIR = $EMU_ES_HOME, default ~/.cache/emu/elasticsearch-8.14.3).
#
# Environment contract (same as the official image where one exists):
#   <setting.with.dots>=VALUE   any env var whose name looks like a setting (^[a-z0-9_]+\.[a-z0-9_]+),
#                               e.g. node.name, cluster.name, discovery.seed_hosts, discovery.type,
#                               cluster.initial_master_nodes, network.host -> passed as -E<name>=<value>
#                               (comma-separated lists work: discovery.seed_hosts=es-0.es,es-1.es).
#                               Empty values are ignored. xpack.* settings are dropped with a notice:
#                               this build has no x-pack, so security is always off (plain HTTP).
#   ES_SETTING_FOO_BAR=VALUE    -> -Efoo.bar=VALUE ('_' -> '.', '__' -> '_', lower-cased)
#   ES_JAVA_OPTS                extra JVM options, appended last (e.g. "-Xms512m -Xmx512m").
#                               Heap defaults to -Xms512m -Xmx512m when ES_JAVA_OPTS sets none.
#                               -Des.enforce.bootstrap.checks=true turns Elasticsearch's bootstrap checks on.
#   POD_IP                      if set: network.publish_host default (see "network" below)
#   HOSTNAME                    node.name default (the pod name), as in the real distribution
#   ES_PATH_CONF                a config dir to start from (default /usr/share/elasticsearch/config); used
#                               only if it holds an elasticsearch.yml. It is copied, never written.
#   emu-specific:
#   EMU_ES_HOME                 jar cache dir (has lib/)
#   EMU_ES_RUN_DIR              private scratch dir for generated config/tmp (default $TMPDIR or /tmp, + /elasticsearch)
#   ES_DATA_DIR                 path.data (default /usr/share/elasticsearch/data; created if missing)
#   EMU_ES_USER                 if set (e.g. "nobody"), drop root to that user with setpriv; data and run dirs
#                               are chowned to it (the jar cache must be readable by it). Default: stay root,
#                               which is fine because emu's launcher has no root refusal (see below).
#   JAVA_HOME                   java = $JAVA_HOME/bin/java, else `java` on PATH (Java 17+)
#
# Defaults written to the generated elasticsearch.yml (lowest precedence; -E from env wins):
#   cluster.name: docker-cluster, http.port: 9200, transport.port: 9300, path.data, path.logs,
#   network.host: 0.0.0.0 (binds lo + the pod's eth0, so localhost probes work) and, if POD_IP is set,
#   network.publish_host: $POD_IP. Without POD_IP ES publishes its best non-loopback IPv4 address, which in a
#   network namespace with only lo + eth0 is the pod IP.
#
# Differences from bin/elasticsearch (documented in docker/elasticsearch/launcher): no CLI parent process,
# no keystore, no security manager, no "can not run elasticsearch as root" refusal (that check lives in
# org.elasticsearch.bootstrap.Elasticsearch, which is not used), and the bootstrap checks (vm.max_map_count,
# file descriptors, ...) are skipped unless asked for. Logs go to stdout. SIGTERM stops the node cleanly.
set -euo pipefail

ES_VERSION=8.14.3
EMU_ES_HOME="${EMU_ES_HOME:-${HOME:-/root}/.cache/emu/elasticsearch-${ES_VERSION}}"
LIB="$EMU_ES_HOME/lib"
if [[ ! -f "$LIB/emu-es-launcher.jar" || ! -f "$LIB/elasticsearch-${ES_VERSION}.jar" ]]; then
  echo "elasticsearch entrypoint: jar cache missing at $LIB (build it: mvn -q -f docker/elasticsearch/pom.xml -Demu.cache=$EMU_ES_HOME package)" >&2
  exit 78
fi

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="$(command -v java || true)"; fi
if [[ -z "$JAVA" ]]; then echo "elasticsearch entrypoint: no java (set JAVA_HOME)" >&2; exit 78; fi

RUN_DIR="${EMU_ES_RUN_DIR:-${TMPDIR:-/tmp}/elasticsearch}"
DATA_DIR="${ES_DATA_DIR:-/usr/share/elasticsearch/data}"
SRC_CONF="${ES_PATH_CONF:-/usr/share/elasticsearch/config}"
CONF="$RUN_DIR/config"
mkdir -p "$RUN_DIR/home" "$RUN_DIR/tmp" "$RUN_DIR/logs" "$DATA_DIR"
rm -rf "$CONF"
mkdir -p "$CONF"

# ---- settings from the environment (official image rules) -------------------------------------
es_opts=()
while IFS= read -r -d '' kv; do
  key="${kv%%=*}"
  val="${kv#*=}"
  if [[ "$key" =~ ^[a-z0-9_]+\.[a-z0-9_]+ ]]; then
    name="$key"
  elif [[ "$key" =~ ^ES_SETTING_ ]]; then
    name="$(printf '%s' "${key#ES_SETTING_}" | sed -e 's/_/./g' -e 's/\.\./_/g' | tr '[:upper:]' '[:lower:]')"
  else
    continue
  fi
  [[ -z "$val" ]] && continue
  if [[ "$name" == xpack.* ]]; then
    echo "elasticsearch entrypoint: ignoring $name=$val (no x-pack in this build; security is off)" >&2
    continue
  fi
  es_opts+=("-E${name}=${val}")
done < <(env -0)

# ---- config dir -----------------------------------------------------------------------------------
if [[ -f "$SRC_CONF/elasticsearch.yml" ]]; then
  cp -a "$SRC_CONF/." "$CONF/"
  if [[ ! -f "$CONF/log4j2.properties" ]] || grep -q 'RollingFile' "$CONF/log4j2.properties"; then
    rm -f "$CONF/log4j2.properties"
  fi
else
  {
    echo "cluster.name: docker-cluster"
    echo "network.host: 0.0.0.0"
    [[ -n "${POD_IP:-}" ]] && echo "network.publish_host: ${POD_IP}"
    echo "http.port: 9200"
    echo "transport.port: 9300"
  } > "$CONF/elasticsearch.yml"
fi
grep -q '^path\.data' "$CONF/elasticsearch.yml" || echo "path.data: ${DATA_DIR}" >> "$CONF/elasticsearch.yml"
grep -q '^path\.logs' "$CONF/elasticsearch.yml" || echo "path.logs: ${RUN_DIR}/logs" >> "$CONF/elasticsearch.yml"

if [[ ! -f "$CONF/log4j2.properties" ]]; then
  cat > "$CONF/log4j2.properties" <<'EOF'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_OUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console

appender.header_warning.type = HeaderWarningAppender
appender.header_warning.name = header_warning
logger.deprecation.name = org.elasticsearch.deprecation
logger.deprecation.level = WARN
logger.deprecation.appenderRef.console.ref = console
logger.deprecation.appenderRef.header_warning.ref = header_warning
logger.deprecation.additivity = false
EOF
fi

# ---- JVM options ----------------------------------------------------------------------------------
cat > "$CONF/jvm.options" <<EOF
-XX:+UseG1GC
-Xss1m
-XX:-UsePerfData
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-Xlog:disable
-Xlog:all=warning:stderr:utctime,level,tags
-Djava.io.tmpdir=${RUN_DIR}/tmp
-Djna.nosys=true
-Djna.tmpdir=${RUN_DIR}/tmp
-Dfile.encoding=UTF-8
-Djava.locale.providers=SPI,COMPAT
-Dio.netty.noUnsafe=true
-Dio.netty.noKeySetOptimization=true
-Dio.netty.recycler.maxCapacityPerThread=0
-Dlog4j.shutdownHookEnabled=false
-Dlog4j2.disable.jmx=true
-Dlog4j2.formatMsgNoLookups=true
-Dsun.net.inetaddr.ttl=10
-Dsun.net.inetaddr.negative.ttl=1
-Des.distribution.type=docker
EOF
jvm_opts=()
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  jvm_opts+=("$line")
done < <(cat "$CONF/jvm.options" "$CONF"/jvm.options.d/*.options 2>/dev/null || true)

read -r -a user_java_opts <<< "${ES_JAVA_OPTS:-}"
if [[ " ${ES_JAVA_OPTS:-} " != *" -Xmx"* && " ${ES_JAVA_OPTS:-} " != *" -Xms"* ]]; then
  jvm_opts+=(-Xms512m -Xmx512m)
fi
if [[ " ${ES_JAVA_OPTS:-} " == *" -Des.enforce.bootstrap.checks=true "* ]]; then
  jvm_opts+=(-Demu.es.bootstrap.checks=true)
fi

# class-data-sharing archive of the ES classes, made at cache build time (see pom.xml: emu-cds-train)
JSA="$EMU_ES_HOME/es-cds.jsa"
if [[ "${EMU_ES_CDS_TRAIN:-0}" == 1 ]]; then
  rm -f "$JSA"
  jvm_opts+=("-XX:ArchiveClassesAtExit=$JSA" -Demu.es.train=true)
  es_opts=(-Ecluster.name=emu-cds-train -Enode.name=cds-train -Ediscovery.type=single-node
           -Enetwork.host=127.0.0.1 -Ehttp.port=19200-19299 -Etransport.port=19300-19399 -Elogger.level=WARN)
elif [[ "${EMU_ES_CDS:-1}" != 0 && -r "$JSA" ]]; then
  jvm_opts+=("-XX:SharedArchiveFile=$JSA")
fi

cmd=("$JAVA" "${jvm_opts[@]}" "${user_java_opts[@]}"
     "-Des.path.home=$RUN_DIR/home" "-Des.path.conf=$CONF"
     -cp "$LIB/*" dev.emu.elasticsearch.Launcher "${es_opts[@]}")

cd "$RUN_DIR/home"

# ---- user -----------------------------------------------------------------------------------------
if [[ -n "${EMU_ES_USER:-}" && "$(id -u)" == 0 ]]; then
  chown -R "$EMU_ES_USER:" "$DATA_DIR" "$RUN_DIR"
  grp="$(id -gn "$EMU_ES_USER")"
  exec setpriv --reuid="$EMU_ES_USER" --regid="$grp" --clear-groups --inh-caps=-all -- "${cmd[@]}"
fi
exec "${cmd[@]}"
