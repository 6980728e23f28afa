#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Go binding (bindings/go) against the library of this build tree:
# go test (standard library only, nothing fetched), then the test program
# again under valgrind, whose leak summary must show no lost C memory (the
# Go runtime itself makes valgrind report errors, so only the leak lines
# count). Go's caches go under the build tree.
set -euo pipefail
: "${abs_top_srcdir:?run through make check}" "${abs_top_builddir:?run through make check}"
: "${PKG_CONFIG_PATH:?run through make check}"
export PKG_CONFIG_PATH
for tool in go valgrind; do
	command -v "$tool" >/dev/null || { echo "go binding: $tool is missing" >&2; exit 1; }
done

out=$abs_top_builddir/bindings/go
mkdir -p "$out/tmp"
export GOCACHE=$out/cache GOPATH=$out/gopath GOTMPDIR=$out/tmp HOME=$out
export GOPROXY=off GOFLAGS=-buildvcs=false GO111MODULE=on GOTOOLCHAIN=local
# Go's build cache hashes the package's own files, not the headers its cgo
# preamble includes from elsewhere: after a change to <aarch64_paging.h>
# (a struct gaining a member) it would link cgo code of the old layout.
# The header's checksum in CGO_CFLAGS makes it part of every cache key.
header_sum=$(cksum <"$abs_top_srcdir/include/aarch64_paging.h" | cut -d' ' -f1)
export CGO_CFLAGS="${CGO_CFLAGS:--g -O2} -DAP_HEADER_CKSUM=$header_sum"
cd "$abs_top_srcdir/bindings/go"

go vet ./...
go test -count=1 ./...

go test -c -o "$out/aarch64paging.test" .
# Valgrind 3.19 cannot decode RDTSCP, which the Go runtime's cputicks uses
# when CPUID (as valgrind reports it) has it; without it Go falls back to
# RDTSC behind fences.
GODEBUG=cpu.rdtscp=off valgrind --leak-check=full "$out/aarch64paging.test" -test.count=1 \
	>"$out/valgrind.out" 2>&1 || {
	cat "$out/valgrind.out" >&2
	echo "go binding: the tests failed under valgrind" >&2
	exit 1
}
grep -q '^PASS$' "$out/valgrind.out" || { cat "$out/valgrind.out" >&2; exit 1; }
for kind in definitely indirectly; do
	if ! grep -Eq "$kind lost: 0 bytes in 0 blocks|All heap blocks were freed" "$out/valgrind.out"; then
		grep -A 12 'lost in loss record' "$out/valgrind.out" >&2 || true
		echo "go binding: valgrind found $kind lost memory" >&2
		exit 1
	fi
done
# The README's first ten minutes: its main.go, in a module outside this
# repository set up as the README says (a replace directive to the binding,
# the library found through pkg-config), must build and print what the
# README shows.
readme=$abs_top_srcdir/bindings/go/README.md
user=$out/user-module
rm -rf "$user"
mkdir -p "$user"
cd "$user"
go mod init example.com/myvmm >/dev/null 2>&1
go mod edit -require=aarch64paging@v0.0.0 -replace=aarch64paging="$abs_top_srcdir/bindings/go"
# The fenced block after a marker line of the README.
block() {
	awk -v marker="$1" 'index($0, marker) == 1 { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$readme"
}
block '<!-- main.go:' >main.go
block '<!-- output -->' >want.txt
[ -s main.go ] && [ -s want.txt ] || { echo "go binding: no main.go or output in $readme" >&2; exit 1; }
go vet .
go build -o myvmm .
LD_LIBRARY_PATH=$abs_top_builddir/.libs ./myvmm >got.txt
diff -u want.txt got.txt || {
	echo "go binding: the README's main.go does not print what the README says" >&2
	exit 1
}

# Attribute bits of one format given to a mapping of another do not compile.
mkdir -p "$user/mismatch"
cat >mismatch/main.go <<'GO'
package main

import ap "aarch64paging"

func main() {
	stage2, _ := ap.BuiltinRegime(ap.Stage2)
	m, _ := ap.NewIdentity[ap.S2Attributes](ap.Options{Regime: stage2, InputBits: 40})
	ram, _ := ap.RegionFromSize(0x4000_0000, 0x1000)
	_ = m.MapAuto(ram, ap.EL1PXN, ap.NoConstraints)
	_ = m.MapAuto(ram, ap.S2Valid|ap.EL1PXN, ap.NoConstraints)
}
GO
if go build -o mismatch/mismatch ./mismatch >mismatch/build.out 2>&1; then
	echo "go binding: EL1 attributes given to a stage 2 mapping compiled" >&2
	exit 1
fi
grep -q 'cannot use ap.EL1PXN .* as .*aarch64paging.S2Attributes' mismatch/build.out &&
	grep -q 'mismatched types aarch64paging.S2Attributes and aarch64paging.EL1Attributes' mismatch/build.out || {
	cat mismatch/build.out >&2
	echo "go binding: a mix of attribute formats failed to compile, but not for its types" >&2
	exit 1
}
echo "go binding: go vet, go test, the leak check under valgrind, the README's program in a module outside the repository and the refusal to compile mixed formats pass"
