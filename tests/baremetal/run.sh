#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Bare-metal tests on QEMU's virt board. Builds the freestanding library with
# the project's own configure (--host=aarch64-linux-gnu --enable-freestanding,
# so the real TLBI/TTBR sequences are in), links each test program against it
# with the small runtime here, and runs every program on the machines it is
# meant for. Pass or fail is QEMU's exit status (semihosting exit) together
# with the runtime's start line, since QEMU also exits non-zero when it never
# ran the test (a bad option, a missing ROM); every run is bounded by
# `timeout`, since a lost test would otherwise hang.
set -euo pipefail

srcdir=${abs_top_srcdir:?run through make check}/tests/baremetal
work=${abs_top_builddir:?run through make check}/tests/baremetal
cross=${AARCH64_CROSS:-aarch64-linux-gnu-}
qemu=${QEMU_SYSTEM_AARCH64:-qemu-system-aarch64}
for tool in "${cross}gcc" "$qemu" timeout; do
	if ! command -v "$tool" >/dev/null; then
		echo "baremetal: $tool is missing (apt-get install gcc-aarch64-linux-gnu qemu-system-arm)" >&2
		exit 1
	fi
done

# 1. The freestanding library, as a firmware build would make it.
. "$abs_top_srcdir/tests/cross_configure.sh"
cross_configure "$work/lib" -- --host=aarch64-linux-gnu --enable-freestanding CC="${cross}gcc"
make -s -C "$work/lib" ARFLAGS=cr libaarch64paging.a >/dev/null

# It may need nothing from the image but memset and memcpy.
nm_tool=${cross}nm
"$nm_tool" --defined-only "$work/lib/libaarch64paging.a" | awk 'NF == 3 { print $3 }' |
	sort -u >"$work/defined"
"$nm_tool" --undefined-only "$work/lib/libaarch64paging.a" | awk 'NF == 2 { print $2 }' |
	sort -u | comm -23 - "$work/defined" >"$work/needed"
if grep -v -x -e memset -e memcpy "$work/needed"; then
	echo "baremetal: the freestanding library needs the symbols above from the image" >&2
	exit 1
fi
echo "ok: the freestanding library needs only: $(tr '\n' ' ' <"$work/needed")"

# The same library with a larger table pool for the programs on 16 and
# 64 KiB pages (a 64 KiB table takes 16 pool pages), and for the
# concatenated stage 2 root.
big_pool_pages=1024
cross_configure "$work/lib-big-pool" -- --host=aarch64-linux-gnu --enable-freestanding \
	CC="${cross}gcc" CPPFLAGS="-DAP_TABLE_PAGES=$big_pool_pages"
make -s -C "$work/lib-big-pool" ARFLAGS=cr libaarch64paging.a >/dev/null

# 2. The test programs: runtime + one test file each.
cflags=(-std=c99 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib -fno-pie
	-fno-stack-protector -fno-tree-loop-distribute-patterns
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics
	-I"$abs_top_srcdir/include" -I"$srcdir")
runtime=("$srcdir/start.S" "$srcdir/runtime.c" "$srcdir/mmu.c" "$srcdir/stage1_suite.c")
build() {
	local lib="$work/lib/libaarch64paging.a" extra=()
	case $1 in
	el1_16k | el1_64k | el2_64k | stage2_concat40)
		# Image parts and the suite's alias page aligned to 64 KiB; the
		# larger table pool.
		lib="$work/lib-big-pool/libaarch64paging.a"
		extra=(-DSUITE_MAX_PAGE=0x10000 -Wl,--defsym=__image_align=0x10000) ;;
	esac
	"${cross}gcc" "${cflags[@]}" "${extra[@]}" -static -no-pie -Wl,--no-warn-rwx-segments \
		-Wl,--build-id=none -T "$srcdir/link.ld" \
		-o "$work/$1.elf" "${runtime[@]}" "$srcdir/$1.c" "$lib" -lgcc
}

# The README's bare-metal example, extracted as it is written there.
sed -n '/<!-- baremetal example: begin -->/,/<!-- baremetal example: end -->/p' \
	"$abs_top_srcdir/README.md" | sed '/^<!--/d; /^```/d' >"$work/readme_example.c"
grep -q enable_mmu_el1 "$work/readme_example.c" ||
	{ echo "baremetal: no example found in README.md" >&2; exit 1; }
cflags+=(-I"$work")

# 3. The runs: test, machine options, CPU. EL2&0 needs FEAT_VHE, which
# cortex-a57 (Armv8.0) lacks, so it runs on -cpu max only; so do the 16 and
# 64 KiB page programs and the concatenated stage 2 root (each fails, not
# skips, on a CPU without its granule).
runs=(
	"el1 virt cortex-a57" "el1 virt max"
	"el1_readme virt cortex-a57"
	"level0_el1 virt cortex-a57" "level0_el1 virt max"
	"linear_ttbr1 virt cortex-a57" "linear_ttbr1 virt max"
	"el2 virt,virtualization=on cortex-a57" "el2 virt,virtualization=on max"
	"el2_vhe virt,virtualization=on max"
	"el3 virt,secure=on cortex-a57" "el3 virt,secure=on max"
	"stage2 virt,virtualization=on cortex-a57" "stage2 virt,virtualization=on max"
	"tlb_unmap_stage1 virt cortex-a57" "tlb_unmap_stage1 virt max"
	"tlb_unmap_stage1 virt,virtualization=on cortex-a57"
	"tlb_unmap_stage1 virt,virtualization=on max"
	"tlb_unmap_stage1 virt,secure=on cortex-a57" "tlb_unmap_stage1 virt,secure=on max"
	"tlb_unmap_stage2 virt,virtualization=on cortex-a57"
	"tlb_unmap_stage2 virt,virtualization=on max"
	"tlb_deactivate_el1 virt cortex-a57" "tlb_deactivate_el1 virt max"
	"el1_16k virt max" "el1_64k virt max" "el2_64k virt,virtualization=on max"
	"stage2_concat40 virt,virtualization=on max"
)

# -nic none: the virt board's default NIC needs efi-virtio.rom (ipxe-qemu),
# which qemu-system-arm only recommends; the tests need no network.
run() { # test machine cpu log -> QEMU's exit status
	timeout 60 "$qemu" -M "$2" -cpu "$3" -m 256M -nographic -semihosting -nic none \
		-monitor none -serial stdio -kernel "$work/$1.elf" </dev/null >"$4" 2>&1
}

# What runtime.h prints first and exits with on a failed check.
start_line='baremetal runtime: test started at EL'
check_failed_status=42

# verdict log status expected_status -> prints why it is wrong, or nothing
verdict() {
	if ! grep -q -F "$start_line" "$1"; then
		echo "the test never started (no start line; QEMU status $2)"
	elif [ "$2" -ne "$3" ]; then
		echo "status $2, expected $3"
	fi
}

failed=0
built=""
# A granule test on a CPU without its granule must fail, not skip:
# cortex-a57 has no 16 KiB pages (ID_AA64MMFR0_EL1.TGran16 = 0).
lacking_granule="el1_16k virt cortex-a57"
for entry in "${runs[@]}" "harness_fail virt cortex-a57" "$lacking_granule"; do
	read -r test machine cpu <<<"$entry"
	case " $built " in *" $test "*) ;; *) build "$test"; built="$built $test" ;; esac
	# One log per run: a test may run on several machines with one CPU.
	log="$work/$test.${machine//[,=]/_}.$cpu.log"
	status=0
	run "$test" "$machine" "$cpu" "$log" || status=$?
	# harness_fail must start and then fail a check: it shows that a failing
	# check reaches QEMU's exit status as a status QEMU itself never gives.
	expected=0
	[ "$test" = harness_fail ] && expected=$check_failed_status
	[ "$entry" = "$lacking_granule" ] && expected=$check_failed_status
	problem=$(verdict "$log" "$status" "$expected")
	if [ -z "$problem" ] && [ "$entry" = "$lacking_granule" ] &&
		! grep -q 'does not implement the granule' "$log"; then
		problem="it failed, but not on the granule check"
	fi
	if [ -z "$problem" ]; then
		echo "ok: $test on -M $machine -cpu $cpu (status $status)"
	else
		echo "FAIL: $test on -M $machine -cpu $cpu: $problem:"
		sed 's/^/    /' "$log"
		failed=1
	fi
done
exit "$failed"
