/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL1&0, upper VA range through TTBR1_EL1, with a linear translation of
 * non-zero offset, used as a kernel uses one: the code runs in the upper
 * range, so the pointers the library gets for its table pages are upper
 * addresses, and their physical addresses are those plus the offset.
 *
 * To get there, an identity table (TTBR0) and a bootstrap table (TTBR1,
 * identity translation for its own tables) are built first; then the test
 * moves into the upper alias of the image and builds, activates, edits and
 * deactivates the linear one.
 */
#include "runtime.h"
#include "stage1_suite.h"

#define PAGE 4096ull
/* Upper VA = PA + DELTA: the 39-bit upper range starts at DELTA. */
#define DELTA 0xffffff8000000000ull

static uint64_t buffer[PAGE / 8] __attribute__((aligned(4096)));

static ap_mapping_t *create(ap_va_range_t range, uint16_t asid, bool linear)
{
	ap_mapping_options_t options = {.size = sizeof(options), .root_level = MMU_ROOT_LEVEL,
					.asid = asid, .va_range = range};
	ap_mapping_t *map = 0;
	if (linear)
		CHECK_EQ(ap_mapping_create_linear(&options, -(int64_t)DELTA, &map), AP_OK);
	else
		CHECK_EQ(ap_mapping_create_identity(&options, &map), AP_OK);
	return map;
}

static void map_auto(ap_mapping_t *map, uint64_t start, uint64_t end, ap_attrs_t flags)
{
	ap_region_t region;
	CHECK_EQ(ap_region_from_range(start, end, &region), AP_OK);
	CHECK_EQ(ap_mapping_map_auto(map, &region, flags, AP_CONSTRAINT_NONE, 0), AP_OK);
}

static uint64_t current_pc(void)
{
	uint64_t pc;
	__asm__ volatile("adr %0, ." : "=r"(pc));
	return pc;
}

/* Runs at the upper alias: every address taken here is an upper one. */
static void in_upper_range(void)
{
	CHECK(current_pc() >= DELTA);
	CHECK((uint64_t)buffer >= DELTA);
	mmu_attrs_t a = mmu_attrs_for(AP_REGIME_EL1AND0);
	ap_attrs_t ng = a.non_global;

	ap_mapping_t *linear = create(AP_VA_RANGE_UPPER, 2, true);
	/* The image at PA + DELTA: map_auto gives each VA its PA = VA + offset. */
	map_auto(linear, (uint64_t)__image_start, (uint64_t)__text_end,
		 a.normal | a.read_only | ng);
	map_auto(linear, (uint64_t)__text_end, (uint64_t)__rodata_end,
		 a.normal | a.read_only | a.never_execute | ng);
	map_auto(linear, (uint64_t)__rodata_end, (uint64_t)__image_end,
		 a.normal | a.never_execute | ng);
	ap_pa_t root;
	CHECK_EQ(ap_mapping_root_address(linear, &root), AP_OK);
	CHECK(root < (uint64_t)__image_end - DELTA); /* a real physical address */

	uint64_t previous, ttbr;
	CHECK_EQ(ap_mapping_activate(linear, &previous), AP_OK);
	CHECK_EQ(ap_mapping_ttbr(linear, &ttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL1AND0, AP_VA_RANGE_UPPER), ttbr);
	rt_puts("running in the upper range on the linear table\n");

	/* Same memory at the upper and the identity address. */
	*(volatile uint64_t *)&buffer[7] = 0xfeedbeef;
	CHECK_EQ(*(volatile uint64_t *)((uint64_t)&buffer[7] - DELTA), 0xfeedbeef);

	/* The walker agrees with AT in the upper range. */
	unsigned checked = 0;
	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end; va += PAGE, checked++)
		suite_check_at(linear, va + 0x7f8);
	const uint64_t holes[] = {DELTA, DELTA + 0x40000000ull, (uint64_t)__image_end,
				  (uint64_t)__image_start - PAGE, 0xfffffffffffff000ull};
	for (unsigned i = 0; i < sizeof(holes) / sizeof(holes[0]); i++, checked++)
		suite_check_at(linear, holes[i]);
	rt_print("the walker agrees with AT on upper addresses: ", checked);

	/* A live change in the upper range: the TLBI must carry the upper VA. */
	CHECK(!rt_probe_store((uint64_t)&buffer[1], 1, 0));
	suite_make_read_only(linear, AP_REGIME_EL1AND0, (uint64_t)buffer);
	rt_fault_t fault;
	CHECK(rt_probe_store((uint64_t)&buffer[2], 2, &fault));
	CHECK_EQ(rt_esr_status(fault.esr), RT_FSC_PERMISSION(3));
	CHECK_EQ(fault.far, (uint64_t)&buffer[2]);
	rt_puts("a live upper page made read-only faults on the next write\n");

	CHECK_EQ(ap_mapping_deactivate(linear, previous), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL1AND0, AP_VA_RANGE_UPPER), previous);
	CHECK_EQ(ap_mapping_destroy(linear), AP_OK);
	rt_puts("back on the bootstrap table\n");
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	ap_mapping_t *identity = create(AP_VA_RANGE_LOWER, 1, false);
	suite_map_image(identity, AP_REGIME_EL1AND0, 0);
	ap_mapping_t *bootstrap = create(AP_VA_RANGE_UPPER, 1, false);
	suite_map_image(bootstrap, AP_REGIME_EL1AND0, DELTA);
	uint64_t previous0, previous1;
	CHECK_EQ(ap_mapping_activate(identity, &previous0), AP_OK);
	CHECK_EQ(ap_mapping_activate(bootstrap, &previous1), AP_OK);
	mmu_enable(AP_REGIME_EL1AND0, true);

	rt_call_shifted(in_upper_range, DELTA);

	mmu_disable();
	CHECK_EQ(ap_mapping_deactivate(bootstrap, previous1), AP_OK);
	CHECK_EQ(ap_mapping_deactivate(identity, previous0), AP_OK);
	CHECK_EQ(ap_mapping_destroy(bootstrap), AP_OK);
	CHECK_EQ(ap_mapping_destroy(identity), AP_OK);
	return 0;
}
