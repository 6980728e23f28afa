#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Builds the libFuzzer targets of fuzz/ with clang (address and undefined
# behaviour sanitizers, the library sources compiled in) inside the build
# tree, runs each for FUZZ_SECONDS (default 20, both at once) from a copy of
# the seed corpus, and fails on any crash or sanitizer report. Then, when
# FUZZ_COVERAGE=1 (the default of `make fuzz`) and llvm-cov are installed, replays the corpora through a
# coverage build and prints the line coverage of lib/.
# `make fuzz` runs the same with FUZZ_SECONDS=600 (FUZZ_KEEP=1 keeps the
# grown corpora in the build tree).
set -u
srcdir=${abs_top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${abs_top_builddir:-$(pwd)}
seconds=${FUZZ_SECONDS:-15}
CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "FAIL: $CLANG not found (.ci/debian-packages lists clang)"
	exit 1
fi
work=$builddir/fuzz-work
rm -rf "$work"
mkdir -p "$work/obj" "$work/corpus"
cd "$work" || exit 1

# The hosted library, from the list Makefile.am exports (headers dropped).
lib_sources=
for s in ${CORE_SOURCES:?run through make check} lib/hosted/objects.c lib/hosted/page_pool.c \
	lib/hosted/dump_file.c lib/arch/host.c; do
	case $s in *.c) lib_sources="$lib_sources $s" ;; esac
done
common="-g -O1 -I$srcdir/include -I$srcdir/lib -I$srcdir/tools/aptables -D_POSIX_C_SOURCE=200809L"

# build DIR FLAGS: both targets into DIR.
build() {
	dir=$1
	shift
	mkdir -p "$dir" || return 1
	objs=
	for s in $lib_sources tools/aptables/attrs.c tools/aptables/output.c; do
		o=$dir/$(echo "$s" | tr / _).o
		"$CLANG" "$@" $common -c "$srcdir/$s" -o "$o" || return 1
		objs="$objs $o"
	done
	"$CLANG" "$@" $common -Dfopen=fuzz_mapfile_fopen -c "$srcdir/tools/aptables/mapfile.c" \
		-o "$dir/mapfile.o" || return 1
	"$CLANG" "$@" $common "$srcdir/fuzz/fuzz_api.c" $objs -o "$dir/fuzz_api" || return 1
	"$CLANG" "$@" $common "$srcdir/fuzz/fuzz_mapfile.c" $objs "$dir/mapfile.o" \
		-o "$dir/fuzz_mapfile" || return 1
	"$CLANG" "$@" $common "$srcdir/fuzz/fuzz_adopt.c" $objs -o "$dir/fuzz_adopt" || return 1
}

echo "building the fuzzers with $($CLANG --version | head -1)"
build "$work/obj" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all || {
	echo "FAIL: the fuzzers do not build"
	exit 1
}

status=0
for t in api mapfile adopt; do
	cp -R "$srcdir/fuzz/corpus/$t" "$work/corpus/$t"
	chmod -R u+w "$work/corpus/$t"
	mask=0
	test $t = mapfile && mask=2 # the parser's error messages
	(cd "$work" && "$work/obj/fuzz_$t" -max_total_time="$seconds" -close_fd_mask=$mask \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$work/crash-$t-" "$work/corpus/$t" \
		>"$work/$t.log" 2>&1; echo $? >"$work/$t.rc") &
done
wait
for t in api mapfile adopt; do
	rc=$(cat "$work/$t.rc")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
	echo "fuzz_$t: exit $rc, ${runs:-?} executions in ${seconds}s (${speed:-?}/s), corpus $(ls "$work/corpus/$t" | wc -l) inputs"
	if test "$rc" != 0 || grep -q "ERROR: \|runtime error:\|^fuzz_api: \|^fuzz_mapfile: \|^fuzz_adopt: " "$work/$t.log"; then
		echo "FAIL: fuzz_$t found a problem; its log ($work/$t.log) ends:"
		tail -40 "$work/$t.log"
		ls "$work"/crash-$t-* 2>/dev/null
		status=1
	fi
done

# Line coverage of lib/ reached by the final corpora (optional).
profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata)
cov=$(command -v llvm-cov-14 || command -v llvm-cov)
if test $status = 0 && test "${FUZZ_COVERAGE:-0}" != 0 && test -n "$profdata" && test -n "$cov"; then
	if build "$work/cov" -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping; then
		for t in api mapfile adopt; do
			LLVM_PROFILE_FILE="$work/cov/$t.profraw" "$work/cov/fuzz_$t" -runs=0 \
				-close_fd_mask=2 "$work/corpus/$t" >/dev/null 2>&1
		done
		"$profdata" merge -o "$work/cov/all.profdata" "$work"/cov/*.profraw &&
			"$cov" report "$work/cov/fuzz_api" -object "$work/cov/fuzz_mapfile" -object "$work/cov/fuzz_adopt" \
				-instr-profile="$work/cov/all.profdata" "$srcdir/lib" | tail -1 |
			awk '{ print "line coverage of lib/ by the three corpora: " $10 " (" $8 " lines, " $9 " missed)" }'
	fi
else
	echo "coverage: not measured (llvm-profdata/llvm-cov missing, FUZZ_COVERAGE=0, or a failure)"
fi
if test "${FUZZ_KEEP:-0}" = 0 && test $status = 0; then
	rm -rf "$work/obj" "$work/cov"
fi
exit $status
