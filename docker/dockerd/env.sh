# Where emu's private Docker daemon keeps its state (sourced by start.sh, stop.sh and CI).
# EMU_DOCKER_HOME: data root, exec root, pid file, socket and log. The socket path must stay
# short (Unix sockets allow 107 bytes), hence no deep default.
EMU_DOCKER_HOME="${EMU_DOCKER_HOME:-${EMU_HOME:-${HOME:-/root}/.emu}/docker}"
EMU_DOCKER_SOCKET="$EMU_DOCKER_HOME/docker.sock"
EMU_DOCKER_PIDFILE="$EMU_DOCKER_HOME/dockerd.pid"
EMU_DOCKER_LOG="$EMU_DOCKER_HOME/dockerd.log"
# Every container of this daemon lives under these cgroups (one per controller), so stop.sh
# can find any process that outlives the daemon.
EMU_DOCKER_CGROUP=emu-docker
