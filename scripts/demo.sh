#!/bin/sh
# scripts/demo.sh - README command 1: install what is missing, build, and run the
# demo: a private KDC, the DEMOFS server with its keytab, and a client that
# authenticates mutually (Kerberos) and makes protected calls.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
echo "== building (build/normal)"
scripts/build.sh build/normal --enable-werror
exec build/normal/tools/rpcauth-testbed --wrong-keytab -- scripts/demo-run.sh "$top/build/normal"
