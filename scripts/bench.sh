#!/bin/sh
# scripts/bench.sh - build (optimized, -O2) and run the benchmark: AUTH_SYS,
# libtirpc's built-in RPCSEC_GSS and rpcauth side by side in one run, next to a
# private KDC; prints one Markdown table on stdout, progress on stderr.  Never
# part of the test suite.  See bench/README.md for what each figure means.
#
# Environment (defaults in brackets):
#   BENCH_REPS [3]             repetitions; every figure is a median of these
#   BENCH_SECONDS [2]          least timed part of each system in each figure
#   BENCH_COMPARE [1]          0: skip the three-way comparison
#   BENCH_CONTEXTS [100000]    live contexts for the scale figure; 0 skips it
#   BENCH_MEM_CONTEXTS [10000] contexts for the first memory reading
#   BENCH_CONN_CONTEXTS [1000] connections for the per-connection memory row
#   BENCH_BUILD [build/normal] build directory (scripts/build.sh)
#   BENCH_ONLY []              only figures whose name has this text,
#                              e.g. "krb5p ECHO 64" or "setups";
#                              "workers": 8 clients, 1 and 2 server workers
#   BENCH_SERVERS [one]        one: one server process for all systems;
#                              each: one per system (A/B)
#   BENCH_PIN_CPU []           N: bind every process to CPU N (small calls
#                              without cross-core wake-ups; bench/README.md)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
dir=${BENCH_BUILD:-build/normal}
echo "bench: building ($dir)" >&2
# The same configure arguments as scripts/test.sh and scripts/demo.sh, so
# that a shared build directory is not reconfigured back and forth.
scripts/build.sh "$dir" --enable-werror
case $dir in /*) ;; *) dir=$top/$dir ;; esac

# One context per connection on the libtirpc side: client and server each
# hold BENCH_CONN_CONTEXTS descriptors at once.
need=$(( ${BENCH_CONN_CONTEXTS:-1000} + 256 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
	ulimit -n "$need" 2>/dev/null || {
		echo "bench: open file limit $(ulimit -n) is below $need;" \
		    "lower BENCH_CONN_CONTEXTS or raise ulimit -n" >&2
		exit 1
	}
fi

"$dir/bench/rpcbench" --reps "${BENCH_REPS:-3}" \
    --seconds "${BENCH_SECONDS:-2}" --compare "${BENCH_COMPARE:-1}" \
    --contexts "${BENCH_CONTEXTS:-100000}" \
    --mem-contexts "${BENCH_MEM_CONTEXTS:-10000}" \
    --conn-contexts "${BENCH_CONN_CONTEXTS:-1000}" \
    --servers "${BENCH_SERVERS:-one}" \
    ${BENCH_PIN_CPU:+--pin-cpu "$BENCH_PIN_CPU"} \
    ${BENCH_ONLY:+--only "$BENCH_ONLY"}

# What the figures depend on, for whoever compares two runs.
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo "?")
echo
# What the crypto runs on: OpenSSL picks its code paths by these flags.
flags=$(for f in aes sha_ni avx2 avx512f; do
	grep -qw "$f" /proc/cpuinfo && printf ' %s' "$f"; done)
echo "Machine: ${cpu:-?}, $(nproc) CPUs (flags:${flags:- none of aes sha_ni avx2 avx512f}), Linux $(uname -r)."
echo "Run: BENCH_REPS=${BENCH_REPS:-3} BENCH_SECONDS=${BENCH_SECONDS:-2}" \
    "BENCH_SERVERS=${BENCH_SERVERS:-one}${BENCH_PIN_CPU:+ BENCH_PIN_CPU=$BENCH_PIN_CPU}${BENCH_ONLY:+ BENCH_ONLY=\"$BENCH_ONLY\"}" \
    "scripts/bench.sh; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "libtirpc $(ver libtirpc3), MIT krb5 $(ver libgssapi-krb5-2)," \
    "OpenSSL $(ver libssl3), rpcauth $rev."
