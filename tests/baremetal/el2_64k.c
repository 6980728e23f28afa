/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL2 (virtualization=on, HCR_EL2.E2H clear) on 64 KiB pages (-cpu max):
 * the stage 1 suite with the EL2 regime, on input sizes whose walks start
 * at levels 1 and 2; TCR_EL2's T0SZ/TG0 come from
 * ap_mapping_translation_control(). EL2 tables cannot be deactivated, so
 * each run's table stays behind (the program's pool is sized for that).
 * A CPU without the granule fails the test.
 */
#include "runtime.h"
#include "stage1_suite.h"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 2);
	CHECK(mmu_granule_supported(AP_GRANULE_64K, false));
	static const suite_config_t configs[] = {
		{AP_GRANULE_64K, 48, AP_VA_RANGE_LOWER, 0}, /* 64 entries at level 1 */
		{AP_GRANULE_64K, 42, AP_VA_RANGE_LOWER, 0}, /* a whole table at level 2 */
		{AP_GRANULE_64K, 36, AP_VA_RANGE_LOWER, 0}, /* 128 entries at level 2 */
	};
	for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		CHECK_EQ(run_stage1_suite_config(AP_REGIME_EL2, &configs[i]), 0);
	return 0;
}
