#!/bin/sh
# scripts/fuzz.sh [--seeds] [TARGET...] - build the libFuzzer targets (clang,
# ASan+UBSan, in build/fuzz) and run each for FUZZ_SECONDS (default 20) from
# its committed seeds in tests/fuzz/corpus/<target>.  Prints the executions
# per target; fails on any crash, leak, UBSan report or invariant violation.
#	FUZZ_SECONDS=600 scripts/fuzz.sh	longer runs (10 minutes a target)
#	scripts/fuzz.sh fuzz_svc		one target
#	scripts/fuzz.sh --seeds			regenerate tests/fuzz/corpus
#	FUZZ_BUILD=DIR scripts/fuzz.sh		another build directory
# New inputs accumulate in build/fuzz/corpus/<target> (never committed); a
# finding is saved as build/fuzz/artifacts/<target>/crash-* (or leak-*,
# timeout-*) and the command that replays it is printed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh

dir=${FUZZ_BUILD:-build/fuzz}
seeds=0
if [ "${1:-}" = "--seeds" ]; then
	seeds=1
	shift
fi
targets=${*:-"fuzz_cred fuzz_init fuzz_protect fuzz_svc"}
secs=${FUZZ_SECONDS:-20}

echo "== fuzz build ($dir)"
scripts/build.sh "$dir" CC=clang --enable-fuzz --enable-sanitizers

if [ "$seeds" = 1 ]; then
	for t in fuzz_cred fuzz_init fuzz_protect fuzz_svc; do
		rm -f tests/fuzz/corpus/"$t"/*
	done
	"$dir"/tests/fuzz/fuzz_seeds tests/fuzz/corpus
	exit 0
fi

# libFuzzer owns crash handling; leaks count (MIT's one-time allocations
# are reachable, so no suppressions are needed here).
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

failed=0
for t in $targets; do
	bin=$dir/tests/fuzz/$t
	work=$dir/corpus/$t
	art=$dir/artifacts/$t
	log=$dir/logs/$t.log
	[ -x "$bin" ] || { echo "fuzz: no target $bin" >&2; exit 1; }
	mkdir -p "$work" "$art" "$dir/logs"
	start=$(date +%s)
	rc=0
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$art/" \
	    "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
	took=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|NEW|REDUCE|pulse)' "$log" |
	    tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	echo "$t: ${execs:-0} executions in ${took} s (${rate:-0}/s)," \
	    "coverage ${cov:-?}, $(ls "$work" | wc -l) inputs in $work"
	if [ "$rc" -ne 0 ]; then
		failed=1
		echo "---- $t FAILED (exit $rc); the end of $log:"
		tail -n 60 "$log"
		grep 'Test unit written to' "$log" |
		    sed 's/.*Test unit written to //' | while read -r a; do
			echo "replay: $bin $a"
		done
	fi
done
[ "$failed" -eq 0 ] && echo "fuzz: no findings"
exit "$failed"
