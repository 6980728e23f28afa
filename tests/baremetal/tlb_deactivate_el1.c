/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Deactivation must not leave a table's global entries behind, EL1&0
 * through TTBR0: table "outer" (ASID 2) maps VA_SHARED to page_outer;
 * table "inner" (ASID 1) maps the same VA as a global page (nG clear) to
 * page_inner. Inner is activated over outer, VA_SHARED is loaded (its
 * global entry, which matches every ASID, is cached), inner is deactivated,
 * and the next load from VA_SHARED must read page_outer.
 *
 * What QEMU 7.2 can show: it flushes its whole TLB for ASIDE1IS and for a
 * TTBR write that changes the ASID, so a stale global entry never survives
 * there; on hardware ASIDE1IS keeps global entries. This test then checks
 * that deactivation with global pages works, and catches the stale entry
 * wherever the TLB behaves like hardware.
 */
#include "mmu.h"
#include "runtime.h"
#include "tlb_unmap.h"

#define VA_SHARED 0x4000000000ull
#define MARK_INNER 0x1111111111111111ull
#define MARK_OUTER 0x2222222222222222ull

static uint64_t page_inner[TLB_PAGE / 8] __attribute__((aligned(4096)));
static uint64_t page_outer[TLB_PAGE / 8] __attribute__((aligned(4096)));

/* The image and the UART (non-global), and VA_SHARED to @p page. */
static ap_mapping_t *table_with(uint16_t asid, uint64_t *page, ap_attrs_t global_or_not)
{
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(AP_REGIME_EL1AND0, &regime), AP_OK);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = MMU_ROOT_LEVEL, .asid = asid};
	ap_mapping_t *map;
	CHECK_EQ(ap_mapping_create_identity(&options, &map), AP_OK);
	mmu_attrs_t a = mmu_attrs_for(AP_REGIME_EL1AND0);
	uint64_t start = (uint64_t)__image_start, end = (uint64_t)__image_end;
	tlb_map(map, start, end - start, start, a.normal | a.non_global);
	tlb_map(map, RT_UART, TLB_PAGE, RT_UART, a.device | a.non_global);
	tlb_map(map, VA_SHARED, TLB_PAGE, (uint64_t)page,
		a.normal | a.never_execute | global_or_not);
	return map;
}

static uint64_t load_shared(void)
{
	uint64_t value = 0;
	CHECK(!rt_probe_load(VA_SHARED, &value, 0));
	return value;
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	page_inner[0] = MARK_INNER;
	page_outer[0] = MARK_OUTER;
	mmu_attrs_t a = mmu_attrs_for(AP_REGIME_EL1AND0);
	ap_mapping_t *outer = table_with(2, page_outer, a.non_global);
	ap_mapping_t *inner = table_with(1, page_inner, 0); /* global */

	uint64_t boot_ttbr, outer_ttbr;
	CHECK_EQ(ap_mapping_activate(outer, &boot_ttbr), AP_OK);
	mmu_enable(AP_REGIME_EL1AND0, false);
	CHECK_EQ(load_shared(), MARK_OUTER);

	CHECK_EQ(ap_mapping_activate(inner, &outer_ttbr), AP_OK);
	CHECK_EQ(load_shared(), MARK_INNER);
	CHECK_EQ(ap_mapping_deactivate(inner, outer_ttbr), AP_OK);
	uint64_t after = load_shared();
	rt_print("after deactivating the table with the global page, VA reads ", after);
	CHECK_EQ(after, MARK_OUTER);

	mmu_disable();
	CHECK_EQ(ap_mapping_deactivate(outer, boot_ttbr), AP_OK);
	CHECK_EQ(ap_mapping_destroy(inner), AP_OK);
	CHECK_EQ(ap_mapping_destroy(outer), AP_OK);
	return 0;
}
