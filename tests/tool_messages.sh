#!/bin/sh
# tests/tool_messages.sh - what users read, checked against the code:
#  1. --version of each tool: "PROG (rpcauth) VERSION", "librpcauth VERSION",
#     exit 0;
#  2. the library's messages, through the tools' hint tables
#     (client/hints.c), name no C setting;
#  3. every message quoted in README.md ("When something is wrong", and the
#     e.g. "..." comments of its code) and in the ERRORS, EXIT STATUS and
#     DIAGNOSTICS sections of the man pages is one the code prints: each
#     part between "..." must be found in a message, with %s and the like
#     standing for any text.
# Run from the build's tests/ directory (make check).
set -eu
srcdir=${srcdir:-.}
top_srcdir=${top_srcdir:-$srcdir/..}
B=..
: "${PACKAGE_VERSION:?run through make check}"
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. --version
for t in client/rpcauth-ping client/rpcauth-demo-client \
    server/rpcauth-demo-server; do
	name=${t#*/}
	if ! "$B/$t" --version >"$work/v" 2>&1; then
		echo "FAIL: $name --version exits non-zero"; fail=1; continue
	fi
	printf '%s (rpcauth) %s\nlibrpcauth %s\n' "$name" "$PACKAGE_VERSION" \
	    "$PACKAGE_VERSION" >"$work/want"
	if cmp -s "$work/v" "$work/want"; then
		echo "ok: $name --version: $(head -1 "$work/v")"
	else
		echo "FAIL: $name --version printed:"; cat "$work/v"; fail=1
	fi
done

# String literals of C files, adjacent ones joined, one message per line.
# -m: only those passed to rpcauth_err_set, gsserr_set or snprintf, and the
# fixes gsserr_fix returns (what reaches a user), not trace lines or keys.
literals() {	# [-m] FILE...
	perl -e '
		my $msgs = 0;
		if (@ARGV && $ARGV[0] eq "-m") { $msgs = 1; shift @ARGV; }
		my $lit = qr/"(?:[^"\\\n]|\\.)*"/;
		sub join_lits {
			my ($t) = @_;
			my $s = "";
			while ($t =~ /"((?:[^"\\\n]|\\.)*)"/g) { $s .= $1; }
			$s =~ s/\\n/ /g; $s =~ s/\\t/ /g;
			$s =~ s/\\(.)/$1/g;
			return $s;
		}
		for my $f (@ARGV) {
			local $/; open(my $fh, "<", $f) or die "$f: $!";
			my $src = <$fh>;
			$src =~ s{/\*.*?\*/}{ }gs;
			my @groups;
			if ($msgs) {
				while ($src =~ /\b(?:rpcauth_err_set|gsserr_set|snprintf)\s*(\((?:[^()"]++|$lit|(?1))*\))/g) {
					my $args = $1;
					push @groups, $1 while $args =~ /((?:$lit\s*)+)/g;
				}
				while ($src =~ /\breturn\s+((?:$lit\s*)+);/g) {
					push @groups, $1;
				}
			} else {
				push @groups, $1 while $src =~ /((?:$lit\s*)+)/g;
			}
			for my $g (@groups) {
				my $s = join_lits($g);
				print "$s\n" if length($s) > 0;
			}
		}
	' -- "$@"
}

# 2. C settings left in what the tools print.  The two CLIENT messages
# cannot reach a tool: each passes a TCP or UDP CLIENT it made itself; nor
# can rpcauth_client_clone's (no tool clones an AUTH).
cism='opts\.|RPCAUTH_[A-Z]|\ballow_ntlm\b|\bAUTH\b(?!_)|\bCLIENT\b'
reach_not='^no CLIENT: |^the CLIENT.s server address is unknown|^no AUTH to clone|^cannot copy the client.s name for the new AUTH|^cannot tell which client the AUTH to clone'
literals -m "$top_srcdir"/rpcauth/clnt_*.c "$top_srcdir"/rpcauth/gsserr.c \
    "$top_srcdir"/rpcauth/mech.c | ./hints_filter client >"$work/client"
literals -m "$top_srcdir"/rpcauth/svc_register.c \
    "$top_srcdir"/rpcauth/gsserr.c "$top_srcdir"/rpcauth/mech.c |
    ./hints_filter server >"$work/server"
for side in client server; do
	perl -ne "print if /$cism/ && !/$reach_not/" "$work/$side" \
	    >"$work/left.$side" || true
	if [ -s "$work/left.$side" ]; then
		echo "FAIL: C settings in $side tool messages (add a line to client/hints.c):"
		sed 's/^/  /' "$work/left.$side"; fail=1
	else
		echo "ok: $side tool messages name options, not C settings ($(wc -l <"$work/$side") messages)"
	fi
done

# 3. Quoted messages against the code.
literals "$top_srcdir"/rpcauth/*.c "$top_srcdir"/client/*.c \
    "$top_srcdir"/server/*.c >"$work/code"
{ cat "$work/code"; ./hints_filter client <"$work/code";
  ./hints_filter server <"$work/code"; } | sort -u >"$work/corpus"
{
	awk '/^## When something is wrong/ { s = 1; next } /^## / { s = 0 }
	    s' "$top_srcdir/README.md" | tr '\n' ' ' |
	    perl -ne 'while (/`([^`]*)`/g) { my $q = $1;
		print "README.md: $q\n" if $q =~ / .* /; }'
	perl -ne 'print "README.md: $1\n" while /e\.g\. "([^"]+)"/g' \
	    "$top_srcdir/README.md"
	for m in "$top_srcdir"/man/*.[137]; do
		awk -v f="man/${m##*/}" '
		    /^\.Sh / { s = ($0 ~ /^\.Sh (ERRORS|EXIT STATUS|DIAGNOSTICS)/); next }
		    s && /^\.Dq / { sub(/^\.Dq /, ""); sub(/ [,.;:]$/, "");
			print f ": " $0 }' "$m"
	done
} | sed -e 's/\\(dq/"/g' -e 's/\\e/\\/g' -e 's/\\&//g' >"$work/quotes"
# Text that other software prints, quoted next to ours: MIT Kerberos,
# libtirpc (clnt_sperrno) and the C library (strerror).
external='Server nfs/host@REALM not found in Kerberos database|Clock skew too great|RPC: Authentication error; why = Client credential too weak|RPC: Timed out|RPC: Unable to receive|RPC: Can.t decode result|Connection refused|No such file or directory|Address already in use'
perl -e '
	my ($corpus, $quotes, $external) = @ARGV;
	open(my $c, "<", $corpus) or die; chomp(my @msgs = <$c>);
	my $spec = qr/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z|j|t|L)?[diouxXcsp]/;
	# Each message as literal pieces between its conversions.
	my @pieces = map { [ split(/$spec/, $_, -1) ] } @msgs;
	sub suffixes { my $r = ""; $r = "(?:$r\Q$_\E)?" for split //, $_[0]; $r }
	sub prefixes { my $r = ""; $r = "(?:\Q$_\E$r)?" for reverse split //, $_[0]; $r }
	my @pats;	# [regex, literal length in the middle]
	for my $p (@pieces) {
		my @l = @$p;
		for my $a (0 .. $#l) {
			for my $b ($a + 1 .. $#l) {
				my $mid = 0; my $re = "^(" . suffixes($l[$a]) . ")";
				for my $i ($a + 1 .. $b - 1) {
					$re .= ".*?\Q$l[$i]\E"; $mid += length $l[$i];
				}
				$re .= ".*?(" . prefixes($l[$b]) . ")\$";
				push @pats, [qr/$re/s, $mid];
			}
		}
	}
	# A part of a quote is one message when it is in one (index), or
	# matches one with its conversions standing for any text while at
	# least a third of it is the words of the message.
	sub one {
		my ($frag) = @_;
		return 0 if length($frag) < 6;
		for my $m (@msgs) { return 1 if index($m, $frag) >= 0; }
		my $need = length($frag) / 3;
		$need = 8 if $need < 8;
		for my $p (@pats) {
			next unless $frag =~ $p->[0];
			return 1 if length($1) + length($2) + $p->[1] >= $need;
		}
		return 0;
	}
	my %lits = map { $_ => 1 } @msgs;
	# Messages are built from messages ("%s: %s (GSS-API: %s)"): a quote
	# may also be a run of parts, each one message, a whole string of the
	# code (a command name), or one value (a path, a principal, a number).
	sub found {
		my ($frag) = @_;
		return 1 if one($frag);
		my @w = split(/ /, $frag);
		my $i = 0;
		while ($i < @w) {
			my $j;
			for ($j = @w; $j > $i; $j--) {
				(my $seg = join(" ", @w[$i .. $j - 1])) =~
				    s/^[\s:,;()]+|[\s:,;()]+$//g;
				last if $seg eq "" || one($seg) || $lits{$seg} ||
				    ($j == $i + 1 && $seg =~ m{[/@.0-9=_]});
			}
			return 0 if $j == $i;
			$i = $j;
		}
		return 1;
	}
	open(my $q, "<", $quotes) or die;
	my $bad = 0; my $n = 0;
	while (my $line = <$q>) {
		chomp $line;
		my ($where, $text) = split(/: /, $line, 2);
		$n++;
		(my $t = $text) =~ s/$external/.../g;
		for my $frag (split(/\.\.\./, $t)) {
			$frag =~ s/^[\s:,;()]+|[\s:,;()]+$//g;
			next if length($frag) < 8;
			next if found($frag);
			print "FAIL: $where quotes a message the code does not print:\n";
			print "  \"$text\"\n  (no message contains \"$frag\")\n";
			$bad = 1;
		}
	}
	print "ok: $n quoted messages checked against the code\n" unless $bad;
	exit $bad;
' "$work/corpus" "$work/quotes" "$external" || fail=1
exit $fail
