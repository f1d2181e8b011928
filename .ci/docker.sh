#!/usr/bin/env bash
# CI section for emu's Docker runtime (issue #11), called from .ci/run:
#
#   eval "$(bash .ci/docker.sh setup)"   # install Docker + mmdebstrap, start emu's dockerd, build images;
#                                        # prints the DOCKER_HOST export on stdout (progress on stderr)
#   ... npm test ...                     # Docker tests run against it (they skip, saying why, without it)
#   bash .ci/docker.sh teardown          # stop dockerd, leaving no container, process or mount
#
# EMU_CI_DOCKER_IMAGES: the images to build (default: nginx mysql; add elasticsearch when a test needs it,
# after `emu pull` has built its jars). Nothing here changes the host's network: packages are
# downloaded first, then installed inside fresh network and PID namespaces, so a postinst that starts
# dockerd cannot touch the host's interfaces or iptables (and dies with the namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

case "${1:-}" in
  setup)
    {
      start=$(date +%s)
      if ! command -v dockerd >/dev/null || ! command -v mmdebstrap >/dev/null; then
        apt-get install -y -qq --no-install-recommends --download-only docker.io mmdebstrap >/dev/null
        unshare --net --pid --fork --kill-child=SIGKILL --mount-proc -- \
          apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 docker.io mmdebstrap >/dev/null
      fi
      eval "$(docker/dockerd/start.sh)"
      # shellcheck disable=SC2086
      node bin/emu.mjs pull --runtime docker ${EMU_CI_DOCKER_IMAGES:-nginx mysql}
      echo "docker setup: $(( $(date +%s) - start )) s" >&2
    } >&2
    echo "export DOCKER_HOST=unix://$(. docker/dockerd/env.sh; echo "$EMU_DOCKER_SOCKET")"
    ;;
  teardown)
    docker/dockerd/stop.sh
    ;;
  *)
    echo "usage: bash .ci/docker.sh setup|teardown" >&2
    exit 1
    ;;
esac
