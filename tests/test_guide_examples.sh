#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Compiles the C code of the guides as it is written there, with a main()
# of this test's that runs it, so a guide cannot drift from the library:
# - the hypervisor guide's build_stage2(): the stage 2 tables must lie in
#   the table pool, outside the host memory the guest's RAM maps to, and
#   guest RAM must translate to host RAM; a pool overlapping guest RAM
#   must be refused;
# - the build-tool guide's build_image(): the image must hold its tables;
# - the granules guide's stage2_registers(): VTCR_EL2 keeps the caller's
#   other fields and gets T0SZ, SL0 and TG0 of a 64 KiB 40-bit stage 2.
# Runs from the top build directory under `make check`.
set -eu
srcdir=${srcdir:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

extract() { # guide -> its ```c block
	awk '/^```c/ { on = 1; next } /^```/ { on = 0 } on { print }' "$srcdir/docs/$1"
}
build_and_run() { # name
	./libtool --mode=link --tag=CC ${CC:-cc} -std=c99 -Wall -Wextra -Werror \
		-Wno-missing-field-initializers -I"$srcdir/include" -o "$work/$1" "$work/$1.c" \
		libaarch64paging.la >/dev/null
	./libtool --mode=execute "$work/$1"
}

extract guide-hypervisor.md >"$work/hypervisor.c"
grep -q 'build_stage2' "$work/hypervisor.c" || { echo "no build_stage2() in the guide" >&2; exit 1; }
cat >>"$work/hypervisor.c" <<'EOF'

#include <stdio.h>

static unsigned char pool_pages[16 * 4096] __attribute__((aligned(4096)));

static int check(int ok, const char *what)
{
	if (!ok)
		printf("FAIL: %s\n", what);
	return ok ? 0 : 1;
}

int main(void)
{
	struct guest g = {0x40000000, 0x880000000, 0x200000,
			  {pool_pages, 0x8f0000000, sizeof(pool_pages), 0}};
	ap_mapping_t *m;
	int failures = check(build_stage2(&g, &m) == AP_OK, "build_stage2");
	ap_pa_t root;
	ap_translate_result_t t = AP_TRANSLATE_RESULT_INIT;
	failures += check(ap_mapping_root_address(m, &root) == AP_OK &&
				  root - g.tables.base_pa < g.tables.size,
			  "the root table lies in the pool");
	failures += check(ap_mapping_translate(m, 0x40001234, &t) == AP_OK &&
				  t.output_address == 0x880001234,
			  "guest RAM translates to host RAM");
	failures += check(g.tables.next_free > 0, "the tables came from the pool");
	struct guest bad = {0x40000000, 0x8f0000000, 0x200000,
			    {pool_pages, 0x8f0100000, sizeof(pool_pages), 0}};
	ap_mapping_t *refused;
	failures += check(build_stage2(&bad, &refused) == AP_ERR_INVALID_ARGUMENT,
			  "a pool inside guest RAM is refused");
	const ap_regime_t *regime;
	ap_mapping_regime(m, &regime);
	ap_mapping_destroy(m);
	ap_regime_destroy((ap_regime_t *)regime);
	printf("hypervisor guide: %s\n", failures ? "FAIL" : "ok");
	return failures != 0;
}
EOF
build_and_run hypervisor

extract guide-build-tool.md >"$work/build_tool.c"
grep -q 'build_image' "$work/build_tool.c" || { echo "no build_image() in the guide" >&2; exit 1; }
cat >>"$work/build_tool.c" <<'EOF'

#include <stdint.h>
#include <stdio.h>

int main(void)
{
	size_t size = 0;
	uint64_t *image = build_image(&size);
	/* A root, a level 2 table: 128 MiB of RAM as 2 MiB blocks. */
	int ok = image && size == 2 * 4096 && (image[1] & 3) == 3 &&
		 (image[1] & 0xfffffffff000) == 0x401c1000 && (image[512] & 3) == 1;
	printf("build-tool guide: %s (%zu bytes)\n", ok ? "ok" : "FAIL", size);
	free(image);
	return !ok;
}
EOF
build_and_run build_tool

extract guide-granules.md >"$work/granules.c"
grep -q 'stage2_registers' "$work/granules.c" || { echo "no stage2_registers() in the guide" >&2; exit 1; }
cat >>"$work/granules.c" <<'EOF2'

#include <stdio.h>

int main(void)
{
	/* Other fields as a hypervisor might keep them: PS (bits 18:16) 2,
	 * SH0 inner, and stale T0SZ/SL0/TG0 bits that must be replaced. */
	uint64_t other = UINT64_C(2) << 16 | UINT64_C(3) << 12 | 0x3f | UINT64_C(3) << 6 |
			 UINT64_C(3) << 14;
	ap_mapping_t *m;
	uint64_t vtcr, vttbr;
	int ok = stage2_registers(other, &m, &vtcr, &vttbr) == AP_OK;
	uint64_t expected = UINT64_C(2) << 16 | UINT64_C(3) << 12 | 24 | UINT64_C(1) << 6 |
			    UINT64_C(1) << 14;
	ap_pa_t root = 0;
	ok = ok && vtcr == expected && ap_mapping_root_address(m, &root) == AP_OK &&
	     vttbr == root && (root & 0xffff) == 0;
	unsigned level = 9;
	ok = ok && ap_mapping_root_level(m, &level) == AP_OK && level == 2;
	printf("granules guide: %s (vtcr 0x%llx)\n", ok ? "ok" : "FAIL", (unsigned long long)vtcr);
	ap_mapping_destroy(m);
	return !ok;
}
EOF2
build_and_run granules
