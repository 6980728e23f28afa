#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Rust binding (bindings/rust) against the library of this build tree:
# clippy with warnings as errors (every unsafe block needs a SAFETY comment),
# cargo test (offline: the binding needs no crates) including the doc tests
# and their compile_fail tests, cargo doc with warnings as errors (every
# public item documented, every link resolved), the example's output, and
# the test program under valgrind so that a table leaked on the C side
# fails the run.
# Cargo's outputs go under the build tree.
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
: "${PKG_CONFIG_PATH:?run through make check}"
export PKG_CONFIG_PATH
# rustup installs cargo under ~/.cargo/bin, which a non-login shell may
# not have on PATH.
PATH=$PATH:${HOME:-/root}/.cargo/bin
for tool in cargo valgrind; do
	command -v "$tool" >/dev/null || { echo "rust binding: $tool is missing" >&2; exit 1; }
done

manifest=$abs_top_srcdir/bindings/rust/Cargo.toml
export CARGO_TARGET_DIR=$abs_top_builddir/bindings/rust/target
export CARGO_HOME=$abs_top_builddir/bindings/rust/cargo-home
cargo=(cargo --quiet)

cargo clippy --version >/dev/null 2>&1 ||
	{ echo "rust binding: clippy is missing (rustup component add clippy)" >&2; exit 1; }
# The crate denies undocumented unsafe blocks itself; naming the lint here
# covers the tests and examples too.
"${cargo[@]}" clippy --offline --locked --manifest-path "$manifest" --all-targets -- \
	-D warnings -D clippy::undocumented_unsafe_blocks

# Not quiet, so that the doc tests are listed by name: the compile_fail ones
# (a Mapping whose translation holds an Rc must not cross threads; EL1 flags
# must not reach a stage 2 mapping) have to be among them, or they prove
# nothing.
log=$CARGO_TARGET_DIR/cargo-test.log
mkdir -p "$CARGO_TARGET_DIR"
cargo test --offline --locked --manifest-path "$manifest" >"$log" 2>&1 ||
	{ cat "$log" >&2; echo "rust binding: cargo test failed" >&2; exit 1; }
grep '^test result' "$log"
compile_fail=$(grep -c 'mapping::Mapping (line [0-9]*) - compile fail \.\.\. ok' "$log" || true)
if [ "$compile_fail" -lt 2 ]; then
	cat "$log" >&2
	echo "rust binding: $compile_fail of the 2 compile_fail doc tests ran" >&2
	exit 1
fi

RUSTDOCFLAGS="-D warnings" "${cargo[@]}" doc --offline --locked --no-deps --manifest-path "$manifest"

output=$("${cargo[@]}" run --offline --locked --manifest-path "$manifest" --example firmware_map)
if ! grep -qx '0x80212345 -> 0x80212345, a level 2 block' <<<"$output"; then
	echo "rust binding: the example printed:" >&2
	echo "$output" >&2
	exit 1
fi

# The integration test program, run again under valgrind: every table the
# tests make must be freed (a panic test prints its message; that is fine).
test_program=$(ls -t "$CARGO_TARGET_DIR"/debug/deps/binding-* | grep -v '\.d$' | head -n 1)
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
	--error-exitcode=1 "$test_program" --test-threads=1 >/dev/null 2>"$CARGO_TARGET_DIR/valgrind.log" ||
	{ cat "$CARGO_TARGET_DIR/valgrind.log" >&2; echo "rust binding: valgrind found errors" >&2; exit 1; }
echo "rust binding: clippy, cargo test, cargo doc, the example and valgrind all pass"
