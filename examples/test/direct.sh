#!/bin/sh
# examples/test/direct.sh - KV with -p PORT (no rpcbind: the client is given
# the port), next to rpcauth-testbed --principal kv/localhost.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$BED" --principal kv/localhost -- sh "$SRC/test/kv_check.sh" direct "$work"
