#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Every Check suite again, built with clang's AddressSanitizer and
# UndefinedBehaviorSanitizer (LeakSanitizer on), the library compiled from
# its sources with the same flags. Any report fails the run: out-of-bounds
# or use-after-free accesses, signed overflow, misaligned or wide shifts,
# leaks. valgrind (test_valgrind.sh) sees uninitialised reads, which these
# do not; these see undefined behaviour and stack overflows, which
# valgrind does not.
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
: "${CHECK_SUITES:?run through make check}" "${CORE_SOURCES:?run through make check}"

src=$abs_top_srcdir
work=$abs_top_builddir/tests/sanitizers
fail() { echo "sanitizers: $*" >&2; exit 1; }
command -v clang >/dev/null || fail "clang is missing (apt-get install clang)"
pkg-config --exists check || fail "Check is missing (apt-get install check)"

rm -rf "$work"
mkdir -p "$work/lib"
flags=(-std=c99 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
	-fno-sanitize-recover=all -pthread -I"$src/include" -I"$src/lib" -I"$src/tests")

# The hosted library: the core, the hosted helpers, the memory-only arch.
sources=()
for source in $CORE_SOURCES lib/hosted/objects.c lib/hosted/page_pool.c \
	lib/hosted/dump_file.c lib/arch/host.c; do
	case $source in *.c) sources+=("$src/$source") ;; esac
done
# Two compilers at a time, one per core.
printf '%s\n' "${sources[@]}" | xargs -P 2 -I{} sh -c \
	'source=$0 out=$1; shift; clang "$@" -c "$source" -o "$out/$(basename "$source" .c).o"' \
	{} "$work/lib" "${flags[@]}"
ar rcs "$work/libap.a" "$work"/lib/*.o
clang "${flags[@]}" $(pkg-config --cflags check) -c "$src/tests/test_util.c" -o "$work/test_util.o"

build_suite() { # suite name -> $work/name
	extra=() source=$1
	case $1 in
	# check_attr_fields parses attributes with aptables' map-file words.
	check_attr_fields) extra=(-I"$src/tools/aptables" "$src/tools/aptables/attrs.c") ;;
	# check_idmap again per granule (IDMAP_GRANULE as in Makefile.am).
	check_idmap_16k) source=check_idmap extra=(-DIDMAP_GRANULE=1) ;;
	check_idmap_64k) source=check_idmap extra=(-DIDMAP_GRANULE=2) ;;
	esac
	clang "${flags[@]}" $(pkg-config --cflags check) -o "$work/$1" "${extra[@]}" \
		"$src/tests/$source.c" "$work/test_util.o" "$work/libap.a" $(pkg-config --libs check)
}

# Check must not fork, or LeakSanitizer would only see the parent. Each
# suite's output goes to its own log; a failing one is printed.
export CK_FORK=no
# The model suite runs its full step count natively (check_model); here a
# quarter of it reaches every operation at a quarter of the time.
export AP_MODEL_STEPS=${AP_MODEL_STEPS:-20}
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:allow_user_segv_handler=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite() { # suite name
	if ! "$work/$1" >"$work/$1.log" 2>&1; then
		tail -n 40 "$work/$1.log" >&2
		echo "FAIL: $1 under ASan + UBSan" >&2
		return 1
	fi
	echo "ok: $1 under ASan + UBSan: $(grep -E '^[0-9]+%: Checks' "$work/$1.log")"
}

status=0
for suite in $CHECK_SUITES; do
	name=${suite#tests/}
	build_suite "$name"
	run_suite "$name" || status=1
done
exit $status
