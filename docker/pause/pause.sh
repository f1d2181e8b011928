#!/bin/sh
# A pod's pause container (Docker runtime). It holds the pod's network namespace, which
# the pod's containers join (network mode container:<pause>), as Kubernetes' pause does.
#
# It also plugs the pod into emu's node: Docker gave it no network (network mode none);
# it creates eth0 here with its peer $EMU_VETH in the node's network namespace (the node's
# /proc/<pid>/ns, bind-mounted read-only at /run/emu/node-ns by emu, checked against the
# inode emu saw, $EMU_NODE_NETNS), and configures the address emu assigned. emu then puts
# $EMU_VETH on the node's bridge. Then it prints "ready", drops every capability and waits
# for SIGTERM (the container keeps NET_ADMIN: emu execs nft and tc here for network faults).
# Any failure is one line "emu-pause: why", which emu reports.
fail() { echo "emu-pause: $*"; exit 1; }
ns=/run/emu/node-ns/net
seen=$(stat -L -c %i "$ns" 2>&1) || fail "cannot see the node's network namespace: $seen"
[ "$seen" = "$EMU_NODE_NETNS" ] || fail "$ns is not the node's network namespace (inode $seen, expected $EMU_NODE_NETNS)"
out=$(ip link add eth0 type veth peer name "$EMU_VETH" netns "$ns" 2>&1) || fail "ip link add: $out"
out=$(ip -batch - 2>&1 <<EOT
link set lo up
addr add $EMU_POD_IP/$EMU_POD_PREFIX dev eth0
link set eth0 up
route add default via $EMU_GATEWAY
EOT
) || fail "configuring eth0: $out"
echo ready
exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- \
  sh -c 'trap "exit 0" TERM INT; while :; do sleep infinity & wait $!; done'
