#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Compiles and runs the C example of README.md, so the README cannot drift
# from the library. Runs from the top build directory under `make check`.
set -eu
srcdir=${srcdir:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk '/<!-- example: begin -->/ { on = 1; next }
	/<!-- example: end -->/ { on = 0 }
	on && !/^```/ { print }' "$srcdir/README.md" > "$work/example.c"
if ! grep -q 'int main' "$work/example.c"; then
	echo "test_readme_example: no C example found in README.md" >&2
	exit 1
fi

./libtool --mode=link --tag=CC ${CC:-cc} -std=c99 -Wall -Wextra -Werror \
	-I"$srcdir/include" -o "$work/example" "$work/example.c" libaarch64paging.la >/dev/null
./libtool --mode=execute "$work/example" > "$work/output"

# The example maps one 2 MiB block; the walk must land inside it.
grep -q '^0x80212345 -> 0x80212345, a level 2 block$' "$work/output"
grep -q 'RootTable' "$work/output"
echo "README example: ok"
