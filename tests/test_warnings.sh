#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# The library compiles without a single warning under -Wall -Wextra, with
# both gcc and clang.
set -eu
srcdir=${srcdir:-.}
status=0
for compiler in gcc clang; do
	if ! command -v "$compiler" >/dev/null 2>&1; then
		echo "test_warnings: $compiler not found (install it; .ci/run does)" >&2
		exit 1
	fi
	for source in "$srcdir"/lib/*.c "$srcdir"/lib/hosted/*.c "$srcdir"/lib/arch/*.c \
		"$srcdir"/lib/freestanding/*.c; do
		# The real arch layer is AArch64 code, built freestanding.
		target=""
		case "$source:$compiler" in
		*/arch/aarch64.c:gcc) target="aarch64-linux-gnu-gcc -ffreestanding" ;;
		*/arch/aarch64.c:clang) target="clang --target=aarch64-linux-gnu -ffreestanding" ;;
		esac
		if ! ${target:-$compiler} -std=c99 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes \
			-Wmissing-prototypes -Werror -I"$srcdir/include" -I"$srcdir/lib" \
			-c "$source" -o /dev/null; then
			echo "test_warnings: $compiler warns on $source" >&2
			status=1
		fi
	done
done
[ $status -eq 0 ] && echo "test_warnings: gcc and clang compile lib/ without warnings"
exit $status
