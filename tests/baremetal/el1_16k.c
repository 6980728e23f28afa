/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL1&0 on 16 KiB pages (-cpu max): the stage 1 suite (alias, faults at
 * every level, live read-only and unmap, AT against the walker, raw
 * descriptors, deactivation) through TTBR0_EL1 and through TTBR1_EL1, on
 * input sizes whose walks start at levels 0, 1 and 2. TCR_EL1's T0SZ/TG0
 * and T1SZ/TG1 come from ap_mapping_translation_control(). A CPU without
 * the granule fails the test.
 */
#include "runtime.h"
#include "stage1_suite.h"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	CHECK(mmu_granule_supported(AP_GRANULE_16K, false));
	static const suite_config_t configs[] = {
		/* 48 bits: a root of 2 entries at level 0. */
		{AP_GRANULE_16K, 48, AP_VA_RANGE_LOWER, 0},
		/* 40 bits: 16 entries at level 1. */
		{AP_GRANULE_16K, 40, AP_VA_RANGE_LOWER, 0},
		/* 36 bits: a whole table at level 2. */
		{AP_GRANULE_16K, 36, AP_VA_RANGE_LOWER, 0},
		/* The upper range: 48 bits (2 entries at level 0, whose entry
		 * the raw descriptor check may invalidate here, the code being
		 * in the lower range), 47 bits (a whole table at level 1) and
		 * 38 bits (4 entries at level 1). */
		{AP_GRANULE_16K, 48, AP_VA_RANGE_UPPER, 40},
		{AP_GRANULE_16K, 47, AP_VA_RANGE_UPPER, 40},
		{AP_GRANULE_16K, 38, AP_VA_RANGE_UPPER, 36},
	};
	for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		CHECK_EQ(run_stage1_suite_config(AP_REGIME_EL1AND0, &configs[i]), 0);
	return 0;
}
