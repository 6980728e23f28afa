#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The ABI guard: abidiff compares the shared object just built with the
# baseline kept in abi/libaarch64paging.abi, looking only at the types of
# the public header. An incompatible change (a removed function, a changed
# struct or enum, a changed signature) fails; a compatible one passes with
# a note: a new function, or members added at the end of a public struct
# whose first member is `size_t size` (the caller's or the library's
# sizeof, which tells the other side how much of the struct exists).
# Record a compatible change on purpose with `make abi-baseline` (see
# docs/ABI.md).
#
# The guard is the function abi_guard. Before it judges the library, a
# self-test runs it on small shared objects built here from tiny headers,
# one per rule, and checks that it accepts and rejects what it should.
# `tests/test_abi.sh --guard-only` skips the self-test.
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
for tool in abidiff abidw; do
	command -v "$tool" >/dev/null || { echo "abi: $tool is missing (apt-get install abigail-tools)" >&2; exit 1; }
done
cc=${CC:-cc}
command -v "$cc" >/dev/null || { echo "abi: no C compiler ($cc) for the guard's self-test" >&2; exit 1; }
command -v python3 >/dev/null || { echo "abi: python3 is missing" >&2; exit 1; }

abidw_options=(--no-corpus-path --short-locs --no-comp-dir-path)

# The struct tags of the headers given whose first member is `size_t size`:
# the structs that may grow at their end. Comment lines and blank lines
# before the first member are skipped; the opening brace must be on the
# line of `struct NAME`, as in the project's header. A struct this misses
# is held to the stricter rule (no change at all), never a looser one.
size_fielded_structs() { # header...
	awk '
	/^[ \t]*(typedef[ \t]+)?struct[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*\{/ {
		tag = $0
		sub(/^[ \t]*(typedef[ \t]+)?struct[ \t]+/, "", tag)
		sub(/[ \t]*\{.*/, "", tag)
		inside = 1; first = ""; next
	}
	inside && first == "" {
		line = $0
		if (line ~ /^[ \t]*$/ || line ~ /^[ \t]*(\/\*|\*|\/\/)/) next
		first = line
		sized = (line ~ /^[ \t]*size_t[ \t]+size[ \t]*;/)
	}
	inside && /^[ \t]*\}/ {
		inside = 0
		if (sized) print tag
		sized = 0
	}' "$@" | sort -u
}

# Growth at the end, undone: reads the ABI XML of the new library on
# standard input and writes it with each named struct that is larger than
# in the baseline cut back to the baseline's size, dropping the members at
# or past that size. What is left must then equal the baseline exactly, so
# abidiff still sees a member inserted in the middle (the old last members
# are cut off or moved), a changed member type or offset, a removed member,
# a struct that shrank, a grown struct that has no size field (it is not
# cut) and a grown struct embedded by value in another (the other's offsets
# or size change). Prints what is larger on standard error.
#
# (A libabigail suppression with has_data_member_inserted_at = end was
# tried first; libabigail 2.2 then also hides a changed member type, or a
# member inserted in the middle when the suppression names the typedef.
# The self-test below keeps those cases.)
cut_end_growth_py=$(cat <<'PY'
import sys
import xml.etree.ElementTree as ET

baseline, names = sys.argv[1], set(sys.argv[2:])

def complete(root):
    for c in root.iter("class-decl"):
        if c.get("name") in names and c.get("is-declaration-only") != "yes" and c.get("size-in-bits"):
            yield c

old = {c.get("name"): int(c.get("size-in-bits")) for c in complete(ET.parse(baseline).getroot())}
tree = ET.parse(sys.stdin)
grown = {}
for c in complete(tree.getroot()):
    name, size = c.get("name"), int(c.get("size-in-bits"))
    if name not in old or size <= old[name]:
        continue
    for member in list(c.findall("data-member")):
        if int(member.get("layout-offset-in-bits", "0")) >= old[name]:
            c.remove(member)
    c.set("size-in-bits", str(old[name]))
    grown[name] = (old[name], size)
for name, (before, after) in sorted(grown.items()):
    print(f"abi: struct {name} is larger than in the baseline ({before} -> {after} bits);"
          f" comparing its first {before} bits", file=sys.stderr)
tree.write(sys.stdout, encoding="unicode")
PY
)
cut_end_growth() { # baseline, struct tag...
	python3 -c "$cut_end_growth_py" "$@"
}

# One abidiff run of the guard. abidiff's status is a bit set: 1 error,
# 2 usage, 4 ABI change, 8 incompatible ABI change (removed symbols only; a
# changed type or signature sets bit 4, as does an added function). So any
# removed or changed function or variable fails, and an ABI change that is
# neither is an addition.
abi_compare() { # label, baseline, new ABI, abidiff options...
	local label=$1 baseline=$2 new=$3 status=0 report changed variables
	shift 3
	report=$(abidiff "$@" "$baseline" "$new") || status=$?
	echo "$label: ${report:-no change}"
	if (( status & 3 )); then
		echo "abi: abidiff could not compare (status $status)" >&2
		return 1
	fi
	changed=$(sed -n 's/^Functions changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' <<<"$report")
	variables=$(sed -n 's/^Variables changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' <<<"$report")
	if (( status & 12 )) && { [ -z "$changed" ] || [ -z "$variables" ]; }; then
		echo "abi: abidiff reported a change this guard cannot read ($label)" >&2
		return 1
	fi
	if (( status & 8 )) || { (( status & 4 )) && [ "$changed $variables" != "0 0 0 0" ]; }; then
		echo "abi: incompatible change against $(basename "$baseline") ($label)" >&2
		return 1
	fi
	if (( status & 4 )); then
		echo "abi: functions were added; record them with 'make abi-baseline'"
	fi
}

# The guard: the library against the baseline, with the headers of the
# library's side, growth at the end of size-fielded structs cut off first.
# Two passes. With the header filter, abidw keeps public types only, but it
# then also hides changes made through types of the C library's headers
# (an int64_t parameter becoming int32_t). Without the filter it sees
# those; the library's own structs are not in the baseline, so their
# changes do not count there.
abi_guard() { # baseline, library, headers directory
	local baseline=$1 library=$2 headers=$3 work structs status=0
	work=$(mktemp -d)
	mapfile -t structs < <(size_fielded_structs "$headers"/*.h)
	{
		abidw "${abidw_options[@]}" --drop-private-types --headers-dir "$headers" "$library" |
			cut_end_growth "$baseline" "${structs[@]}" 2>"$work/grown" >"$work/public.abi" &&
			cat "$work/grown" &&
			abidw "${abidw_options[@]}" "$library" |
			cut_end_growth "$baseline" "${structs[@]}" >"$work/all.abi" 2>/dev/null &&
			abi_compare "public types" "$baseline" "$work/public.abi" &&
			abi_compare "all types" "$baseline" "$work/all.abi"
	} || status=$?
	if ((status == 0)) && [ -s "$work/grown" ]; then
		echo "abi: members were added at the end of size-fielded structs (accepted);" \
			"record them with 'make abi-baseline'"
	fi
	rm -rf "$work"
	return $status
}

# ---------------------------------------------------------------- self-test
# A tiny library: t_opts_t begins with `size_t size` and so may grow at its
# end; t_region_t does not. Each case edits the header with sed, builds the
# library again, and runs abi_guard against the baseline of the original
# (recorded with the options of `make abi-baseline`).
selftest_header='#include <stddef.h>
#include <stdint.h>
typedef struct t_opts {
	size_t size; /* The caller sets sizeof(t_opts_t). */
	int level;
	unsigned flags;
} t_opts_t;
typedef struct t_region {
	uint64_t start;
	uint64_t length;
} t_region_t;
int t_configure(const t_opts_t *opts);
int t_cover(const t_region_t *region);
int t_count(int64_t n);
int t_spare(void);'
selftest_source='#include "t.h"
int t_configure(const t_opts_t *opts) { return opts->level; }
int t_cover(const t_region_t *region) { return (int)region->start; }
#ifndef T_COUNT_T
#define T_COUNT_T int64_t
#endif
int t_count(T_COUNT_T n) { return (int)n; }
#ifndef T_NO_SPARE
int t_spare(void) { return 0; }
#endif
#ifdef T_EXTRA
int t_extra(void) { return 1; }
#endif'

selftest_build() { # directory, sed script for the header, extra cc flags...
	local dir=$1 edit=$2
	shift 2
	mkdir -p "$dir"
	sed -e "$edit" <<<"$selftest_header" >"$dir/t.h"
	printf '%s\n' "$selftest_source" >"$dir/t.c"
	"$cc" -std=c99 -g -O0 -fPIC -shared -fvisibility=default -o "$dir/libt.so" "$dir/t.c" "$@"
}

selftest() {
	local work failures=0 name expect edit flags result
	work=$(mktemp -d)
	selftest_build "$work/base" ''
	abidw "${abidw_options[@]}" --drop-private-types --headers-dir "$work/base" \
		"$work/base/libt.so" >"$work/base.abi"
	# name | expected | sed script for t.h | cc flags
	while IFS='|' read -r name expect edit flags; do
		[ -n "$name" ] || continue
		# shellcheck disable=SC2086 # flags are words
		selftest_build "$work/$name" "$edit" $flags
		# A rejection counts only when the comparison made it, not a
		# failure of the tools.
		if abi_guard "$work/base.abi" "$work/$name/libt.so" "$work/$name" >"$work/$name.log" 2>&1; then
			result=accepted
		elif grep -q '^abi: incompatible change' "$work/$name.log"; then
			result=rejected
		else
			result=broken
		fi
		if [ "$result" = "$expect" ]; then
			echo "abi self-test: $name: $result, as it should be"
		else
			echo "abi self-test: $name: $result, but should be $expect:" >&2
			cat "$work/$name.log" >&2
			failures=$((failures + 1))
		fi
	done <<'CASES'
unchanged|accepted||
grow-size-fielded-struct-at-end|accepted|/unsigned flags;/a\	uint64_t extra;|
add-function|accepted|$a\int t_extra(void);|-DT_EXTRA
insert-member-in-middle|rejected|/int level;/i\	int inserted;|
change-member-type|rejected|s/int level;/long level;/|
grow-at-end-and-change-member-type|rejected|s/int level;/long level;/; /unsigned flags;/a\	uint64_t extra;|
remove-last-member|rejected|/unsigned flags;/d|
grow-struct-without-size-field|rejected|/uint64_t length;/a\	uint64_t extra;|
remove-function|rejected|/t_spare/d|-DT_NO_SPARE
change-signature|rejected|s/int t_count(int64_t n)/int t_count(int32_t n)/|-DT_COUNT_T=int32_t
CASES
	rm -rf "$work"
	if ((failures)); then
		echo "abi: the guard's self-test failed ($failures case(s))" >&2
		return 1
	fi
	echo "abi self-test: the guard accepts and rejects what it should"
}

if [ "${1:-}" != --guard-only ]; then
	selftest
fi

echo "abi: size-fielded public structs: $(size_fielded_structs "$abs_top_srcdir/include/aarch64_paging.h" | tr '\n' ' ')"
abi_guard "$abs_top_srcdir/abi/libaarch64paging.abi" "$abs_top_builddir/.libs/libaarch64paging.so.0" \
	"$abs_top_srcdir/include"
echo "abi: no incompatible change against the baseline"
