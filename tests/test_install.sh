#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Installs into a scratch DESTDIR, then builds and runs a program the way a
# user would: with nothing but `pkg-config --cflags --libs aarch64-paging`.
# Then imports the installed Python package (from its installed directory,
# with AP_LIBRARY naming the installed library) and maps a page with it.
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

# The documentation: the man page, the map format and the guides under the
# documentation directory, and the HTML reference unless configure left it
# out (it says so, and so does this test).
missing=
check_installed() { # name pattern under the scratch root
	if [ -z "$(find "$dest" -path "$1" | head -n 1)" ]; then
		missing="$missing $1"
	fi
}
check_installed '*/share/man/man1/aptables.1'
for doc in map-format.md ABI.md guide-hypervisor.md guide-baremetal.md \
	guide-build-tool.md guide-granules.md README.md; do
	check_installed "*/share/doc/libaarch64paging/$doc"
done
case ${HTML_DOCS:-yes} in
yes)
	check_installed '*/share/doc/libaarch64paging/html/index.html'
	check_installed '*/share/doc/libaarch64paging/html/aarch64__paging_8h.html'
	check_installed '*/share/doc/libaarch64paging/html/md_docs_guide_hypervisor.html'
	;;
*)
	echo "test_install: the HTML reference is not checked: configured with HTML_DOCS=$HTML_DOCS (no doxygen, or --disable-html-docs)"
	;;
esac
if [ -n "$missing" ]; then
	echo "test_install: not installed:$missing" >&2
	exit 1
fi

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

if [ -n "${PYTHON:-}" ] || command -v python3 >/dev/null; then
	python=${PYTHON:-python3}
	package=$(find "$dest" -type d -name aarch64paging -path '*python*' | head -n 1)
	if [ -z "$package" ] || [ ! -f "$package/__init__.py" ]; then
		echo "test_install: the Python package aarch64paging was not installed" >&2
		exit 1
	fi
	if [ ! -f "$package/py.typed" ]; then
		echo "test_install: $package has no py.typed (PEP 561), so type checkers ignore its hints" >&2
		exit 1
	fi
	pyversion=$(PYTHONPATH="$(dirname "$package")" AP_LIBRARY="$libdir/libaarch64paging.so.0" \
		PYTHONDONTWRITEBYTECODE=1 "$python" -c '
import aarch64paging as ap
with ap.Mapping.identity() as m:
    m.map(0x40000000, 0x1000, 0x80000000, ap.AP_EL1_VALID | ap.AP_EL1_ACCESSED)
    assert m.translate(0x40000010).output_address == 0x80000010
print(ap.version_string())
')
	if [ "$pyversion" != "$expected" ]; then
		echo "test_install: the Python package printed '$pyversion', pkg-config says '$expected'" >&2
		exit 1
	fi
	echo "test_install: the Python package in $package maps with version $pyversion"
fi
