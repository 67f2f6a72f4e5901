#!/bin/sh
# tests/testbed_tool.sh - the installed rpcauth-testbed as a user runs it for a
# service of their own: --principal puts kv/localhost in the keytab that
# KRB5_KTNAME names, a server with only that name serves a client, and
# kdestroy inside the bed leaves the client without credentials unless
# --user-keytab asked for a client keytab.  --help documents every variable
# the bed exports.  Everything it starts is stopped by PID.
set -eu
B=${top_builddir:-..}
srcdir=${srcdir:-.}
MAN=$srcdir/../man/rpcauth-testbed.1
BED=$B/tools/rpcauth-testbed
fail() { echo "FAIL: $*"; exit 1; }
command -v kdestroy >/dev/null || fail "kdestroy not found (krb5-user)"
command -v klist >/dev/null || fail "klist not found (krb5-user)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. --help names every variable COMMAND gets, with all the options on.
"$BED" --help >"$work/help" || fail "--help exited $?"
"$BED" --principal kv/localhost --user-keytab --wrong-keytab --ntlm -- \
    sh -c 'env' >"$work/env" || fail "rpcauth-testbed exited $?"
vars=$(sed -n 's/^\(KRB5[A-Z_]*\|RPCAUTH_TESTBED_[A-Z_]*\|NTLM_USER_FILE\)=.*/\1/p' "$work/env")
[ "$(echo "$vars" | wc -l)" -ge 14 ] || fail "expected at least 14 variables, got: $vars"
for v in $vars; do
	grep -q "^  $v " "$work/help" || fail "--help does not document $v"
	grep -q "^\.It Ev $v\$" "$MAN" || fail "$MAN does not document $v"
done
echo "ok: --help and the man page document the $(echo $vars | wc -w) exported variables"

# 2. A bad --principal is refused before anything starts.
st=0; "$BED" --principal kv/localhost@OTHER.REALM -- true 2>"$work/err" || st=$?
[ "$st" = 125 ] && grep -q "realm is RPCAUTH.TEST" "$work/err" ||
	fail "--principal in another realm: status $st, $(cat "$work/err")"
echo "ok: --principal NAME@OTHER.REALM refused (125)"

# 3. Inside the bed (runs as COMMAND): the user's own service.
cat >"$work/inside.sh" <<'EOS'
#!/bin/sh
set -eu
B=$1 mode=$2 work=$3
fail() { echo "FAIL ($mode): $*"; exit 1; }
klist -k "$KRB5_KTNAME" | grep -q ' kv/localhost@RPCAUTH.TEST$' ||
	fail "kv/localhost not in $KRB5_KTNAME"
klist -k "$KRB5_KTNAME" | grep -q ' nfs/localhost@RPCAUTH.TEST$' ||
	fail "nfs/localhost not in $KRB5_KTNAME"
[ "$RPCAUTH_TESTBED_PRINCIPALS" = "kv/localhost@RPCAUTH.TEST nfs/localhost@RPCAUTH.TEST" ] ||
	fail "RPCAUTH_TESTBED_PRINCIPALS=$RPCAUTH_TESTBED_PRINCIPALS"
if [ "$mode" = user-keytab ]; then
	[ -n "${KRB5_CLIENT_KTNAME:-}" ] || fail "KRB5_CLIENT_KTNAME unset"
else
	[ -z "${KRB5_CLIENT_KTNAME+x}" ] || fail "KRB5_CLIENT_KTNAME=$KRB5_CLIENT_KTNAME"
fi
spid=""
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null; true' EXIT
for try in 1 2 3 4 5; do
	port=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 40000) ))
	# Only the key --principal added: no demo/localhost for this server.
	# Emptied here, not by the child's redirection: the loop below must
	# not read the "ready" of the previous mode's server.
	: >"$work/server.log"
	"$B/server/rpcauth-demo-server" --listen 127.0.0.1 --port "$port" \
	    --principal kv@localhost --keytab "$KRB5_KTNAME" \
	    >>"$work/server.log" 2>&1 &
	spid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q ready "$work/server.log"; do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	grep -q ready "$work/server.log" && break
	kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; spid=""
done
[ -n "$spid" ] || fail "server did not start: $(cat "$work/server.log")"
ping() { "$B/client/rpcauth-ping" --port "$port" 127.0.0.1 0x20000C0F 1 kv@localhost; }
ping >"$work/ping1" 2>&1 || fail "ping with a ticket: $(cat "$work/ping1")"
grep -q '^server: *kv/localhost@RPCAUTH.TEST' "$work/ping1" || fail "$(cat "$work/ping1")"
grep -q '^client: *alice@RPCAUTH.TEST' "$work/ping1" || fail "$(cat "$work/ping1")"
echo "ok ($mode): kv@localhost served with the key --principal added"
kdestroy
klist -s && fail "klist -s: a ticket is still there after kdestroy"
st=0; ping >"$work/ping2" 2>&1 || st=$?
if [ "$mode" = user-keytab ]; then
	[ "$st" = 0 ] || fail "ping after kdestroy with --user-keytab: $(cat "$work/ping2")"
	echo "ok ($mode): after kdestroy MIT got a new ticket from KRB5_CLIENT_KTNAME"
else
	[ "$st" = 1 ] || fail "ping after kdestroy: status $st: $(cat "$work/ping2")"
	grep -q 'no Kerberos credentials' "$work/ping2" || fail "$(cat "$work/ping2")"
	echo "ok ($mode): after kdestroy: $(head -n 1 "$work/ping2")"
fi
EOS
chmod +x "$work/inside.sh"
for mode in default user-keytab; do
	opt=""; [ "$mode" = user-keytab ] && opt=--user-keytab
	# shellcheck disable=SC2086
	"$BED" --principal kv/localhost --principal nfs/localhost $opt -- \
	    "$work/inside.sh" "$B" "$mode" "$work" || fail "bed ($mode) exited $?"
done
echo "PASS: rpcauth-testbed --principal, --user-keytab, kdestroy, --help"
