/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL1&0 on 64 KiB pages (-cpu max): the stage 1 suite through TTBR0_EL1
 * and TTBR1_EL1, on input sizes whose walks start at levels 1 and 2
 * (64 KiB pages have no level 0). TCR_EL1's size and granule fields come
 * from ap_mapping_translation_control(). A CPU without the granule fails
 * the test.
 */
#include "runtime.h"
#include "stage1_suite.h"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	CHECK(mmu_granule_supported(AP_GRANULE_64K, false));
	static const suite_config_t configs[] = {
		/* 48 bits: 64 entries at level 1. */
		{AP_GRANULE_64K, 48, AP_VA_RANGE_LOWER, 0},
		/* 42 bits: a whole table at level 2. */
		{AP_GRANULE_64K, 42, AP_VA_RANGE_LOWER, 0},
		/* 35 bits: 64 entries at level 2. */
		{AP_GRANULE_64K, 35, AP_VA_RANGE_LOWER, 0},
		/* The upper range: 48 bits at level 1, 37 bits (256 entries at
		 * level 2). */
		{AP_GRANULE_64K, 48, AP_VA_RANGE_UPPER, 42},
		{AP_GRANULE_64K, 37, AP_VA_RANGE_UPPER, 35},
	};
	for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		CHECK_EQ(run_stage1_suite_config(AP_REGIME_EL1AND0, &configs[i]), 0);
	return 0;
}
