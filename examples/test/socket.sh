#!/bin/sh
# examples/test/socket.sh - KV socket-activated: a TCP and a UDP socket passed
# as fds 3 and 4 with LISTEN_FDS/LISTEN_PID, as systemd does for
# examples/systemd/kv.socket (test/sdlaunch.c), next to rpcauth-testbed.
exec sh "$SRC/test/kv_check.sh" --bed socket
