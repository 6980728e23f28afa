#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# The shared object exports exactly the functions the header declares, each
# with the version node it was released with, and nothing else.
set -eu
srcdir=${srcdir:-.}
so=.libs/libaarch64paging.so
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Function names declared in the header: "ap_name(" at the start of a
# declaration, after the return type.
sed -n 's/^[a-z0-9_ ]*[ *]\(ap_[a-z0-9_]*\)(.*/\1/p' "$srcdir/include/aarch64_paging.h" | sort -u > "$work/declared"
nm -D --defined-only --with-symbol-versions "$so" | awk '$2 == "T" { print $3 }' > "$work/exported"
sed 's/@.*//' "$work/exported" | sort -u > "$work/exported_names"

if ! diff -u "$work/declared" "$work/exported_names"; then
	echo "test_symbols: exported functions differ from the header's declarations" >&2
	exit 1
fi
# A symbol keeps the node it was released with: the functions of 0.1 and
# 0.2 (listed in abi/symbols-0.1.txt) are in AARCH64_PAGING_0.1, the ones
# added since in AARCH64_PAGING_0.3.
node_of() { # name -> the node it must carry
	if grep -qx "$1" "$srcdir/abi/symbols-0.1.txt"; then echo AARCH64_PAGING_0.1; else echo AARCH64_PAGING_0.3; fi
}
wrong=0
while read -r versioned; do
	name=${versioned%%@*}
	if [ "$versioned" != "$name@@$(node_of "$name")" ]; then
		echo "test_symbols: $versioned should be $name@@$(node_of "$name")" >&2
		wrong=1
	fi
done < "$work/exported"
if ! sort -c "$srcdir/abi/symbols-0.1.txt" 2>/dev/null ||
	[ -n "$(comm -23 "$srcdir/abi/symbols-0.1.txt" "$work/exported_names")" ]; then
	echo "test_symbols: a released function is gone or abi/symbols-0.1.txt is unsorted" >&2
	wrong=1
fi
[ "$wrong" = 0 ] || exit 1
others=$(nm -D --defined-only "$so" | awk '$2 != "T" && $3 != "AARCH64_PAGING_0.1" && $3 != "AARCH64_PAGING_0.3" { print }')
if [ -n "$others" ]; then
	echo "test_symbols: unexpected exported non-function symbols:" >&2
	echo "$others" >&2
	exit 1
fi
echo "test_symbols: $(wc -l < "$work/declared") functions, all versioned"
