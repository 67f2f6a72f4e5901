#!/bin/sh
# scripts/test.sh - README command 2: install what is missing, build, and run the
# whole suite twice: a normal -Werror build and an ASan+UBSan build (halt on the
# first error).  Prints each Check summary and one closing "N passed, N failed".
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh

passed=0
failed=0
run_suite() {
	name=$1; dir=$2; shift 2
	echo "== $name build ($dir)"
	scripts/build.sh "$dir" "$@"
	if ! make -C "$dir/tests" -s check >"$dir/check.out" 2>&1; then
		cat "$dir/check.out"
		for log in "$dir"/tests/*.log; do
			case "$log" in */test-suite.log) continue ;; esac
			if grep -q "^FAIL\|^ERROR" "${log%.log}.trs" 2>/dev/null; then
				echo "---- $log"; tail -n 60 "$log"
			fi
		done
		summarize "$dir"
		echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed"
		exit 1
	fi
	# examples/: the copy-and-go service, run the way its README says.
	if ! make -C "$dir/examples" -s check >"$dir/examples.out" 2>&1; then
		cat "$dir/examples.out"
		for log in "$dir"/examples/test/*.log; do
			case "$log" in */test-suite.log) continue ;; esac
			echo "---- $log"; tail -n 60 "$log"
		done
		summarize "$dir"
		echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed"
		exit 1
	fi
	summarize "$dir"
}
summarize() {
	for log in "$1"/tests/check_*.log; do
		line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1 || true)
		[ -n "$line" ] || continue
		echo "$(basename "${log%.log}"): $line"
		c=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
		f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
		e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
		passed=$((passed + c - f - e))
		failed=$((failed + f + e))
	done
	# Script tests (README snippets, tool messages, examples): one each.
	for trs in "$1"/tests/*.sh.trs "$1"/examples/test/*.sh.trs; do
		[ -f "$trs" ] || continue
		case "$(sed -n 's/^:test-result: //p' "$trs")" in
		PASS) passed=$((passed + 1)) ;;
		SKIP) echo "$(basename "${trs%.trs}"): SKIPPED (not counted)" ;;
		*) failed=$((failed + 1)) ;;
		esac
	done
}

run_suite normal build/normal --enable-werror
run_suite sanitizer build/asan --enable-sanitizers
echo "tests: $passed passed, $failed failed" | tee build/test-summary.txt
[ "$failed" -eq 0 ]
