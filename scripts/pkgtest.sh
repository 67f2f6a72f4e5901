#!/bin/sh
# scripts/pkgtest.sh - the Debian packages, as a user gets them: build them
# from this tree (dpkg-buildpackage -us -uc -b, in a scratch copy), check them
# with lintian (no errors) and the symbols file (exactly the exported
# symbols), install them, then compile an example against the installed
# files only (pkg-config, /usr/include, /usr/lib) and run it next to the
# installed rpcauth-testbed --principal.  Removes what it installed and the
# scratch directory at the end.  Run as root (dpkg -i); CI runs it after the
# suite (.ci/run).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
PKGS="librpcauth0 librpcauth-dev rpcauth-tools"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		echo "pkgtest: $p is already installed; this script removes what it installs, so remove it first (dpkg --purge $p)" >&2
		exit 1
	fi
done
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/rpcauth-pkgtest.XXXXXX")
installed=""
cleanup() {
	if [ -n "$installed" ]; then
		# shellcheck disable=SC2086
		$SUDO dpkg --purge $installed >/dev/null ||
			echo "pkgtest: could not remove $installed" >&2
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building the packages (dpkg-buildpackage -us -uc -b in $work)"
src=$work/rpcauth-$version
mkdir "$src"
# The tracked files as they are in the work tree: a clean tree like CI's,
# without this checkout's build/ directories or configure output.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$src"
fi
# Level 4: a symbol missing from, or absent in, debian/librpcauth0.symbols
# fails the build (docs/ABI.md).
if ! (cd "$src" && DPKG_GENSYMBOLS_CHECK_LEVEL=4 nice dpkg-buildpackage -us -uc -b) \
    >"$work/build.log" 2>&1; then
	tail -n 60 "$work/build.log"
	echo "pkgtest: dpkg-buildpackage failed (log above)"; exit 1
fi
debs=""
for p in $PKGS; do
	f=$(ls "$work/${p}_${version}_"*.deb 2>/dev/null || true)
	[ -n "$f" ] || { echo "pkgtest: no $p package built"; exit 1; }
	debs="$debs $f"
done
echo "built:$(for f in $debs; do printf ' %s' "$(basename "$f")"; done)"

echo "== lintian"
lint_st=0
lintian --fail-on error "$work"/rpcauth_"${version}"_*.changes >"$work/lintian.log" 2>&1 || lint_st=$?
grep -E '^[EW]: ' "$work/lintian.log" || true
nerr=$(grep -c '^E: ' "$work/lintian.log" || true)
nwarn=$(grep -c '^W: ' "$work/lintian.log" || true)
[ "$lint_st" = 0 ] && [ "$nerr" = 0 ] || { cat "$work/lintian.log"; echo "pkgtest: lintian errors"; exit 1; }
echo "lintian: $nerr errors, $nwarn warnings"

echo "== installing (dpkg -i)"
installed=$PKGS
# shellcheck disable=SC2086
if ! $SUDO dpkg -i $debs >"$work/dpkg.log" 2>&1; then
	echo "pkgtest: dpkg -i needs dependencies; apt-get -f install (they stay installed):"
	grep -i 'depends on' "$work/dpkg.log" || true
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -q --no-install-recommends >/dev/null
fi
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" | grep -q "install ok installed" ||
		{ echo "pkgtest: $p did not install"; exit 1; }
done

echo "== an example against the installed files only"
# Nothing may point into a build tree.
unset PKG_CONFIG_PATH LD_LIBRARY_PATH C_INCLUDE_PATH CPATH LIBRARY_PATH
cd "$work"
cp "$top/scripts/pkgtest/example.c" .
flags=$(pkg-config --cflags --libs rpcauth)
echo "pkg-config --cflags --libs rpcauth: $flags"
case "$flags" in *"$top"*) echo "pkgtest: pkg-config points into $top"; exit 1;; esac
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -o example example.c $flags
lib=$(ldd ./example | awk '/librpcauth\.so/ { print $3 }')
# /lib is /usr/lib on Debian 12 (merged /usr): ask dpkg who owns it.
real=$(readlink -f "$lib")
owner=$(dpkg -S "$real" 2>/dev/null | cut -d: -f1 || true)
[ "$owner" = librpcauth0 ] || { echo "pkgtest: example uses '$lib' ($real), not librpcauth0's"; exit 1; }
echo "example links $lib ($real, from $owner)"
for page in rpcauth_client_create rpcauth-testbed rpcauth-ping; do
	man -w "$page" >/dev/null 2>&1 || { echo "pkgtest: man $page not installed"; exit 1; }
done
[ "$(command -v rpcauth-testbed)" = /usr/bin/rpcauth-testbed ] ||
	{ echo "pkgtest: rpcauth-testbed is not /usr/bin's"; exit 1; }
/usr/bin/rpcauth-testbed --principal kv/localhost -- ./example kv@localhost \
    >"$work/example.out" 2>&1 || { cat "$work/example.out"; echo "pkgtest: the example failed"; exit 1; }
cat "$work/example.out"
grep -q 'answered: alice@RPCAUTH.TEST via krb5 at service 3' "$work/example.out" ||
	{ echo "pkgtest: unexpected answer"; exit 1; }

echo "== removing the packages"
# shellcheck disable=SC2086
$SUDO dpkg --purge $installed >/dev/null
installed=""
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		echo "pkgtest: $p still installed"; exit 1
	fi
done
echo "pkgtest: passed: $(echo "$PKGS" | wc -w) packages built (lintian $nerr errors, $nwarn warnings; symbols file exact), installed, example built with pkg-config against /usr and run next to rpcauth-testbed --principal kv/localhost, removed"
