#!/bin/sh
# scripts/pkgtest.sh - rpcauth as a user installs it.  First from source
# without Check (README "Build and install from source") into a scratch
# prefix.  Then the Debian packages: build them
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

# The tracked files as they are in the work tree: a clean tree like a fresh
# clone (no configure), without this checkout's build/ directories.
copy_tree() {	# DEST
	mkdir "$1"
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$1"
	else
		tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$1"
	fi
}

echo "== from source without Check: autoreconf -fi, configure --prefix, make install"
# README "Build and install from source", with check.pc hidden from
# pkg-config (every other .pc stays visible), into a scratch prefix.
copy_tree "$work/src"
mkdir "$work/pc" "$work/prefix"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
	[ -d "$d" ] || continue
	for f in "$d"/*.pc; do
		[ -e "$f" ] && [ "$(basename "$f")" != check.pc ] &&
			[ ! -e "$work/pc/$(basename "$f")" ] && ln -s "$f" "$work/pc/"
	done
done
PKG_CONFIG_LIBDIR=$work/pc pkg-config --exists check &&
	{ echo "pkgtest: check.pc is still visible"; exit 1; }
if ! (cd "$work/src" && autoreconf -fi && mkdir b && cd b &&
    PKG_CONFIG_LIBDIR=$work/pc ../configure --prefix="$work/prefix" &&
    nice make -j"$(nproc)" && make install) >"$work/src.log" 2>&1; then
	tail -n 40 "$work/src.log"; echo "pkgtest: build from source without Check failed"; exit 1
fi
grep 'WARNING: Check not found' "$work/src.log" ||
	{ echo "pkgtest: configure did not say that Check is missing"; exit 1; }
[ -z "$(find "$work/src/b/tests" -name '*.o')" ] ||
	{ echo "pkgtest: tests/ was built without Check"; exit 1; }
( cd "$work" && cp "$top/scripts/pkgtest/example.c" ex-src.c &&
  unset LD_LIBRARY_PATH &&
  flags=$(PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig pkg-config --cflags --libs rpcauth) &&
  # shellcheck disable=SC2086
  cc -Wall -Wextra -Werror -o ex-src ex-src.c $flags -Wl,-rpath,"$work/prefix/lib" &&
  "$work/prefix/bin/rpcauth-testbed" --principal kv/localhost -- ./ex-src kv@localhost ) \
    >"$work/ex-src.out" 2>&1 || { cat "$work/ex-src.out"; echo "pkgtest: example against $work/prefix failed"; exit 1; }
grep 'answered: alice@RPCAUTH.TEST' "$work/ex-src.out"
rm -rf "$work/src" "$work/pc"
echo "installed from source without Check into a prefix; example ran against it (rpath)"

echo "== building the packages (dpkg-buildpackage -us -uc -b in $work)"
src=$work/rpcauth-$version
copy_tree "$src"
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

echo "== examples/: an rpcgen service built as its README says, against /usr only"
mkdir "$work/kv" && cp "$top"/examples/kv.x "$top"/examples/kv_*.c "$work/kv/"
( cd "$work/kv" &&
  rpcgen -h -o kv.h kv.x && rpcgen -c -o kv_xdr.c kv.x &&
  rpcgen -l -o kv_clnt.c kv.x && rpcgen -m -o kv_svc.c kv.x &&
  # shellcheck disable=SC2046
  cc -o kv-server kv_server.c kv_proc.c kv_svc.c kv_xdr.c $(pkg-config --cflags --libs rpcauth) &&
  # shellcheck disable=SC2046
  cc -o kv-client kv_client.c kv_clnt.c kv_xdr.c $(pkg-config --cflags --libs rpcauth) ) \
    >"$work/kv.out" 2>&1 || { cat "$work/kv.out"; echo "pkgtest: examples/ did not build against the packages"; exit 1; }
cat >"$work/kv/run.sh" <<'EOS'
#!/bin/sh
# Inside rpcauth-testbed: a kv-server on a free port, a put at privacy over
# TCP and a get over UDP as alice, then SIGTERM (exit 0).
set -eu
cd "$(dirname "$0")"
for try in 1 2 3 4 5; do
	port=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 40000) ))
	: >server.log
	./kv-server -a 127.0.0.1 -p "$port" kv@localhost 2>>server.log & pid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q 'ready' server.log; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	grep -q ready server.log && break
	wait "$pid" 2>/dev/null || true; pid=""
done
[ -n "$pid" ] || { cat server.log; exit 1; }
st=0
./kv-client -p "$port" -s privacy 127.0.0.1 kv@localhost put colour blue || st=1
[ "$(./kv-client -p "$port" -u 127.0.0.1 kv@localhost get colour)" = blue ] || st=1
./kv-client -p "$port" 127.0.0.1 kv@localhost whoami | grep -q 'alice@RPCAUTH.TEST' || st=1
kill -TERM "$pid"; wait "$pid" || st=1
exit $st
EOS
chmod +x "$work/kv/run.sh"
/usr/bin/rpcauth-testbed --principal kv/localhost -- "$work/kv/run.sh" >"$work/kv-run.out" 2>&1 ||
	{ cat "$work/kv-run.out" "$work/kv/server.log" 2>/dev/null; echo "pkgtest: the examples/ service failed"; exit 1; }
echo "examples/ kv service built against the packages: put (privacy, TCP), get (UDP), whoami as alice, SIGTERM exit 0"

echo "== removing the packages"
# shellcheck disable=SC2086
$SUDO dpkg --purge $installed >/dev/null
installed=""
for p in $PKGS; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		echo "pkgtest: $p still installed"; exit 1
	fi
done
echo "pkgtest: passed: built and installed from source without Check; $(echo "$PKGS" | wc -w) packages built (lintian $nerr errors, $nwarn warnings; symbols file exact), installed, example and the examples/ rpcgen service built with pkg-config against /usr and run next to rpcauth-testbed --principal kv/localhost, removed"
