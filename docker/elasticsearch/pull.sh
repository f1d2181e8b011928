#!/bin/sh
# emu's pull step for the elasticsearch image: resolve the server jars from Maven
# Central into the local cache (once), with Maven's progress lines on stdout.
set -e
dir=$(dirname "$(readlink -f "$0")")
cache="${EMU_ES_HOME:-${HOME:-/root}/.cache/emu/elasticsearch-8.14.3}"
if [ -f "$cache/lib/emu-es-launcher.jar" ] && [ -f "$cache/es-cds.jsa" ]; then exit 0; fi
exec mvn -B -ntp -f "$dir/pom.xml" -Demu.cache="$cache" package
