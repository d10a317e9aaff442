# Sourced by bench's scripts that run Go programs: sets GO to Go 1.19's go command, installing the OS
# package golang-1.19-go with apt-get when it is missing and the script runs as root (else exits 2,
# saying what to install), and exports the environment the programs run in: 2 Ps, like jgort's side.
# $1: the script's name, for its messages.
GO=/usr/lib/go-1.19/bin/go
if [[ ! -x "$GO" ]]; then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "$1: installing golang-1.19-go with apt-get" >&2
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-1.19-go
    else
        echo "$1: Go 1.19 is needed at $GO: install the golang-1.19-go package" >&2
        exit 2
    fi
fi
export GOCACHE="${GOCACHE:-$PWD/bench/target/go-cache}" GOFLAGS=-mod=mod GOMAXPROCS=2
