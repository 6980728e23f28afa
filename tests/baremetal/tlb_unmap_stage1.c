/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Stale TLB entries after a live unmap of a subtable, in the stage 1 regime
 * of whatever exception level QEMU starts at: EL1&0 through TTBR0 (virt),
 * EL2 (virtualization=on; EL2&0 with E2H and TGE set where the CPU has
 * FEAT_VHE, as -cpu max does) and EL3 (secure=on). 512 pages are mapped
 * under an empty 1 GiB entry and loaded from, so that each has a TLB
 * entry; then the whole subtable goes in one unmap (the library removes
 * one table entry and reports one AP_INVALIDATE_TABLE for its whole
 * range). Every page must fault afterwards: a page that still loads was
 * translated by an entry the invalidation left behind.
 *
 * Two sizes: 1 GiB (the level 1 entry, with a level 2 and a leaf table
 * under it) and exactly 2 MiB (a level 2 entry: the leaf table alone).
 */
#include "mmu.h"
#include "runtime.h"
#include "tlb_unmap.h"

#define VA_2MIB 0x4000000000ull /* level 1 entry 256 */
#define VA_1GIB 0x5000000000ull /* level 1 entry 320 */

static ap_mapping_t *map;
static ap_regime_kind_t kind;

#define HCR_TGE (1ull << 27)
#define HCR_E2H (1ull << 34)

/* The regime of the current level; at EL2 the VHE one where there is VHE. */
static ap_regime_kind_t choose_regime(void)
{
	if (rt_current_el() == 1)
		return AP_REGIME_EL1AND0;
	if (rt_current_el() == 3)
		return AP_REGIME_EL3;
	uint64_t mmfr1, hcr;
	__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
	if (((mmfr1 >> 8) & 0xf) == 0)
		return AP_REGIME_EL2;
	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	__asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"(hcr | HCR_E2H | HCR_TGE) : "memory");
	return AP_REGIME_EL2AND0;
}

static void map_image(void)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	uint64_t start = (uint64_t)__image_start, end = (uint64_t)__image_end;
	tlb_map(map, start, end - start, start, a.normal | a.non_global);
	tlb_map(map, RT_UART, TLB_PAGE, RT_UART, a.device | a.non_global);
}

/* Loads from each page; returns how many loads did not fault, and checks
 * that those that did were translation faults at @p level. */
static unsigned load_all(uint64_t va, bool expect_fault, unsigned level)
{
	unsigned loaded = 0;
	for (unsigned i = 0; i < TLB_PAGES; i++) {
		rt_fault_t fault;
		uint64_t address = va + i * TLB_PAGE;
		if (!rt_probe_load(address, 0, &fault)) {
			loaded++;
			continue;
		}
		CHECK(expect_fault);
		CHECK_EQ(rt_esr_class(fault.esr), RT_EC_DABT_SAME);
		CHECK_EQ(rt_esr_status(fault.esr), RT_FSC_TRANSLATION(level));
		CHECK_EQ(fault.far, address);
	}
	return loaded;
}

/*
 * Maps 512 pages at @p va, touches them, unmaps @p size from @p va (which
 * removes the table entry at @p level) and loads again: returns how many
 * pages still loaded.
 */
static unsigned stale_after_unmap(uint64_t va, uint64_t size, unsigned level)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	tlb_map(map, va, TLB_BLOCK, TLB_TEST_PA, a.normal | a.never_execute | a.non_global);
	CHECK_EQ(load_all(va, false, 0), TLB_PAGES);
	tlb_unmap(map, va, size);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, va, &r), AP_ERR_NOT_MAPPED);
	CHECK_EQ(r.level, level);
	unsigned stale = load_all(va, true, level);
	rt_print(level == 1 ? "1 GiB entry removed, pages still loading: "
			    : "2 MiB entry removed, pages still loading: ", stale);
	return stale;
}

int test_main(void)
{
	tlb_print_range_support();
	kind = choose_regime();
	rt_print("regime (ap_regime_kind_t): ", kind);
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(kind, &regime), AP_OK);
	bool has_asid = kind == AP_REGIME_EL1AND0 || kind == AP_REGIME_EL2AND0;
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = MMU_ROOT_LEVEL, .asid = has_asid ? 1 : 0};
	CHECK_EQ(ap_mapping_create_identity(&options, &map), AP_OK);
	map_image();
	uint64_t previous;
	CHECK_EQ(ap_mapping_activate(map, &previous), AP_OK);
	mmu_enable(kind, false);

	unsigned stale_2mib = stale_after_unmap(VA_2MIB, TLB_BLOCK, 2);
	unsigned stale_1gib = stale_after_unmap(VA_1GIB, TLB_GIB, 1);
	CHECK_EQ(stale_2mib, 0);
	CHECK_EQ(stale_1gib, 0);
	mmu_disable();
	return 0;
}
