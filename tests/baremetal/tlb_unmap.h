/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * What the stale-TLB tests share (tlb_unmap_stage1.c, tlb_unmap_stage2.c,
 * tlb_deactivate_el1.c): memory mapped with 4 KiB pages only, and for the
 * unmap tests 512 of them under an otherwise empty 1 GiB entry.
 *
 * Why pages only, everywhere in the table: QEMU remembers one "large page"
 * region per TLB when it caches a translation bigger than 4 KiB (a block or
 * a contiguous-hint group), and a TLBI by address inside that region drops
 * the whole TLB. A single block anywhere would then hide a missing
 * invalidation; with pages only, a TLBI by address drops exactly one page,
 * as hardware may, and every page the library forgets stays cached.
 */
#ifndef RT_TLB_UNMAP_H
#define RT_TLB_UNMAP_H

#include <aarch64_paging.h>

#include "runtime.h"

#define TLB_PAGE 4096ull
#define TLB_PAGES 512u
#define TLB_BLOCK (TLB_PAGES * TLB_PAGE) /* 2 MiB: one leaf table */
#define TLB_GIB (1ull << 30)
/* The pages' memory: RAM well above the image (QEMU's 256 MiB start at
 * 0x40000000, the image at 0x40200000). */
#define TLB_TEST_PA 0x48000000ull

#define TLB_PAGES_ONLY (AP_CONSTRAINT_NO_BLOCK_MAPPINGS | AP_CONSTRAINT_NO_CONTIGUOUS_HINT)

static inline void tlb_map(ap_mapping_t *map, uint64_t va, uint64_t size, uint64_t pa,
			   ap_attrs_t flags)
{
	ap_region_t region;
	CHECK_EQ(ap_region_from_size(va, size, &region), AP_OK);
	CHECK_EQ(ap_mapping_map(map, &region, pa, flags, TLB_PAGES_ONLY, 0), AP_OK);
}

static inline void tlb_unmap(ap_mapping_t *map, uint64_t va, uint64_t size)
{
	ap_region_t region;
	CHECK_EQ(ap_region_from_size(va, size, &region), AP_OK);
	CHECK_EQ(ap_mapping_unmap(map, &region, 0), AP_OK);
}

/* Whether the library's arch ops may use range TLBIs here: with them (-cpu
 * max) and without (cortex-a57) a removed subtable is invalidated by
 * different code, so the logs say which one ran. */
static inline void tlb_print_range_support(void)
{
	uint64_t isar0;
	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	rt_print("FEAT_TLBIRANGE (ID_AA64ISAR0_EL1.TLB == 2): TLB = ", (isar0 >> 56) & 0xf);
}

#endif
