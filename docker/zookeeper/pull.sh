#!/bin/sh
# emu's pull step for the kubernetes-zookeeper image: resolve ZooKeeper's jars from
# Maven Central into $EMU_ZK_HOME/lib (once), with Maven's progress lines on stdout.
# EMU_ZK_HOME and EMU_ZK_VERSION come from the image's catalog entry.
set -e
dir=$(dirname "$(readlink -f "$0")")
: "${EMU_ZK_HOME:?set by emu (src/images/catalog.ts)}" "${EMU_ZK_VERSION:?set by emu (src/images/catalog.ts)}"
if [ -f "$EMU_ZK_HOME/lib/.complete" ]; then exit 0; fi
mvn -B -ntp -f "$dir/pom.xml" -Dzookeeper.version="$EMU_ZK_VERSION" -Demu.cache="$EMU_ZK_HOME" package
chmod -R a+rX "$EMU_ZK_HOME/lib"
touch "$EMU_ZK_HOME/lib/.complete"
