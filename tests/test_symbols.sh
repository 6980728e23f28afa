#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# The shared object exports exactly the functions the header declares, each
# with the library's version node, and nothing else.
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
if grep -v '@@AARCH64_PAGING_0\.1$' "$work/exported"; then
	echo "test_symbols: the symbols above lack the AARCH64_PAGING_0.1 version node" >&2
	exit 1
fi
others=$(nm -D --defined-only "$so" | awk '$2 != "T" && $3 != "AARCH64_PAGING_0.1" { print }')
if [ -n "$others" ]; then
	echo "test_symbols: unexpected exported non-function symbols:" >&2
	echo "$others" >&2
	exit 1
fi
echo "test_symbols: $(wc -l < "$work/declared") functions, all versioned"
