#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Debian packaging (debian/) builds, and its packages hold what they
# should:
#  - debian/libaarch64paging0.symbols is what debian/gen-symbols.sh makes
#    of the version script, so Debian's ABI check and the project's agree;
#  - `dpkg-buildpackage -us -uc -b` builds the four binary packages from
#    the distributed files (`make distdir`, so this works in a plain build
#    tree and inside `make distcheck`), and dpkg-gensymbols accepts the
#    symbols file at the strictest level (the build log shows the call,
#    which is run again with one symbol removed and must then fail);
#  - `dpkg-deb -c` and `-I`: files, dependencies and Multi-Arch of each;
#  - python3-aarch64paging: Architecture: all, the modules in Debian's
#    /usr/lib/python3/dist-packages and no bytecode, Depends on python3:any
#    and libaarch64paging0 (>= the version), py3compile/py3clean in its
#    maintainer scripts;
#  - lintian finds no errors (warnings are printed);
#  - unpacked into a scratch root with `dpkg -x`, a program compiles and
#    links against it, runs, aptables builds an example map, and
#    Debian's python3 imports aarch64paging from the root and maps with the
#    root's libaarch64paging.so.0;
#  - the autopkgtest (debian/tests/control) names scripts that exist, and
#    its script debian/tests/use-installed passes against the scratch root
#    (PATH, pkg-config, LD_LIBRARY_PATH and PYTHONPATH pointing into it),
#    using what is in the root and nothing of the build tree.
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
for f in debian/control debian/rules debian/python3-aarch64paging.install \
	debian/python3-aarch64paging.postinst debian/python3-aarch64paging.prerm \
	debian/tests/control debian/tests/use-installed; do
	[ -f "$src/$f" ] || fail "$f is not in the distribution (debian_files in Makefile.am)"
done
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
py_deb="$work/python3-aarch64paging_${version}_all.deb"
for deb in "$lib_deb" "$dev_deb" "$tool_deb" "$py_deb"; do
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
# The Python binding: every module of bindings/python/aarch64paging, in
# the directory Debian's python3 reads for every Python 3 version, and no
# bytecode (postinst compiles it) nor anything architecture-dependent.
pydir=/usr/lib/python3/dist-packages/aarch64paging
modules=0
for module in "$src"/bindings/python/aarch64paging/*.py; do
	expect "$py_deb" "^$pydir/$(basename "$module" .py)\.py$"
	modules=$((modules + 1))
done
[ "$modules" -ge 8 ] || fail "only $modules modules in bindings/python/aarch64paging"
expect "$py_deb" "^$pydir/py\.typed$" # PEP 561: type checkers read the hints
[ "$(grep -c '\.py$' "$py_deb.contents")" = "$modules" ] ||
	fail "python3-aarch64paging holds other .py files than bindings/python/aarch64paging's: $(grep '\.py$' "$py_deb.contents" | tr '\n' ' ')"
refuse "$py_deb" '\.pyc$|__pycache__|site-packages|/python3\.[0-9]+/|\.so|\.h$|/bin/'
for deb in "$lib_deb" "$dev_deb" "$tool_deb" "$py_deb"; do
	expect "$deb" '^/usr/share/doc/[^/]+/copyright$'
done
dpkg-deb -I "$py_deb" postinst > "$work/py.postinst" 2>/dev/null || fail "python3-aarch64paging has no postinst"
dpkg-deb -I "$py_deb" prerm > "$work/py.prerm" 2>/dev/null || fail "python3-aarch64paging has no prerm"
grep -q '^[[:space:]]*py3compile -p python3-aarch64paging' "$work/py.postinst" ||
	fail "python3-aarch64paging's postinst does not byte-compile it (py3compile)"
grep -q '^[[:space:]]*py3clean -p python3-aarch64paging' "$work/py.prerm" ||
	fail "python3-aarch64paging's prerm does not remove its bytecode (py3clean)"
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
[ "$(field "$py_deb" Architecture)" = all ] || fail "python3-aarch64paging is not Architecture: all"
[ "$(field "$py_deb" Section)" = python ] || fail "python3-aarch64paging is not in section python"
# ctypes loads the library at run time, so only the dependency brings it.
has "$(field "$py_deb" Depends)" "(^|, )libaarch64paging0 \\(>= $version\\)(,|$)" ||
	fail "python3-aarch64paging does not depend on libaarch64paging0 (>= $version): $(field "$py_deb" Depends)"
has "$(field "$py_deb" Depends)" '(^|, )python3:any(,|$)' ||
	fail "python3-aarch64paging does not depend on python3:any: $(field "$py_deb" Depends)"
for deb in "$lib_deb" "$dev_deb" "$tool_deb" "$py_deb"; do
	echo "test_debian_package: $(field "$deb" Package): Depends: $(field "$deb" Depends)"
done

# 6. lintian: no errors. As root, lintian warns about it; that is not about the packages.
lintian --tag-display-limit 0 "$lib_deb" "$dev_deb" "$tool_deb" "$py_deb" >"$work/lintian.log" 2>&1 || true
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
for deb in "$lib_deb" "$dev_deb" "$tool_deb" "$py_deb"; do dpkg -x "$deb" "$root"; done
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
# Debian's python3 (the package's dependency; PATH may name another), the
# module and the library from the root only: no AP_LIBRARY, the root's
# libaarch64paging.so.0 through the dynamic linker, as once installed.
python_loaded=$(cd "$work" && env -u AP_LIBRARY PYTHONPATH="$root/usr/lib/python3/dist-packages" \
	LD_LIBRARY_PATH="$root$libdir" /usr/bin/python3 -c '
import aarch64paging as ap
with ap.Mapping.identity(root_level=1) as m:
    m.map(0x80000000, 0x200000, 0x80000000, ap.AP_EL1_VALID | ap.AP_EL1_ACCESSED)
    assert m.translate(0x80001234).output_address == 0x80001234
print(ap.version_string(), ap.__file__)
print(*sorted({l.split()[-1] for l in open("/proc/self/maps") if "libaarch64paging.so" in l}))
') || fail "python3 does not import aarch64paging from the unpacked python3-aarch64paging and map with it"
[ "$(echo "$python_loaded" | sed -n 1p)" = "$upstream $root/usr/lib/python3/dist-packages/aarch64paging/__init__.py" ] ||
	fail "python3 imported another aarch64paging or library version: $python_loaded"
[ "$(echo "$python_loaded" | sed -n 2p)" = "$root$libdir/libaarch64paging.so.0.$(readlink "$root$libdir/libaarch64paging.so.0" | sed 's/^libaarch64paging\.so\.0\.//')" ] ||
	fail "aarch64paging did not load the unpacked libaarch64paging.so.0: $python_loaded"

# 8. The autopkgtest: its control names scripts that exist, and the script
# passes against the scratch root. Only the root's files are on the paths
# (pkg-config's own directories replaced, the build tree's AP_LIBRARY and
# PKG_CONFIG_PATH gone); what it used must come from the root.
tests=$(sed -n 's/^Tests:[[:space:]]*//p' "$src/debian/tests/control" | tr ',' ' ')
[ -n "$tests" ] || fail "debian/tests/control names no test"
for t in $tests; do
	[ -x "$src/debian/tests/$t" ] || fail "debian/tests/control names $t, which is no executable debian/tests/$t"
done
depends=$(sed -n 's/^Depends:[[:space:]]*//p' "$src/debian/tests/control")
for p in libaarch64paging-dev aptables python3-aarch64paging; do
	has "$depends" "(^|, )$p(,|$)" || fail "debian/tests/control does not depend on $p"
done
mkdir "$work/autopkgtest"
if ! (cd "$src" && env -u AP_LIBRARY -u AP_SHARED_OBJECT -u PKG_CONFIG_PATH \
	AUTOPKGTEST_TMP="$work/autopkgtest" PATH="$root/usr/bin:/usr/bin:/bin:$PATH" \
	PKG_CONFIG_LIBDIR="$root$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root" \
	LD_LIBRARY_PATH="$root$libdir" PYTHONPATH="$root/usr/lib/python3/dist-packages" \
	debian/tests/use-installed) >"$work/autopkgtest.log" 2>&1; then
	cat "$work/autopkgtest.log" >&2
	fail "the autopkgtest debian/tests/use-installed failed against the scratch root"
fi
sed 's/^/  autopkgtest: /' "$work/autopkgtest.log"
grep -qx 'use-installed: ok' "$work/autopkgtest.log" || fail "debian/tests/use-installed did not finish"
grep -qx "library: $upstream" "$work/autopkgtest.log" || fail "debian/tests/use-installed did not use version $upstream"
grep -qx "aptables: $root/usr/bin/aptables" "$work/autopkgtest.log" || fail "debian/tests/use-installed did not run the root's aptables"
grep -qx "python: $root/usr/lib/python3/dist-packages/aarch64paging/__init__.py" "$work/autopkgtest.log" ||
	fail "debian/tests/use-installed did not import the root's aarch64paging"
grep -qx "python library: $root$libdir/libaarch64paging\.so\.0\.[0-9.]*" "$work/autopkgtest.log" ||
	fail "debian/tests/use-installed's Python did not load the root's libaarch64paging.so.0 (alone)"
echo "test_debian_package: $(cd "$work" && echo *.deb) built, checked, installed and used"
