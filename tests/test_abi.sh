#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The ABI guard: abidiff compares the shared object just built with the
# baseline kept in abi/libaarch64paging.abi, looking only at the types of
# the public header. An incompatible change (a removed function, a changed
# struct or enum, a changed signature) fails; a compatible one (a new
# function) is printed and passes: record it on purpose with
# `make abi-baseline` (see docs/ABI.md).
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
command -v abidiff >/dev/null || { echo "abi: abidiff is missing (apt-get install abigail-tools)" >&2; exit 1; }

baseline=$abs_top_srcdir/abi/libaarch64paging.abi
library=$abs_top_builddir/.libs/libaarch64paging.so.0

# Two passes. With the header filter, abidiff looks at public types only,
# but it then also hides changes made through types of the C library's
# headers (an int64_t parameter becoming int32_t). Without the filter it
# sees those; the library's own structs are not in the baseline, so their
# changes do not count there.
compare() { # label, abidiff options...
	local label=$1 status=0 report changed variables
	shift
	report=$(abidiff "$@" "$baseline" "$library") || status=$?
	echo "$label: $report"
	# abidiff's status is a bit set: 1 error, 2 usage, 4 ABI change,
	# 8 incompatible ABI change (removed symbols only; a changed type or
	# signature sets bit 4, as does an added function).
	if (( status & 3 )); then
		echo "abi: abidiff could not compare (status $status)" >&2
		return 1
	fi
	changed=$(sed -n 's/^Functions changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' <<<"$report")
	variables=$(sed -n 's/^Variables changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' <<<"$report")
	if (( status & 8 )) || { (( status & 4 )) && [ "$changed $variables" != "0 0 0 0" ]; }; then
		echo "abi: incompatible change against abi/libaarch64paging.abi ($label)" >&2
		return 1
	fi
	if (( status & 4 )); then
		echo "abi: functions were added; run 'make abi-baseline' to record them"
	fi
}

compare "public types" --drop-private-types --headers-dir2 "$abs_top_srcdir/include"
compare "all types"
echo "abi: no incompatible change against the baseline"
