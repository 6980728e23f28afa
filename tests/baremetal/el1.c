/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL1&0 through TTBR0_EL1 with the built-in EL1&0 regime, after the two
 * statuses only a freestanding build returns.
 */
#include "runtime.h"
#include "stage1_suite.h"

/* The header leaves ap_mapping_dump_file() out without stdio; the library
 * still exports it. */
struct ap_no_file;
ap_status_t ap_mapping_dump_file(const ap_mapping_t *mapping, struct ap_no_file *stream);

/* Mappings until a fixed pool runs out: AP_ERR_NO_MEMORY, nothing created,
 * and everything is usable again once they are destroyed. */
static void check_pools_run_out(void)
{
	static ap_mapping_t *maps[200];
	ap_mapping_options_t options = {.size = sizeof(options), .root_level = MMU_ROOT_LEVEL};
	unsigned count = 0;
	ap_status_t status = AP_OK;
	while (count < 200) {
		ap_mapping_t *m = (ap_mapping_t *)1;
		status = ap_mapping_create_identity(&options, &m);
		if (status != AP_OK) {
			CHECK_EQ((uint64_t)m, 1); /* untouched */
			break;
		}
		maps[count++] = m;
	}
	CHECK_EQ(status, AP_ERR_NO_MEMORY);
	CHECK(count > 8);
	while (count)
		CHECK_EQ(ap_mapping_destroy(maps[--count]), AP_OK);
	CHECK_EQ(ap_mapping_create_identity(&options, &maps[0]), AP_OK);
	CHECK_EQ(ap_mapping_destroy(maps[0]), AP_OK);
	rt_puts("the fixed pools run out with AP_ERR_NO_MEMORY and recover\n");
}

static void check_no_stdio(void)
{
	ap_mapping_options_t options = {.size = sizeof(options), .root_level = MMU_ROOT_LEVEL};
	ap_mapping_t *m;
	CHECK_EQ(ap_mapping_create_identity(&options, &m), AP_OK);
	CHECK_EQ(ap_mapping_dump_file(m, (struct ap_no_file *)1), AP_ERR_UNSUPPORTED);
	CHECK_EQ(ap_mapping_dump_file(m, 0), AP_ERR_INVALID_ARGUMENT);
	CHECK_EQ(ap_mapping_destroy(m), AP_OK);
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	check_pools_run_out();
	check_no_stdio();
	return run_stage1_suite(AP_REGIME_EL1AND0);
}
