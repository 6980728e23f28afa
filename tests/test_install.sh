#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Installs into a scratch DESTDIR, then builds and runs a program the way a
# user would: with nothing but `pkg-config --cflags --libs aarch64-paging`.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest="$work/root"

${MAKE:-make} install DESTDIR="$dest" >"$work/install.log" 2>&1 || {
	cat "$work/install.log" >&2
	exit 1
}
pc=$(find "$dest" -name aarch64-paging.pc | head -n 1)
if [ -z "$pc" ]; then
	echo "test_install: aarch64-paging.pc was not installed" >&2
	exit 1
fi
test -n "$(find "$dest" -name aarch64_paging.h)"
test -n "$(find "$dest" -name 'libaarch64paging.so*')"
test -n "$(find "$dest" -name libaarch64paging.a)"

cat > "$work/user.c" <<'PROGRAM'
#include <aarch64_paging.h>
#include <stdio.h>
int main(void)
{
	const ap_regime_t *regime;
	if (ap_regime_get(AP_REGIME_STAGE2, &regime) != AP_OK)
		return 1;
	printf("%s\n", ap_version_string());
	return ap_version() == AP_VERSION ? 0 : 1;
}
PROGRAM

export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs aarch64-paging)
${CC:-cc} -o "$work/user" "$work/user.c" $flags
libdir=$(dirname "$(find "$dest" -name 'libaarch64paging.so' | head -n 1)")
version=$(LD_LIBRARY_PATH="$libdir" "$work/user")
expected=$(pkg-config --modversion aarch64-paging)
if [ "$version" != "$expected" ]; then
	echo "test_install: program printed '$version', pkg-config says '$expected'" >&2
	exit 1
fi
echo "test_install: linked with '$flags', runs version $version"
