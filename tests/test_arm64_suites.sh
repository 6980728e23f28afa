#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Check suites on AArch64: cross-built with the project's own configure
# (--host=aarch64-linux-gnu, against Debian's check:arm64, linked statically)
# and run under QEMU user mode. This is a hosted build (memory-only arch
# ops, as AArch64 Linux user space must be), so every suite must give the
# same result as on this host: all checks pass, and each suite runs as many
# checks as its host build does.
set -euo pipefail

: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
: "${CHECK_SUITES:?run through make check}"
work=$abs_top_builddir/tests/arm64
qemu=${QEMU_AARCH64:-qemu-aarch64}
for tool in aarch64-linux-gnu-gcc "$qemu"; do
	if ! command -v "$tool" >/dev/null; then
		echo "arm64: $tool is missing (apt-get install gcc-aarch64-linux-gnu qemu-user)" >&2
		exit 1
	fi
done
if [ ! -e /usr/lib/aarch64-linux-gnu/libcheck.a ]; then
	echo "arm64: Check for arm64 is missing (dpkg --add-architecture arm64; apt-get install check:arm64)" >&2
	exit 1
fi

. "$abs_top_srcdir/tests/cross_configure.sh"
cross_configure "$work" PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig \
	PKG_CONFIG="pkg-config --static" -- --host=aarch64-linux-gnu --disable-shared
# -all-static: libtool's way to link libc and Check statically too, so that
# qemu-aarch64 needs no AArch64 root file system.
make -s -C "$work" ARFLAGS=cr LDFLAGS=-all-static $CHECK_SUITES >/dev/null

# The model suite runs its full step count natively; under emulation a
# quarter of it reaches every operation (the check count is the same).
export AP_MODEL_STEPS=${AP_MODEL_STEPS:-20} AP_TRANSLATE_SAMPLES=${AP_TRANSLATE_SAMPLES:-4000}
failed=0
for suite in $CHECK_SUITES; do
	file "$work/$suite" | grep -q "ARM aarch64" || { echo "arm64: $suite is not an AArch64 program"; exit 1; }
	status=0
	summary=$(cd "$work" && CK_VERBOSITY=normal "$qemu" "./$suite" 2>&1 | grep -E '^[0-9]+%: Checks: ') || status=$?
	# The host build of the same suite, run here with the same settings:
	# make check may not have run it yet.
	host_summary=$(cd "$abs_top_builddir" && CK_VERBOSITY=normal "./$suite" 2>&1 |
		grep -E '^[0-9]+%: Checks: ' || true)
	if [ "$status" -ne 0 ] || ! grep -q '^100%' <<<"$summary"; then
		echo "FAIL: $suite on AArch64: ${summary:-no summary} (status $status)"
		failed=1
	elif [ -z "$host_summary" ]; then
		echo "FAIL: $suite: no host result to compare with (run through make check)"
		failed=1
	elif [ "$summary" != "$host_summary" ]; then
		echo "FAIL: $suite: AArch64 says '$summary', the host said '$host_summary'"
		failed=1
	else
		echo "ok: $suite on AArch64: $summary"
	fi
done
exit "$failed"
