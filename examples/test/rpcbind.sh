#!/bin/sh
# examples/test/rpcbind.sh - KV registered with rpcbind, clients finding it
# through clnt_create.  A real rpcbind of our own, in a private network and
# mount namespace (test/nsrun.c: loopback up, a tmpfs over /run), started
# with -f -w and stopped by PID; the KDC of rpcauth-testbed runs inside too.
# Skipped (77) when the namespaces cannot be made (not root) or rpcbind is
# missing (scripts/deps.sh installs it).
set -eu
if [ "${1:-}" != inside ]; then
	RPCBIND=$(command -v rpcbind || echo /usr/sbin/rpcbind)
	[ -x "$RPCBIND" ] || { echo "SKIP: rpcbind is not installed"; exit 77; }
	exec "$EX/test/nsrun" sh "$0" inside "$RPCBIND"
fi
RPCBIND=$2
PATH=$PATH:/usr/sbin:/sbin
rpid=""
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid"' EXIT
"$RPCBIND" -f -w &
rpid=$!
i=0
until rpcinfo -p 127.0.0.1 >/dev/null 2>&1; do
	kill -0 "$rpid" 2>/dev/null || { echo "FAIL: rpcbind exited"; exit 1; }
	[ $i -lt 200 ] || { echo "FAIL: rpcbind did not answer"; exit 1; }
	sleep 0.05; i=$((i + 1))
done
st=0
sh "$SRC/test/kv_check.sh" --bed rpcbind || st=$?
exit "$st"
