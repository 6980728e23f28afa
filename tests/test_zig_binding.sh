#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Builds and tests the Zig binding (bindings/zig) against the library of this
# build tree, found through pkg-config's uninstalled .pc on PKG_CONFIG_PATH,
# checks that deinit panics when its precondition is broken, that attributes
# of one descriptor format given to a mapping of another do not compile,
# runs the example, checks that the README shows that very example, and
# builds the README's project (its build.zig.zon and build.zig) around it.
# Every Zig output and cache goes under the build tree, never the sources.
set -eu

: "${abs_top_srcdir:?abs_top_srcdir must be set}"
: "${abs_top_builddir:?abs_top_builddir must be set}"
: "${PKG_CONFIG_PATH:?PKG_CONFIG_PATH must name the build tree}"
export PKG_CONFIG_PATH

wanted=0.11.0
if ! command -v zig >/dev/null 2>&1; then
	echo "test_zig_binding: zig not found; install Zig $wanted with .ci/install-zig" >&2
	exit 1
fi
found=$(zig version)
if [ "$found" != "$wanted" ]; then
	echo "test_zig_binding: zig $found found, the binding needs $wanted; run .ci/install-zig" >&2
	exit 1
fi

binding="$abs_top_srcdir/bindings/zig"
# Zig's caches and outputs, and this script's own files (zig-check): the
# names Makefile.am's clean-local removes.
out="$abs_top_builddir/bindings/zig"
scratch="$out/zig-check"
mkdir -p "$scratch"

zig_build() {
	zig build "$@" \
		--build-file "$binding/build.zig" \
		--cache-dir "$out/zig-cache" \
		--global-cache-dir "$out/zig-global-cache" \
		--prefix "$out/zig-out"
}

zig_build test --summary all

# deinit cannot fail, so it panics when its precondition is broken; a panic
# cannot be caught inside a test, so a child process breaks it on purpose.
zig_build deinit-panic
for case in mapping:'Mapping.deinit of an active mapping' \
	regime:'UserRegime.deinit of a regime a mapping still uses'; do
	what=${case%%:*}
	message=${case#*:}
	if "$out/zig-out/bin/deinit-panic" "$what" >"$scratch/panic-$what.out" 2>"$scratch/panic-$what.err"; then
		echo "test_zig_binding: deinit of a $what in use returned instead of panicking" >&2
		exit 1
	fi
	if ! grep -q "panic: aarch64_paging: $message" "$scratch/panic-$what.err" ||
		grep -q 'deinit returned' "$scratch/panic-$what.out"; then
		echo "test_zig_binding: deinit of a $what in use did not panic as expected:" >&2
		cat "$scratch/panic-$what.out" "$scratch/panic-$what.err" >&2
		exit 1
	fi
done

# Each descriptor format has its attribute type: attributes of one format
# given to, or read from, a mapping of another must not compile. Each
# program holds one mistake, which the compiler must name by its types.
mismatch="$scratch/mismatch"
rm -rf "$mismatch"
mkdir -p "$mismatch"
cat >"$mismatch/map.zig" <<'ZIG'
const ap = @import("aarch64_paging");
pub fn main() !void {
    var map = try ap.Stage2Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.stage2) });
    defer map.deinit();
    // EL1&0 attributes given to a stage 2 mapping.
    try map.mapAuto(try ap.Region.fromSize(0, 0x1000), ap.El1Attrs.pxn, .{}, null);
}
ZIG
cat >"$mismatch/translate.zig" <<'ZIG'
const ap = @import("aarch64_paging");
pub fn main() !void {
    var map = try ap.Stage2Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.stage2) });
    defer map.deinit();
    // A stage 2 translation's attributes read as EL1&0 ones.
    const where = try map.translate(0, null);
    _ = where.attributes.contains(ap.El1Attrs.accessed);
}
ZIG
cat >"$mismatch/modify.zig" <<'ZIG'
const ap = @import("aarch64_paging");
fn update(_: void, _: ap.Region, descriptor: *ap.Stage2Descriptor) !void {
    // EL2 attributes set in a stage 2 descriptor.
    try descriptor.modifyFlags(ap.El23Attrs.xn, ap.Stage2Attrs.empty);
}
pub fn main() !void {
    var map = try ap.Stage2Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.stage2) });
    defer map.deinit();
    try map.modify(try ap.Region.fromSize(0, 0x1000), {}, update, null);
}
ZIG
# shellcheck disable=SC2046 # pkg-config's flags are words
for case in map:"expected type 'aarch64_paging.Stage2Attrs', found 'aarch64_paging.El1Attrs'" \
	translate:"expected type 'aarch64_paging.Stage2Attrs', found 'aarch64_paging.El1Attrs'" \
	modify:"expected type 'aarch64_paging.Stage2Attrs', found 'aarch64_paging.El23Attrs'"; do
	what=${case%%:*}
	message=${case#*:}
	if zig build-exe -fno-emit-bin \
		--cache-dir "$out/zig-cache" \
		--global-cache-dir "$out/zig-global-cache" \
		--mod "aarch64_paging::$binding/src/aarch64_paging.zig" --deps aarch64_paging \
		$(pkg-config --cflags aarch64-paging) -lc \
		"$mismatch/$what.zig" >"$mismatch/$what.out" 2>&1; then
		echo "test_zig_binding: a mix of attribute formats ($what) compiled" >&2
		exit 1
	fi
	# The error must be the program's own line, not one inside the binding.
	if ! grep "/mismatch/$what\.zig:[0-9]*:[0-9]*: error: " "$mismatch/$what.out" | grep -qF "error: $message"; then
		echo "test_zig_binding: a mix of attribute formats ($what) failed to compile, but not for its types:" >&2
		cat "$mismatch/$what.out" >&2
		exit 1
	fi
done

example_output="$scratch/example.out"
zig_build example >"$example_output"
if ! grep -q '^0x80212345 -> 0x80212345, a level 2 block$' "$example_output"; then
	echo "test_zig_binding: the example printed something unexpected:" >&2
	cat "$example_output" >&2
	exit 1
fi

# The README's example is the first zig block after the marker; it must be
# the file the example step just built and ran.
readme_example="$scratch/readme-example.zig"
awk '/<!-- example: begin -->/ { marker = 1; next }
	marker && /^```zig$/ { inside = 1; next }
	inside && /^```$/ { exit }
	inside { print }' "$binding/README.md" >"$readme_example"
if ! cmp -s "$readme_example" "$binding/examples/example.zig"; then
	echo "test_zig_binding: bindings/zig/README.md and examples/example.zig differ:" >&2
	diff -u "$binding/examples/example.zig" "$readme_example" >&2 || true
	exit 1
fi
# The README's first ten minutes: a project of its own made of the README's
# build.zig.zon and build.zig, the binding's one file and the example as
# src/main.zig, linked through pkg-config as a user's would be.
project="$scratch/hello-paging"
rm -rf "$project"
mkdir -p "$project/src"
for file in build.zig.zon build.zig; do
	awk -v marker="<!-- project: $file -->" '$0 == marker { found = 1; next }
		found && /^```zig$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }' "$binding/README.md" >"$project/$file"
	if [ ! -s "$project/$file" ]; then
		echo "test_zig_binding: bindings/zig/README.md shows no $file" >&2
		exit 1
	fi
done
cp "$binding/src/aarch64_paging.zig" "$project/aarch64_paging.zig"
cp "$binding/examples/example.zig" "$project/src/main.zig"
(cd "$project" && zig build run \
	--cache-dir "$project/zig-cache" \
	--global-cache-dir "$out/zig-global-cache" \
	--prefix "$project/zig-out") >"$scratch/project.out"
if ! grep -q '^0x80212345 -> 0x80212345, a level 2 block$' "$scratch/project.out"; then
	echo "test_zig_binding: the README's project printed something unexpected:" >&2
	cat "$scratch/project.out" >&2
	exit 1
fi

echo "test_zig_binding: tests passed, deinit panics on misuse, mixed attribute formats do not compile, example ran and matches the README, the README's project builds"
