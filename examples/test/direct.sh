#!/bin/sh
# examples/test/direct.sh - KV with -p PORT (no rpcbind: the client is given
# the port), next to rpcauth-testbed --principal kv/localhost.
exec sh "$SRC/test/kv_check.sh" --bed direct
