#!/bin/sh
# examples/test/kv_check.sh MODE WORKDIR - run inside `rpcauth-testbed
# --principal kv/localhost`: start kv-server the MODE way (direct: -p PORT;
# socket: sockets passed as systemd does; rpcbind: registered with the
# rpcbind already running), then assert over TCP and UDP, at integrity and
# privacy, that the calls run as alice for kv/localhost; that service none,
# AUTH_NONE and AUTH_SYS are refused without the procedure running, and
# that the server logs them; that a handshake for another service is
# refused and logged; that SIGTERM ends the server with status 0.  Needs
# EX (the examples build directory).  The server is stopped by PID.
#	kv_check.sh --bed MODE	the same under a bed of its own, in a
#				temporary WORKDIR; 77 (skip) when the bed
#				cannot start a KDC
set -eu
if [ "${1:-}" = --bed ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	st=0
	"$BED" --principal kv/localhost -- sh "$0" "$2" "$work" || st=$?
	# 125: the bed did not start (no MIT KDC tools, as in a package build
	# chroot).
	[ "$st" != 125 ] || { echo "SKIP: rpcauth-testbed could not start a KDC (see above)"; exit 77; }
	exit "$st"
fi
mode=$1 work=$2
fail() { echo "FAIL ($mode): $*"; [ -f "$work/server.log" ] && sed 's/^/  server: /' "$work/server.log"; exit 1; }
spid=""
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; true' EXIT
log=$work/server.log

# Wait (bounded) for the server's "ready" line; 1 if it exited first.
wait_ready() {
	i=0
	while [ $i -lt 200 ]; do
		grep -qs 'kv-server: ready: kv@localhost' "$log" && return 0
		kill -0 "$spid" 2>/dev/null || return 1
		sleep 0.05; i=$((i + 1))
	done
	return 1
}

case $mode in
direct)
	for try in 1 2 3 4 5; do
		port=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 40000) ))
		"$EX/kv-server" -a 127.0.0.1 -p "$port" kv@localhost 2>"$log" &
		spid=$!
		wait_ready && break
		wait "$spid" 2>/dev/null || true; spid=""
	done
	[ -n "$spid" ] || fail "kv-server did not start"
	tport=$port uport=$port
	;;
socket)
	"$EX/test/sdlaunch" "$work/ports" "$EX/kv-server" kv@localhost 2>"$log" &
	spid=$!
	wait_ready || fail "kv-server did not start on the passed sockets"
	read -r tport uport <"$work/ports"
	# It served the descriptors it was given, and made no socket of its own.
	grep -q "kv-server: tcp port $tport\$" "$log" || fail "not serving the passed TCP socket"
	grep -q "kv-server: udp port $uport\$" "$log" || fail "not serving the passed UDP socket"
	[ "$(grep -c ' port [0-9]*$' "$log")" = 2 ] || fail "more transports than passed sockets"
	;;
rpcbind)
	"$EX/kv-server" kv@localhost 2>"$log" &
	spid=$!
	wait_ready || fail "kv-server did not start"
	rpcinfo -p 127.0.0.1 >"$work/rpcinfo" || fail "rpcinfo -p 127.0.0.1"
	tport=$(awk '$1 == 536874031 && $2 == 1 && $3 == "tcp" { print $4 }' "$work/rpcinfo")
	uport=$(awk '$1 == 536874031 && $2 == 1 && $3 == "udp" { print $4 }' "$work/rpcinfo")
	[ -n "$tport" ] && [ -n "$uport" ] || fail "KV not in rpcbind: $(cat "$work/rpcinfo")"
	grep -q "kv-server: tcp port $tport, registered with rpcbind" "$log" ||
		fail "rpcbind has tcp port $tport, the server says otherwise"
	;;
*)
	fail "unknown mode"
	;;
esac

# kv-client the way a user runs it: with -p when the server is not in
# rpcbind, through rpcbind (clnt_create) otherwise.
kv() {	# tcp|udp ARGS...
	t=$1; shift
	p=""
	if [ "$mode" != rpcbind ]; then
		[ "$t" = tcp ] && p="-p $tport" || p="-p $uport"
	fi
	[ "$t" = udp ] && p="$p -u"
	# shellcheck disable=SC2086
	"$EX/kv-client" $p "$@"
}

n=0
for t in tcp udp; do
	for s in integrity privacy; do
		kv "$t" -s "$s" 127.0.0.1 kv@localhost put "k-$t-$s" "value $t $s" \
		    >"$work/out" 2>&1 || fail "put over $t at $s: $(cat "$work/out")"
		got=$(kv "$t" -s "$s" 127.0.0.1 kv@localhost get "k-$t-$s" 2>&1) ||
			fail "get over $t at $s: $got"
		[ "$got" = "value $t $s" ] || fail "get over $t at $s: '$got'"
		kv "$t" -s "$s" 127.0.0.1 kv@localhost whoami >"$work/out" 2>&1 ||
			fail "whoami over $t at $s: $(cat "$work/out")"
		printf 'server: kv/localhost@RPCAUTH.TEST\ncaller: alice@RPCAUTH.TEST krb5 %s\n' \
		    "$s" | cmp -s - "$work/out" || fail "whoami over $t at $s: $(cat "$work/out")"
		n=$((n + 1))
	done

	# Service none: below min_service, refused before KV_PUT runs.
	st=0; kv "$t" -s none 127.0.0.1 kv@localhost put "none-$t" x >"$work/out" 2>&1 || st=$?
	[ "$st" = 1 ] && grep -q 'too weak' "$work/out" ||
		fail "service none over $t: status $st: $(cat "$work/out")"
	st=0; kv "$t" 127.0.0.1 kv@localhost get "none-$t" >"$work/out" 2>&1 || st=$?
	[ "$st" = 1 ] && grep -q "not found" "$work/out" ||
		fail "service none over $t: the put ran: $(cat "$work/out")"

	# AUTH_NONE and AUTH_SYS: refused by the gate, KV_PUT never runs.
	[ "$t" = tcp ] && u="" np=$tport || u="-u" np=$uport
	# shellcheck disable=SC2086
	"$EX/test/kv_noauth" $u 127.0.0.1 "$np" >"$work/out" 2>&1 ||
		fail "AUTH_NONE/AUTH_SYS over $t: $(cat "$work/out")"
	st=0; kv "$t" 127.0.0.1 kv@localhost get noauth >"$work/out" 2>&1 || st=$?
	[ "$st" = 1 ] && grep -q "not found" "$work/out" ||
		fail "AUTH_NONE/AUTH_SYS over $t: the put ran: $(cat "$work/out")"
done
echo "ok ($mode): $n put/get/whoami rounds as alice for kv/localhost (tcp, udp x integrity, privacy); service none, AUTH_NONE, AUTH_SYS refused and nothing stored"

# A client that asks for another service: handshake refused, and logged.
st=0; kv tcp 127.0.0.1 demo@localhost whoami >"$work/out" 2>&1 || st=$?
[ "$st" = 1 ] || fail "a handshake for demo@localhost succeeded: $(cat "$work/out")"

# The log: one line per refusal, with flavor and peer.
grep -q 'call rejected from 127.0.0.1:[0-9]* (flavor 0, program 0x20000c2f version 1' "$log" ||
	fail "no log line for the AUTH_NONE call"
grep -q 'call rejected from 127.0.0.1:[0-9]* (flavor 1,' "$log" ||
	fail "no log line for the AUTH_SYS call"
grep -q 'call rejected from 127.0.0.1:[0-9]* (flavor 400461, .*principal alice@RPCAUTH.TEST)' "$log" ||
	fail "no log line for the call at service none"
grep -q 'handshake refused from 127.0.0.1:[0-9]*' "$log" ||
	fail "no log line for the refused handshake"
echo "ok ($mode): refusals logged ($(grep -c 'rejected\|refused' "$log") lines)"

# SIGTERM: out of the loop, out of rpcbind, exit 0.
kill -TERM "$spid"
st=0; wait "$spid" || st=$?
spid=""
[ "$st" = 0 ] || fail "kv-server exited $st on SIGTERM"
grep -q 'kv-server: stopped by a signal' "$log" || fail "no 'stopped' line"
if [ "$mode" = rpcbind ]; then
	rpcinfo -p 127.0.0.1 >"$work/rpcinfo" || fail "rpcinfo -p 127.0.0.1 after stop"
	! grep -q '^ *536874031 ' "$work/rpcinfo" ||
		fail "KV still in rpcbind after SIGTERM: $(cat "$work/rpcinfo")"
fi
echo "ok ($mode): SIGTERM: exit status 0$([ "$mode" = rpcbind ] && echo ', unregistered from rpcbind')"
