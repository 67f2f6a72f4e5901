#!/bin/sh
# scripts/build.sh DIR [configure args] - configure (once) and build out of tree in DIR.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
mkdir -p "$dir"
cd "$dir"
if [ ! -f Makefile ] || [ "$(cat .rpcauth-configure-args 2>/dev/null)" != "$*" ]; then
	"$top"/configure -q "$@"
	echo "$*" > .rpcauth-configure-args
fi
make -s -j"$(nproc)" >/dev/null
