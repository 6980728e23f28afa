#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# The core builds freestanding (-ffreestanding -nostdlib, with the fixed
# pools in place of malloc and mmap) with this host's compiler and needs
# nothing from outside but memset and memcpy, which every bare-metal image
# provides. (tests/baremetal does the same for the AArch64 build.)
set -eu
srcdir=${srcdir:-.}
if [ -z "${CORE_SOURCES:-}" ] || [ -z "${FREESTANDING_SOURCES:-}" ]; then
	echo "test_freestanding: CORE_SOURCES or FREESTANDING_SOURCES is not set (run it through make check)" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for source in $CORE_SOURCES $FREESTANDING_SOURCES lib/arch/host.c; do
	case "$source" in *.c) ;; *) continue ;; esac
	${CC:-cc} -std=c99 -O2 -ffreestanding -nostdlib -fvisibility=hidden -Wall -Wextra -Werror \
		-I"$srcdir/include" -I"$srcdir/lib" -c "$srcdir/$source" \
		-o "$work/$(echo "$source" | tr / _).o"
done
ld -r -o "$work/core.o" "$work"/*.o
nm -u "$work/core.o" | awk '{ print $2 }' | sort > "$work/undefined"
if grep -v -x -e memset -e memcpy "$work/undefined"; then
	echo "test_freestanding: the core needs the symbols above from outside" >&2
	exit 1
fi
echo "test_freestanding: the core needs only: $(tr '\n' ' ' < "$work/undefined")"
