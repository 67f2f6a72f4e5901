#!/bin/sh
# scripts/deps.sh - install the Debian 12 packages rpcauth needs, only those missing.
set -eu
PKGS="build-essential autoconf automake libtool pkg-config rpcsvc-proto
libtirpc-dev libkrb5-dev krb5-kdc krb5-admin-server krb5-user gss-ntlmssp
libssl-dev check clang libclang-rt-14-dev valgrind rpcbind
dpkg-dev debhelper lintian"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "rpcauth: installing missing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "rpcauth: run as root (or install sudo) to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# The KDC packages would ask for a default realm; we never use /etc's config.
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
