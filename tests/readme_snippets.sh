#!/bin/sh
# tests/readme_snippets.sh - the README's "Use it in your rpcgen program" code
# blocks compile as shown against this build's header and library.
set -eu
srcdir=${srcdir:-.}
top_srcdir=${top_srcdir:-$srcdir/..}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
awk '
	/^## Use it in your rpcgen program/ { insec = 1; next }
	/^## / { insec = 0 }
	insec && /^```c$/ { n++; print "/* block " n " */" > FILENAME_OUT n; inblk = 1; next }
	inblk && /^```$/ { inblk = 0; next }
	inblk { print > FILENAME_OUT n }
' FILENAME_OUT="$out/block" "$top_srcdir/README.md"
[ -f "$out/block1" ] && [ -f "$out/block2" ] && [ -f "$out/block3" ] || {
	echo "README: expected three C blocks in 'Use it in your rpcgen program'"; exit 1; }
{
	echo '#include <err.h>'
	echo '#include <stdio.h>'
	grep -h '^#include' "$out"/block* || true
	echo '#define DEMOFS_PROG 0x20000C0F'
	echo '#define DEMOFS_V1 1'
	echo 'void demofs_prog_1(struct svc_req *, SVCXPRT *);'
	echo 'void f1(const char *host); void f2(SVCXPRT *transp); void f3(struct svc_req *rqstp);'
	echo 'void f1(const char *host) {'; grep -v '^#include' "$out/block1"; echo '}'
	echo 'void f2(SVCXPRT *transp) {'; grep -v '^#include' "$out/block2"; echo '}'
	echo 'void f3(struct svc_req *rqstp) {'; grep -v '^#include' "$out/block3"; echo '}'
	echo 'int main(void) { return 0; }'
} > "$out/snip.c"
mkdir -p "$out/inc/rpcauth"
cp "$top_srcdir/rpcauth/rpcauth.h" "$out/inc/rpcauth/"
${CC:-cc} -Wall -Wextra -Werror -I"$out/inc" $TIRPC_CFLAGS -c "$out/snip.c" -o "$out/snip.o"
echo "README snippets compile: ok"
