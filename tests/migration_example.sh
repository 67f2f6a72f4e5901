#!/bin/sh
# tests/migration_example.sh - docs/MIGRATION.md's example: the libtirpc
# RPCSEC_GSS program (docs/migration/before) and its rpcauth version
# (docs/migration/after) compile with -Wall -Wextra -Werror against rpcgen's
# stubs for hello.x and this build's header, and the diffs shown in
# MIGRATION.md are the diffs of those files.
set -eu
srcdir=${srcdir:-.}
top_srcdir=${top_srcdir:-$srcdir/..}
ex=$top_srcdir/docs/migration
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp "$ex/hello.x" "$out/"
(cd "$out" && ${RPCGEN:-rpcgen} -h -o hello.h hello.x &&
    ${RPCGEN:-rpcgen} -c -o hello_xdr.c hello.x &&
    ${RPCGEN:-rpcgen} -l -o hello_clnt.c hello.x &&
    ${RPCGEN:-rpcgen} -m -o hello_svc.c hello.x)
mkdir -p "$out/inc/rpcauth"
cp "$top_srcdir/rpcauth/rpcauth.h" "$out/inc/rpcauth/"
for side in before after; do
	for f in hello_client hello_server; do
		${CC:-cc} -Wall -Wextra -Werror -I"$out" -I"$out/inc" \
		    $TIRPC_CFLAGS -c "$ex/$side/$f.c" -o "$out/$side-$f.o"
	done
done
echo "migration example compiles: before and after"

fail=0
for f in hello_client.c hello_server.c; do
	diff -u --label "before/$f" --label "after/$f" "$ex/before/$f" \
	    "$ex/after/$f" >"$out/want-$f" || true
	awk -v f="$f" '
		/^```diff$/ { inblk = 1; buf = ""; next }
		inblk && /^```$/ { inblk = 0; if (buf ~ "^--- before/" f "\n") printf "%s", buf; next }
		inblk { buf = buf $0 "\n" }
	' "$top_srcdir/docs/MIGRATION.md" >"$out/doc-$f"
	if cmp -s "$out/want-$f" "$out/doc-$f"; then
		echo "MIGRATION.md shows the diff of $f: ok"
	else
		echo "FAIL: MIGRATION.md's diff of $f is not the files' (update it with diff -u --label):"
		diff "$out/want-$f" "$out/doc-$f" || true
		fail=1
	fi
done
exit $fail
