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
status=0
report=$(abidiff --drop-private-types --headers-dir2 "$abs_top_srcdir/include" \
	"$baseline" "$library") || status=$?
echo "$report"
# abidiff's status is a bit set: 1 error, 2 usage, 4 ABI change,
# 8 incompatible ABI change.
if (( status & 3 )); then
	echo "abi: abidiff could not compare (status $status)" >&2
	exit 1
fi
# Bit 8 covers removed symbols only; a changed type or signature sets bit
# 4, as does an added function. Only additions are compatible.
changed=$(sed -n 's/^Functions changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' <<<"$report")
variables=$(sed -n 's/^Variables changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' <<<"$report")
if (( status & 8 )) || { (( status & 4 )) && [ "$changed $variables" != "0 0 0 0" ]; }; then
	echo "abi: incompatible change against abi/libaarch64paging.abi" >&2
	exit 1
fi
if (( status & 4 )); then
	echo "abi: functions were added; run 'make abi-baseline' to record them"
fi
echo "abi: no incompatible change against the baseline"
