#!/bin/sh
# scripts/demo-run.sh BUILDDIR - the demo proper; runs inside rpcauth-testbed,
# which provides the KDC and the KRB5_* environment.  Stops what it starts.
set -eu
B=$1
SERVER=$B/server/rpcauth-demo-server
CLIENT=$B/client/rpcauth-demo-client
work=$(mktemp -d)
spid=""
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir "$work/root"
echo "hello from DEMOFS" > "$work/root/hello.txt"

# Start a demo server; sets $spid and $port.  A taken port is retried.
start_server() {	# KEYTAB LOG
	for try in 1 2 3 4 5; do
		port=$(( 20000 + ($(od -An -N2 -tu2 /dev/urandom) % 40000) ))
		"$SERVER" --listen 127.0.0.1 --port "$port" \
		    --principal demo@localhost --keytab "$1" \
		    --root "$work/root" >"$2" 2>&1 &
		spid=$!
		i=0
		while [ $i -lt 100 ]; do
			grep -q ready "$2" 2>/dev/null && return 0
			kill -0 "$spid" 2>/dev/null || break
			sleep 0.1; i=$((i + 1))
		done
		kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
		spid=""
	done
	echo "demo: the server did not start:"; cat "$2"; exit 1
}
client() { "$CLIENT" --host 127.0.0.1 --port "$port" --principal demo@localhost "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "private KDC for $RPCAUTH_TESTBED_REALM on 127.0.0.1:$RPCAUTH_TESTBED_PORT; user $RPCAUTH_TESTBED_USER_PRINC has a ticket"
start_server "$RPCAUTH_TESTBED_SERVER_KEYTAB" "$work/server.log"
echo "rpcauth-demo-server (pid $spid) serves DEMOFS on 127.0.0.1:$port, TCP and UDP, keytab $RPCAUTH_TESTBED_SERVER_KEYTAB"

say "client: Kerberos handshake; the server must prove who it is (mutual authentication + MIC over the window)"
client --service integrity info

say "what the server saw (DEMOFS WHOAMI), at integrity over TCP and at privacy over UDP"
client --service integrity whoami
client --udp --service privacy whoami

say "ECHO under integrity (TCP) and privacy (UDP)"
client --service integrity echo "hello, integrity-protected"
client --udp --service privacy echo "hello, sealed over UDP"
client --service privacy echo-size 1048576

say "file procedures under privacy"
client --service privacy write notes.txt "written under privacy"
client --service privacy read notes.txt; echo
client --service privacy ls ""
if client --service privacy getattr ../etc/passwd 2>"$work/err"; then
	echo "demo: an escaping path was served!"; exit 1
fi
echo "refused as expected: $(cat "$work/err")"

say "application procedure runs so far (DEMOFS STATS; handshakes and DESTROY never reach DEMOFS)"
client --service none stats

kill "$spid"; wait "$spid" || true; spid=""

say "an impostor: a server holding another key for demo/localhost is refused by the client"
start_server "$RPCAUTH_TESTBED_WRONG_KEYTAB" "$work/bad.log"
if client --service integrity whoami 2>"$work/err"; then
	echo "demo: the impostor was accepted!"; exit 1
fi
echo "refused as expected: $(cat "$work/err")"
say "demo finished; the server, the KDC and their files are being removed"
