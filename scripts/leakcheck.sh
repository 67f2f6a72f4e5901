#!/bin/sh
# scripts/leakcheck.sh - run the whole Check suite under a leak checker and
# assert 0 leaks and 0 memory errors.
#
#	scripts/leakcheck.sh			LeakSanitizer (what CI runs)
#	LEAKCHECK=valgrind scripts/leakcheck.sh	valgrind memcheck (slow)
#	LEAKCHECK_BUILD=DIR			another build directory
#
# LeakSanitizer: the ASan+UBSan build of scripts/test.sh (build/asan), every
# process of the suite checked at exit: test programs and their forked Check
# children, and the demo servers and clients the tests start (they are ASan
# builds too and inherit the options).  Reports go to build/asan/leakcheck/.
# tests/lsan.supp and tests/valgrind.supp hold suppressions for other
# libraries' leaks only.
#
# valgrind: the -Werror build of scripts/test.sh (build/normal); each test
# program and its forked children run under memcheck (definite leaks and
# memory errors fail); the demo servers the tests exec run natively unless
# tests/e2e.c honours RPCAUTH_TEST_SERVER_WRAPPER (exported below).  About
# 6 times slower than the plain suite, and tests with tight wall-clock
# limits can fail for slowness alone: not for CI.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

# The automake harness runs each test through this script in valgrind mode.
if [ "${1:-}" = "--under-valgrind" ]; then
	shift
	case "$1" in
	*.sh) exec "$@" ;;	# shell tests: their commands are not ours
	esac
	exec valgrind --quiet --leak-check=full --show-leak-kinds=definite \
	    --errors-for-leak-kinds=definite --error-exitcode=99 \
	    --trace-children=no --num-callers=30 \
	    --suppressions="$LEAKCHECK_TOP/tests/valgrind.supp" \
	    --log-file="$LEAKCHECK_LOGS/vg.%p.log" "$@"
fi

cd "$top"
scripts/deps.sh
mode=${LEAKCHECK:-lsan}
case "$mode" in
lsan)
	dir=${LEAKCHECK_BUILD:-build/asan}
	echo "== leak check: LeakSanitizer over the ASan build ($dir)"
	scripts/build.sh "$dir" --enable-sanitizers	# test.sh's arguments
	;;
valgrind)
	dir=${LEAKCHECK_BUILD:-build/normal}
	echo "== leak check: valgrind memcheck over the normal build ($dir)"
	scripts/build.sh "$dir" --enable-werror		# test.sh's arguments
	;;
*)
	echo "leakcheck: LEAKCHECK must be lsan or valgrind" >&2
	exit 2
	;;
esac
case "$dir" in /*) ;; *) dir=$top/$dir ;; esac
logs=$dir/leakcheck
out=$dir/leakcheck.out
rm -rf "$logs"
mkdir -p "$logs"

start=$(date +%s)
rc=0
if [ "$mode" = lsan ]; then
	# The slow unwinder gives whole stacks through glibc and OpenSSL (no
	# frame pointers there): the suppressions then match real frames, not a
	# whole library (see tests/lsan.supp).  It doubles the suite's time
	# (about 3.5 min instead of 1.5 min; 1.7 min with the fast unwinder).
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0:log_path=$logs/asan"
	LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0:exitcode=23"
	export ASAN_OPTIONS LSAN_OPTIONS
	make -C "$dir/tests" -s check >"$out" 2>&1 || rc=$?
else
	LEAKCHECK_LOGS=$logs
	LEAKCHECK_TOP=$top
	CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}
	# For tests/e2e.c, if it honours it: the demo server under memcheck
	# too (libtool finds the real binary behind the wrapper script).
	RPCAUTH_TEST_SERVER_WRAPPER="$dir/libtool --mode=execute valgrind --quiet --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=$top/tests/valgrind.supp --log-file=$logs/vg-server.%p.log"
	export LEAKCHECK_LOGS LEAKCHECK_TOP CK_TIMEOUT_MULTIPLIER \
	    RPCAUTH_TEST_SERVER_WRAPPER
	make -C "$dir/tests" -s check \
	    LOG_COMPILER="$top/scripts/leakcheck.sh" \
	    AM_LOG_FLAGS="--under-valgrind" >"$out" 2>&1 || rc=$?
fi
took=$(( $(date +%s) - start ))

grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' "$out" || true
leaks=0
leaked_bytes=0
errors=0
if [ "$mode" = lsan ]; then
	for f in "$logs"/asan.*; do
		[ -e "$f" ] || continue
		n=$(sed -n 's/^SUMMARY: AddressSanitizer: \([0-9]*\) byte(s) leaked in \([0-9]*\) allocation(s).*/\2 \1/p' "$f")
		if [ -n "$n" ]; then
			leaks=$((leaks + ${n% *}))
			leaked_bytes=$((leaked_bytes + ${n#* }))
		fi
		e=$(grep -c '^==[0-9]*==ERROR: \(AddressSanitizer\|UndefinedBehaviorSanitizer\)' "$f" || true)
		errors=$((errors + e))
	done
	reports=$(ls "$logs" | wc -l)
else
	for f in "$logs"/vg.*.log; do
		[ -e "$f" ] || continue
		# "N bytes in M blocks", or "N (D direct, I indirect) bytes in M blocks"
		for n in $(sed -n 's/^==[0-9]*== \([0-9,]*\) .*bytes in \([0-9,]*\) blocks are definitely lost.*/\2:\1/p' "$f" | tr -d ,); do
			leaks=$((leaks + ${n%:*}))
			leaked_bytes=$((leaked_bytes + ${n#*:}))
		done
		e=$(grep -c '^==[0-9]*== \(Invalid\|Conditional jump\|Use of uninitialised\|Syscall param\|Mismatched free\|Source and destination overlap\)' "$f" || true)
		errors=$((errors + e))
	done
	reports=$(grep -l . "$logs"/vg.*.log 2>/dev/null | wc -l)
fi

if [ "$reports" -gt 0 ]; then
	echo "---- leak and error reports ($logs):"
	for f in "$logs"/*; do
		[ -s "$f" ] || continue
		echo "-- $f"
		head -n 120 "$f"
	done
fi
echo "leakcheck ($mode): $leaks leaked blocks ($leaked_bytes bytes), $errors memory errors, $reports reports; suite exit $rc; ${took} s"
if [ "$rc" -ne 0 ]; then
	echo "leakcheck: the suite failed under the leak checker; see $out and $dir/tests/*.log"
	grep -A 30 '^FAIL\|^ERROR' "$dir/tests/test-suite.log" 2>/dev/null | head -n 80 || true
	exit 1
fi
[ "$leaks" -eq 0 ] && [ "$errors" -eq 0 ] && [ "$reports" -eq 0 ]
