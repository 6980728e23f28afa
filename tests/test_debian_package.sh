#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Debian packaging (debian/) builds, and its packages hold what they
# should:
#  - debian/libaarch64paging0.symbols is what debian/gen-symbols.sh makes
#    of the version script, so Debian's ABI check and the project's agree;
#  - `dpkg-buildpackage -us -uc -b` builds the three binary packages from
#    the distributed files (`make distdir`, so this works in a plain build
#    tree and inside `make distcheck`), and dpkg-gensymbols accepts the
#    symbols file at the strictest level (the build log shows the call,
#    which is run again with one symbol removed and must then fail);
#  - `dpkg-deb -c` and `-I`: files, dependencies and Multi-Arch of each;
#  - lintian finds no errors (warnings are printed);
#  - unpacked into a scratch root with `dpkg -x`, a program compiles and
#    links against it, runs, and aptables builds an example map.
# The package's own test run is skipped (debian/rules): make check is the
# test run. Missing tools make it fail, not skip (.ci/debian-packages).
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
for tool in dpkg-buildpackage dpkg-deb dpkg-gensymbols dh lintian; do
	command -v "$tool" >/dev/null || {
		echo "test_debian_package: $tool is missing (apt-get install debhelper dpkg-dev fakeroot lintian)" >&2
		exit 1
	}
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test_debian_package: $*" >&2; exit 1; }

# 1. The committed symbols file is the generated one.
if ! sh "$abs_top_srcdir/debian/gen-symbols.sh" "$abs_top_srcdir" > "$work/generated.symbols"; then
	fail "debian/gen-symbols.sh failed"
fi
if ! diff -u "$abs_top_srcdir/debian/libaarch64paging0.symbols" "$work/generated.symbols"; then
	fail "debian/libaarch64paging0.symbols is not what debian/gen-symbols.sh makes of lib/libaarch64paging.map (regenerate it: debian/gen-symbols.sh > debian/libaarch64paging0.symbols)"
fi

# 2. Build from the distributed files.
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$abs_top_srcdir/debian/changelog")
upstream=${version%-*}
src="$work/libaarch64paging-$upstream"
${MAKE:-make} -C "$abs_top_builddir" distdir distdir="$src" >"$work/distdir.log" 2>&1 || {
	cat "$work/distdir.log" >&2
	fail "make distdir failed"
}
chmod -R u+w "$src"
[ -d "$src/debian" ] || fail "debian/ is not in the distribution (EXTRA_DIST)"
echo "test_debian_package: dpkg-buildpackage -us -uc -b ($version)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=2" DH_VERBOSE=1 \
	dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -n 60 "$work/build.log" >&2
	fail "dpkg-buildpackage failed"
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
lib_deb="$work/libaarch64paging0_${version}_$arch.deb"
dev_deb="$work/libaarch64paging-dev_${version}_$arch.deb"
tool_deb="$work/aptables_${version}_$arch.deb"
for deb in "$lib_deb" "$dev_deb" "$tool_deb"; do
	[ -f "$deb" ] || fail "$(basename "$deb") was not built; there are: $(cd "$work" && echo *.deb)"
done

# 3. dpkg-gensymbols ran on the library, at the level that fails on any
# difference, and does fail when the symbols file lacks a symbol.
gensymbols=$(grep -E '^[[:space:]]*dpkg-gensymbols .*-plibaarch64paging0' "$work/build.log" | head -n 1 | sed 's/^[[:space:]]*//')
[ -n "$gensymbols" ] || fail "the build log shows no dpkg-gensymbols call for libaarch64paging0"
case " $gensymbols " in
*" -c4 "*) ;;
*) fail "dpkg-gensymbols did not run with -c4: $gensymbols" ;;
esac
grep -q 'dpkg-gensymbols: warning' "$work/build.log" &&
	{ grep 'dpkg-gensymbols' "$work/build.log" >&2; fail "dpkg-gensymbols warned"; }
sed '/^ ap_bbm_safe@/d' "$src/debian/libaarch64paging0.symbols" > "$work/short.symbols"
# The same call, with the shortened file as the reference and no output.
short_call=$(echo "$gensymbols" | sed "s|-Idebian/libaarch64paging0.symbols|-I$work/short.symbols|; s|-I[^ ]*libaarch64paging0.symbols|-I$work/short.symbols|")
case "$short_call" in *"$work/short.symbols"*) ;; *) short_call="$short_call -I$work/short.symbols" ;; esac
if (cd "$src" && eval "$short_call -O$work/out.symbols") >"$work/short.log" 2>&1; then
	cat "$work/short.log" >&2
	fail "dpkg-gensymbols accepted a symbols file without ap_bbm_safe: $short_call"
fi
grep -q 'ap_bbm_safe' "$work/short.log" || { cat "$work/short.log" >&2; fail "dpkg-gensymbols failed without naming ap_bbm_safe"; }

# 4. Contents.
# (Listed into files first: grep -q leaves early, which pipefail would
# count against dpkg-deb.)
for deb in "$work"/*.deb; do
	dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's,^\./,/,' > "$deb.contents"
done
expect() { # deb, extended regular expression a file must match
	grep -Eq "$2" "$1.contents" || fail "$(basename "$1") holds no $2"
}
refuse() {
	if grep -Eq "$2" "$1.contents"; then fail "$(basename "$1") holds $2"; fi
}
libdir="/usr/lib/$multiarch"
expect "$lib_deb" "^$libdir/libaarch64paging\.so\.0$"
expect "$lib_deb" "^$libdir/libaarch64paging\.so\.0\.[0-9]+\.[0-9]+$"
refuse "$lib_deb" '\.so$|\.a$|\.la$|\.h$|\.pc$|/bin/'
expect "$dev_deb" '^/usr/include/aarch64_paging\.h$'
expect "$dev_deb" "^$libdir/libaarch64paging\.so$"
expect "$dev_deb" "^$libdir/libaarch64paging\.a$"
expect "$dev_deb" "^$libdir/pkgconfig/aarch64-paging\.pc$"
expect "$dev_deb" '^/usr/share/doc/libaarch64paging-dev/html/index\.html$'
expect "$dev_deb" '^/usr/share/doc/libaarch64paging-dev/html/aarch64__paging_8h\.html$'
expect "$dev_deb" '^/usr/share/doc/libaarch64paging-dev/map-format\.md'
expect "$dev_deb" '^/usr/share/doc/libaarch64paging-dev/guide-hypervisor\.md'
refuse "$dev_deb" '\.so\.0|\.la$|/bin/'
expect "$tool_deb" '^/usr/bin/aptables$'
expect "$tool_deb" '^/usr/share/man/man1/aptables\.1\.gz$'
refuse "$tool_deb" '\.so|\.a$|\.h$'
for deb in "$lib_deb" "$dev_deb" "$tool_deb"; do
	expect "$deb" '^/usr/share/doc/[^/]+/copyright$'
done
# The symbols file travels in the library package's control area.
dpkg-deb --ctrl-tarfile "$lib_deb" | tar -t > "$work/control-files"
grep -qx './symbols' "$work/control-files" || fail "libaarch64paging0 has no symbols control file"
grep -qx './shlibs' "$work/control-files" || fail "libaarch64paging0 has no shlibs control file"
dpkg-deb -I "$lib_deb" symbols > "$work/packaged.symbols"
grep -q '^ ap_bbm_safe@AARCH64_PAGING_0.3 0.3.0$' "$work/packaged.symbols" || fail "libaarch64paging0's symbols lack ap_bbm_safe"

# 5. Fields.
field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$lib_deb" Multi-Arch)" = same ] || fail "libaarch64paging0 is not Multi-Arch: same"
[ "$(field "$lib_deb" Section)" = libs ] || fail "libaarch64paging0 is not in section libs"
has() { # text, extended regular expression
	printf '%s\n' "$1" | grep -Eq "$2"
}
has "$(field "$lib_deb" Depends)" 'libc6' || fail "libaarch64paging0 does not depend on libc6"
has "$(field "$dev_deb" Depends)" "libaarch64paging0 \\(= $version\\)" ||
	fail "libaarch64paging-dev does not depend on libaarch64paging0 (= $version)"
has "$(field "$tool_deb" Depends)" 'libaarch64paging0 \(>= 0\.[0-9]+\.[0-9]+\)' ||
	fail "aptables has no versioned dependency on libaarch64paging0: $(field "$tool_deb" Depends)"
for deb in "$lib_deb" "$dev_deb" "$tool_deb"; do
	echo "test_debian_package: $(field "$deb" Package): Depends: $(field "$deb" Depends)"
done

# 6. lintian: no errors. As root, lintian warns about it; that is not about the packages.
lintian --tag-display-limit 0 "$lib_deb" "$dev_deb" "$tool_deb" >"$work/lintian.log" 2>&1 || true
if grep -q '^E: ' "$work/lintian.log"; then
	cat "$work/lintian.log" >&2
	fail "lintian reports errors"
fi
if [ -s "$work/lintian.log" ]; then
	echo "test_debian_package: lintian (no errors):"
	sed 's/^/  /' "$work/lintian.log"
fi

# 7. A scratch root: compile, link and run against the unpacked packages.
root="$work/root"
for deb in "$lib_deb" "$dev_deb" "$tool_deb"; do dpkg -x "$deb" "$root"; done
cat > "$work/user.c" <<'PROGRAM'
#include <aarch64_paging.h>
#include <stdio.h>
int main(void)
{
	printf("%s\n", ap_version_string());
	return ap_bbm_safe != NULL && ap_version() == AP_VERSION ? 0 : 1;
}
PROGRAM
${CC:-cc} -o "$work/user" "$work/user.c" -I"$root/usr/include" -L"$root$libdir" -laarch64paging ||
	fail "a program does not compile and link against the packages"
[ "$(readelf -d "$work/user" | sed -n 's/.*NEEDED.*\[\(libaarch64paging[^]]*\)\].*/\1/p')" = libaarch64paging.so.0 ] ||
	fail "the program does not need libaarch64paging.so.0"
printed=$(LD_LIBRARY_PATH="$root$libdir" "$work/user") || fail "the program failed"
[ "$printed" = "$upstream" ] || fail "the program printed '$printed', the package is $upstream"
pc_version=$(PKG_CONFIG_PATH="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root" \
	pkg-config --modversion aarch64-paging)
[ "$pc_version" = "$upstream" ] || fail "the packaged aarch64-paging.pc is not version $upstream"
LD_LIBRARY_PATH="$root$libdir" "$root/usr/bin/aptables" build \
	"$abs_top_srcdir/examples/qemu-virt.map" -o "$work/tables.bin" >/dev/null ||
	fail "the packaged aptables does not build examples/qemu-virt.map"
[ -s "$work/tables.bin" ] || fail "the packaged aptables wrote no image"
echo "test_debian_package: $(cd "$work" && echo *.deb) built, checked, installed and used"
