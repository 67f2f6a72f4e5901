#!/bin/sh
# tests/exports.sh - the library exposes its public API and nothing else
# (docs/ABI.md): the shared library's dynamic symbols are exactly the names
# in rpcauth/rpcauth.sym; the static archive's global symbols are those
# names plus internal ones carrying the private prefix rpcauthint_
# (rpcauth/rename.h); the header's RPCAUTH_API declarations and the Debian
# symbols file list the same names; the version macros agree with each other
# and with the package version.  Each failure names the symbol and the fix.
set -eu
srcdir=${srcdir:-.}
top_srcdir=${top_srcdir:-$srcdir/..}
top_builddir=${top_builddir:-..}
libs=$top_builddir/rpcauth/.libs
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

so=$libs/librpcauth.so
ar=$libs/librpcauth.a
for f in "$so" "$ar"; do
	[ -e "$f" ] || { echo "FAIL: $f is missing (build the library first)"; exit 1; }
done
command -v nm >/dev/null || { echo "FAIL: nm not found (binutils)"; exit 1; }

grep -v '^#' "$top_srcdir/rpcauth/rpcauth.sym" | sort >"$out/want"
[ -s "$out/want" ] || { echo "FAIL: rpcauth/rpcauth.sym is empty"; exit 1; }

# Names in $out/want but not in FILE, and in FILE but not in want: one
# line each, with the fix.  against FILE EXTRA-TEXT MISSING-TEXT
against() {
	comm -13 "$out/want" "$1" | while read -r s; do
		echo "FAIL: $s: $2"; done >>"$out/fails"
	comm -23 "$out/want" "$1" | while read -r s; do
		echo "FAIL: $s: $3"; done >>"$out/fails"
}
: >"$out/fails"

# 1. Dynamic symbols: exactly the export list.
nm -D --defined-only "$so" | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' |
    sort >"$out/dyn"
against "$out/dyn" "exported by librpcauth.so but not listed in rpcauth/rpcauth.sym" \
    "listed in rpcauth/rpcauth.sym but not exported by librpcauth.so: declare it with RPCAUTH_API and define it"
echo "nm -D librpcauth.so: $(wc -l <"$out/dyn") symbols"

# 2. The static archive: public names, or the private prefix.  Anything
# else could clash with the program's or another library's names.
# AddressSanitizer (--enable-sanitizers) adds an ODR marker per global
# variable, "__odr_asan.NAME": it is checked as the NAME it marks.
nm -g --defined-only "$ar" | awk 'NF >= 3 { print $3 }' |
    sed 's/^__odr_asan[._]//' | sort -u >"$out/st"
grep -v '^rpcauthint_' "$out/st" >"$out/st_pub" || true
against "$out/st_pub" "a global of librpcauth.a without the private prefix: add it to rpcauth/rename.h, or make it static when one file uses it" \
    "listed in rpcauth/rpcauth.sym but not defined in librpcauth.a"
echo "nm -g librpcauth.a: $(wc -l <"$out/st") symbols, $(grep -c '^rpcauthint_' "$out/st") of them rpcauthint_*"
if [ -s "$out/fails" ]; then cat "$out/fails"; fail=1; fi

# 3. The header declares with RPCAUTH_API exactly what is exported.
sed -n 's/^RPCAUTH_API .*\(rpcauth_[a-z0-9_]*\)(.*/\1/p' \
    "$top_srcdir/rpcauth/rpcauth.h" | sort >"$out/hdr"
if ! cmp -s "$out/want" "$out/hdr"; then
	bad "rpcauth.h's RPCAUTH_API declarations and rpcauth/rpcauth.sym differ:"
	diff "$out/want" "$out/hdr" | sed -n 's/^[<>]/  &/p'
fi

# 4. The Debian symbols file lists the same names (dpkg-gensymbols checks
# it against the built package; this catches it in every build).
sed -n 's/^ \([a-z0-9_]*\)@Base .*/\1/p' \
    "$top_srcdir/debian/librpcauth0.symbols" | sort >"$out/deb"
if ! cmp -s "$out/want" "$out/deb"; then
	bad "debian/librpcauth0.symbols and rpcauth/rpcauth.sym differ:"
	diff "$out/want" "$out/deb" | sed -n 's/^[<>]/  &/p'
fi

# 5. The soname the packages are named after.
if command -v readelf >/dev/null; then
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = librpcauth.so.0 ] ||
	    bad "soname is '$soname', not librpcauth.so.0 (docs/ABI.md: a new soname renames debian/librpcauth0)"
	# Bound at load: no lazy-binding trampoline spills the vector
	# registers of the sealing code to the stack (docs/SECURITY.md 18).
	readelf -d "$so" | grep -q 'FLAGS.*\bNOW\b' ||
	    bad "librpcauth.so is not linked with -z now (no BIND_NOW flag): see docs/SECURITY.md 18"
fi

# 6. Version macros: the numbers, the string and PACKAGE_VERSION agree.
v=$(awk '$1 == "#define" && $2 ~ /^RPCAUTH_VERSION_(MAJOR|MINOR|PATCH)$/ {
	printf "%s%s", sep, $3; sep = "." }' "$top_srcdir/rpcauth/rpcauth.h")
s=$(sed -n 's/^#define RPCAUTH_VERSION_STRING[^"]*"\(.*\)"/\1/p' \
    "$top_srcdir/rpcauth/rpcauth.h")
[ "$v" = "$s" ] || bad "RPCAUTH_VERSION_STRING \"$s\" is not MAJOR.MINOR.PATCH ($v)"
[ -z "${PACKAGE_VERSION:-}" ] || [ "$PACKAGE_VERSION" = "$v" ] ||
    bad "PACKAGE_VERSION $PACKAGE_VERSION is not the header's $v: rerun autoreconf"

[ $fail -eq 0 ] || exit 1
echo "exports: only the public API and rpcauthint_*: ok"
