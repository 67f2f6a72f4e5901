#!/bin/sh
# examples/test/readme.sh - examples/README.md matches the code: every line
# of its ```c and ```ini blocks is a line of kv_*.c or systemd/kv.*
# (whitespace trimmed), and its "installed library" build commands (rpcgen,
# cc with pkg-config) build both programs, here with a pkg-config that
# answers for the uninstalled library of this build tree.
set -eu
: "${SRC:?}" "${EX:?}"
fail() { echo "FAIL: $*"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'; }

cat "$SRC"/kv_*.c | trim >"$work/code"
cat "$SRC"/systemd/kv.socket "$SRC"/systemd/kv.service | trim >"$work/units"
awk '/^```c$/ { on = 1; next } /^```/ { on = 0 } on' "$SRC/README.md" | trim >"$work/c"
awk '/^```ini$/ { on = 1; next } /^```/ { on = 0 } on' "$SRC/README.md" | trim >"$work/ini"
[ -s "$work/c" ] && [ -s "$work/ini" ] || fail "no code blocks found in README.md"
n=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	grep -qxF -- "$line" "$work/code" || fail "README.md quotes a line kv_*.c does not have: $line"
	n=$((n + 1))
done <"$work/c"
while IFS= read -r line; do
	[ -n "$line" ] || continue
	grep -qxF -- "$line" "$work/units" || fail "README.md quotes a line systemd/kv.* does not have: $line"
	n=$((n + 1))
done <"$work/ini"
echo "ok: the $n quoted lines are in the code and units"

# The build by hand, as README.md shows it.
awk '/^```sh$/ { on = 1; b = ""; next }
    /^```/ { if (on && b ~ /rpcgen -h/) printf "%s", b; on = 0; next }
    on { b = b $0 "\n" }' "$SRC/README.md" >"$work/build.sh"
grep -q '^cc -o kv-client' "$work/build.sh" || fail "no build commands in README.md"
mkdir "$work/bin" "$work/kv"
real=$(command -v pkg-config) || fail "pkg-config not found"
top_build=$(cd "$EX/.." && pwd) top_src=$(cd "$SRC/.." && pwd)
cat >"$work/bin/pkg-config" <<EOS
#!/bin/sh
# rpcauth as installed, but from the build tree
case "\$*" in
*rpcauth*) echo "-I$top_src \$("$real" --cflags --libs libtirpc) -L$top_build/rpcauth/.libs -lrpcauth -Wl,-rpath,$top_build/rpcauth/.libs" ;;
*) exec "$real" "\$@" ;;
esac
EOS
chmod +x "$work/bin/pkg-config"
cp "$SRC"/kv.x "$SRC"/kv_*.c "$work/kv/"
(cd "$work/kv" && PATH=$work/bin:$PATH sh -e "$work/build.sh") >"$work/out" 2>&1 ||
	fail "the build commands failed: $(cat "$work/out")"
[ -x "$work/kv/kv-server" ] && [ -x "$work/kv/kv-client" ] || fail "no programs built"
"$work/kv/kv-client" >/dev/null 2>&1 && fail "kv-client without arguments exited 0"
echo "ok: README.md's build commands build kv-server and kv-client"
