#!/bin/sh
# examples/test/direct.sh - KV with -p PORT (no rpcbind: the client is given
# the port), next to rpcauth-testbed --principal kv/localhost.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
st=0
"$BED" --principal kv/localhost -- sh "$SRC/test/kv_check.sh" direct "$work" || st=$?
# 125: the bed did not start (no MIT KDC tools, as in a package build chroot).
[ "$st" != 125 ] || { echo "SKIP: rpcauth-testbed could not start a KDC (see above)"; exit 77; }
exit "$st"
