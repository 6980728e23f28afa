/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL2&0 (VHE: HCR_EL2.E2H and TGE set) with the built-in EL2&0 regime:
 * ASIDs, and TTBR0_EL2/TTBR1_EL2. Needs FEAT_VHE (-cpu max).
 *
 * After the stage 1 suite (lower range), the upper range: a table activated
 * with AP_VA_RANGE_UPPER must go to TTBR1_EL2 and leave TTBR0_EL2 alone.
 * The lower and the upper table map the same low 39 bits (X and
 * UPPER_BASE + X) to different pages, so a table put in the wrong TTBR
 * reads the wrong page; the image is mapped in both at the same low bits,
 * so such a mistake does not simply crash before the check.
 */
#include "runtime.h"
#include "stage1_suite.h"

#define HCR_TGE (1ull << 27)
#define HCR_E2H (1ull << 34)

#define PAGE 4096ull
#define UPPER_BASE 0xffffff8000000000ull /* the 39-bit upper range */
#define SPLIT_VA 0x1000000000ull         /* low bits both tables map */
#define MARK_LOWER 0x1010101010101010ull
#define MARK_UPPER 0x2020202020202020ull

static uint64_t page_lower[PAGE / 8] __attribute__((aligned(4096)));
static uint64_t page_upper[PAGE / 8] __attribute__((aligned(4096)));

static ap_mapping_t *create(ap_va_range_t range)
{
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(AP_REGIME_EL2AND0, &regime), AP_OK);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = MMU_ROOT_LEVEL, .asid = 3,
					.va_range = range};
	ap_mapping_t *map = 0;
	CHECK_EQ(ap_mapping_create_identity(&options, &map), AP_OK);
	return map;
}

static void map_page(ap_mapping_t *map, uint64_t va, uint64_t *page)
{
	mmu_attrs_t a = mmu_attrs_for(AP_REGIME_EL2AND0);
	ap_region_t region;
	CHECK_EQ(ap_region_from_size(va, PAGE, &region), AP_OK);
	CHECK_EQ(ap_mapping_map(map, &region, (uint64_t)page,
				a.normal | a.never_execute | a.non_global, AP_CONSTRAINT_NONE, 0),
		 AP_OK);
}

static uint64_t load(uint64_t va)
{
	uint64_t value = 0;
	rt_fault_t fault;
	if (rt_probe_load(va, &value, &fault)) {
		rt_print("load faulted at ", va);
		rt_print("  ESR ", fault.esr);
		CHECK(!fault.taken);
	}
	return value;
}

static void check_upper_range(void)
{
	page_lower[0] = MARK_LOWER;
	page_upper[0] = MARK_UPPER;
	ap_mapping_t *lower = create(AP_VA_RANGE_LOWER);
	suite_map_image(lower, AP_REGIME_EL2AND0, 0);
	map_page(lower, SPLIT_VA, page_lower);
	ap_mapping_t *upper = create(AP_VA_RANGE_UPPER);
	suite_map_image(upper, AP_REGIME_EL2AND0, UPPER_BASE);
	map_page(upper, UPPER_BASE + SPLIT_VA, page_upper);

	uint64_t boot0, boot1, lower_ttbr, upper_ttbr;
	CHECK_EQ(ap_mapping_activate(lower, &boot0), AP_OK);
	CHECK_EQ(ap_mapping_activate(upper, &boot1), AP_OK);
	mmu_enable(AP_REGIME_EL2AND0, true);
	/* The hardware's view first: each range reads its own page. */
	uint64_t low = load(SPLIT_VA), high = load(UPPER_BASE + SPLIT_VA);
	rt_print("EL2&0 lower VA reads ", low);
	rt_print("EL2&0 upper VA reads ", high);
	CHECK_EQ(low, MARK_LOWER);
	CHECK_EQ(high, MARK_UPPER);
	CHECK_EQ(ap_mapping_ttbr(lower, &lower_ttbr), AP_OK);
	CHECK_EQ(ap_mapping_ttbr(upper, &upper_ttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL2AND0, AP_VA_RANGE_LOWER), lower_ttbr);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL2AND0, AP_VA_RANGE_UPPER), upper_ttbr);

	/* AT (S1E2R/W and S1E0R/W) agrees with the walker in the upper range. */
	unsigned checked = 0;
	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end; va += 4 * PAGE)
		suite_check_at(upper, UPPER_BASE + va + 0x40), checked++;
	const uint64_t others[] = {UPPER_BASE, UPPER_BASE + SPLIT_VA, UPPER_BASE + SPLIT_VA + PAGE,
				   UPPER_BASE + RT_UART, 0xfffffffffffff000ull};
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++, checked++)
		suite_check_at(upper, others[i]);
	rt_print("the walker agrees with AT on EL2&0 upper addresses: ", checked);

	/* A live change in the upper range: the TLBI must carry the upper VA. */
	CHECK(!rt_probe_store(UPPER_BASE + SPLIT_VA + 8, 5, 0));
	suite_make_read_only(upper, AP_REGIME_EL2AND0, UPPER_BASE + SPLIT_VA);
	rt_fault_t fault;
	CHECK(rt_probe_store(UPPER_BASE + SPLIT_VA + 16, 6, &fault));
	CHECK_EQ(rt_esr_status(fault.esr), RT_FSC_PERMISSION(3));
	CHECK_EQ(fault.far, UPPER_BASE + SPLIT_VA + 16);
	CHECK(!rt_probe_store(SPLIT_VA + 16, 7, 0)); /* the lower page is still writable */
	rt_puts("a live EL2&0 upper page made read-only faults on the next write\n");

	mmu_disable();
	CHECK_EQ(ap_mapping_deactivate(upper, boot1), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL2AND0, AP_VA_RANGE_UPPER), boot1);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL2AND0, AP_VA_RANGE_LOWER), lower_ttbr);
	CHECK_EQ(ap_mapping_deactivate(lower, boot0), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL2AND0, AP_VA_RANGE_LOWER), boot0);
	CHECK_EQ(ap_mapping_destroy(upper), AP_OK);
	CHECK_EQ(ap_mapping_destroy(lower), AP_OK);
	rt_puts("TTBR1_EL2 held the upper table, TTBR0_EL2 the lower one\n");
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 2);
	uint64_t mmfr1;
	__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
	if (((mmfr1 >> 8) & 0xf) == 0) {
		rt_puts("this CPU has no FEAT_VHE: run this test with -cpu max\n");
		return 1;
	}
	uint64_t hcr;
	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	__asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"(hcr | HCR_E2H | HCR_TGE) : "memory");
	int status = run_stage1_suite(AP_REGIME_EL2AND0);
	if (status == 0)
		check_upper_range();
	return status;
}
