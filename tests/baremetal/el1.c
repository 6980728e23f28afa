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

/* Tables are at their own address here: physical is virtual. */
static void *identity_table(void *ctx, ap_pa_t pa)
{
	(void)ctx;
	return (void *)pa;
}

/* A hierarchy of 26 tables adopted with ap_mapping_open(): counting them
 * walks the whole tree, and the set of tables met outgrows the small
 * object slots of a freestanding build (it moves to a pool page). */
static void check_adopted_count(void)
{
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = MMU_ROOT_LEVEL;
	ap_mapping_t *built, *adopted;
	CHECK_EQ(ap_mapping_create_identity(&options, &built), AP_OK);
	ap_attrs_t page = AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_ATTRIBUTE_INDEX_0;
	for (uint64_t i = 0; i < 24; i++) {
		ap_region_t r;
		uint64_t va = (i % 2) * 0x40000000ull + (i / 2) * 0x200000ull;
		CHECK_EQ(ap_region_from_size(va, 0x1000, &r), AP_OK);
		CHECK_EQ(ap_mapping_map(built, &r, 0x40000000, page, AP_CONSTRAINT_NONE, 0), AP_OK);
	}
	size_t count, adopted_count;
	CHECK_EQ(ap_mapping_table_count(built, &count), AP_OK);
	CHECK_EQ(count, 27); /* root, two level 2 tables, 24 leaf tables */
	ap_translation_ops_t ops = AP_TRANSLATION_OPS_INIT;
	ops.physical_to_virtual = identity_table;
	ap_pa_t root;
	CHECK_EQ(ap_mapping_root_address(built, &root), AP_OK);
	CHECK_EQ(ap_mapping_open(&options, &ops, 0, root, AP_OPEN_READ_ONLY, &adopted), AP_OK);
	CHECK_EQ(ap_mapping_table_count(adopted, &adopted_count), AP_OK);
	CHECK_EQ(adopted_count, count);
	CHECK_EQ(ap_mapping_destroy(adopted), AP_OK);
	CHECK_EQ(ap_mapping_destroy(built), AP_OK);
	rt_puts("an adopted hierarchy of 27 tables is walked whole\n");
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	check_pools_run_out();
	check_no_stdio();
	check_adopted_count();
	return run_stage1_suite(AP_REGIME_EL1AND0);
}
