#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Rust binding (bindings/rust) against the library of this build tree:
# cargo test (offline: the binding needs no crates), the example's output,
# and the test program under valgrind so that a table leaked on the C side
# fails the run. Cargo's outputs go under the build tree.
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

"${cargo[@]}" test --offline --locked --manifest-path "$manifest"

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
echo "rust binding: cargo test, the example and valgrind all pass"
