#!/bin/sh
# examples/test/socket.sh - KV socket-activated: a TCP and a UDP socket passed
# as fds 3 and 4 with LISTEN_FDS/LISTEN_PID, as systemd does for
# examples/systemd/kv.socket (test/sdlaunch.c), next to rpcauth-testbed.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
st=0
"$BED" --principal kv/localhost -- sh "$SRC/test/kv_check.sh" socket "$work" || st=$?
# 125: the bed did not start (no MIT KDC tools, as in a package build chroot).
[ "$st" != 125 ] || { echo "SKIP: rpcauth-testbed could not start a KDC (see above)"; exit 77; }
exit "$st"
