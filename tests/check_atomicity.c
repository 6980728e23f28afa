/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * All-or-nothing edits: with a translation that fails its k-th allocation
 * (for every k an edit reaches, and every n-th call), a map, a split and a
 * modify either succeed whole or return AP_ERR_NO_MEMORY with every table
 * byte as it was, and no table leaks.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

typedef ap_status_t (*edit_fn)(ap_mapping_t *m);
typedef void (*setup_fn)(ap_mapping_t *m);

/* 8 MiB + 2 pages, unaligned at both ends, as pages: 2 leaf tables at the
 * edges, 4 in the middle, plus the level 2 table. */
static ap_status_t big_page_map(ap_mapping_t *m)
{
	ap_region_t r = R(3 * BLOCK_L1 - 0x1000, 3 * BLOCK_L1 + 4 * BLOCK_L2 + 0x1000);
	return ap_mapping_map(m, &r, 0x80000000, NORMAL, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL);
}

/* One page inside a 1 GiB block: splits at levels 1 and 2. */
static ap_status_t split_by_map(ap_mapping_t *m)
{
	ap_region_t r = R(BLOCK_L1 + 5 * BLOCK_L2 + 0x3000, BLOCK_L1 + 5 * BLOCK_L2 + 0x4000);
	return ap_mapping_map(m, &r, BLOCK_L1 + 5 * BLOCK_L2 + 0x3000, NORMAL | AP_EL1_READ_ONLY, 0,
			      NULL);
}

static int set_swflag(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	return ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_2, 0);
}

/* A modify of an unaligned range across both blocks: splits at each end. */
static ap_status_t split_by_modify(ap_mapping_t *m)
{
	ap_region_t r = R(BLOCK_L1 + 0x7000, 2 * BLOCK_L1 + BLOCK_L2 + 0x2000);
	return ap_mapping_modify(m, &r, set_swflag, NULL, NULL);
}

/* Pages next to existing ones, and further away: some tables exist. */
static ap_status_t partly_populated_map(ap_mapping_t *m)
{
	ap_region_t r = R(0x3000, 3 * BLOCK_L2 + 0x5000);
	return ap_mapping_map(m, &r, 0x3000, NORMAL, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL);
}

static void no_setup(ap_mapping_t *m)
{
	(void)m;
}

static void two_blocks(ap_mapping_t *m)
{
	ap_region_t r = R(BLOCK_L1, 3 * BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(m, &r, BLOCK_L1, NORMAL, 0, NULL), AP_OK);
}

static void a_few_pages(ap_mapping_t *m)
{
	ap_region_t r = R(0x1000, 0x4000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x1000, NORMAL, 0, NULL), AP_OK);
}

struct summary {
	char *text;
	size_t length;
};

/* One line per run of non-table descriptors: where, level and a hash of the
 * values. Unlike the dump it holds no table addresses, which differ from one
 * process's heap to the next. */
static int summarize_run(void *ctx, const ap_region_t *r, const uint64_t *d, size_t n,
			 unsigned level)
{
	struct summary *sum = ctx;
	uint64_t hash = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < n; i++)
		hash = (hash ^ d[i]) * UINT64_C(1099511628211);
	char line[96];
	int len = snprintf(line, sizeof(line), "%016llx+%llx L%u %016llx\n",
			   (unsigned long long)r->start, (unsigned long long)r->size, level,
			   (unsigned long long)hash);
	char *grown = realloc(sum->text, sum->length + (size_t)len + 1);
	ck_assert_ptr_nonnull(grown);
	memcpy(grown + sum->length, line, (size_t)len + 1);
	sum->text = grown;
	sum->length += (size_t)len;
	return 0;
}

static char *summary_string(const ap_mapping_t *m)
{
	struct summary sum = {NULL, 0};
	uint64_t size;
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	ap_region_t all = RS(0, size);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &all, summarize_run, &sum, NULL), AP_OK);
	return sum.text;
}

static char *reference_dump(setup_fn setup, edit_fn edit, size_t *tables_needed)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	setup(m);
	size_t before = a.allocations;
	ck_assert_int_eq(edit(m), AP_OK);
	*tables_needed = a.allocations - before;
	char *dump = summary_string(m);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(a.allocations, a.frees);
	return dump;
}

/* Runs edit once per failure point: fail_after = setup + k, k = 0..needed,
 * and with every n-th call failing. */
static void check_all_or_nothing(setup_fn setup, edit_fn edit)
{
	size_t needed;
	char *expected = reference_dump(setup, edit, &needed);
	ck_assert_uint_gt(needed, 0);
	if (getenv("ATOMICITY_VERBOSE"))
		fprintf(stderr, "edit needs %zu tables\n", needed);
	for (long k = 0; k <= (long)needed + 1; k++) {
		for (int mode = 0; mode < 2; mode++) {
			test_alloc_t a;
			test_alloc_init(&a);
			ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
			ap_mapping_t *m = test_alloc_mapping(&a, &o);
			setup(m);
			if (mode == 0)
				a.fail_after = (long)a.allocations + k;
			else
				a.fail_every = k + 2, a.calls = 0;
			table_snapshot_t before = snapshot_tables(&a);
			char *dump_before = summary_string(m);
			ap_status_t status = edit(m);
			if (status == AP_OK) {
				char *dump = summary_string(m);
				ck_assert_str_eq(dump, expected);
				free(dump);
			} else {
				ck_assert_int_eq(status, AP_ERR_NO_MEMORY);
				table_snapshot_t after = snapshot_tables(&a);
				ck_assert(snapshots_equal(&before, &after));
				snapshot_free(&after);
				char *dump = summary_string(m);
				ck_assert_str_eq(dump, dump_before);
				free(dump);
			}
			if (mode == 0)
				ck_assert_int_eq(status, k >= (long)needed ? AP_OK : AP_ERR_NO_MEMORY);
			size_t count;
			ck_assert_int_eq(ap_mapping_table_count(m, &count), AP_OK);
			ck_assert_uint_eq(count, a.live_count);
			snapshot_free(&before);
			free(dump_before);
			ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
			ck_assert_uint_eq(a.allocations, a.frees); /* nothing leaked */
		}
	}
	free(expected);
}

START_TEST(large_map_is_all_or_nothing)
{
	check_all_or_nothing(no_setup, big_page_map);
}
END_TEST

START_TEST(split_by_map_is_all_or_nothing)
{
	check_all_or_nothing(two_blocks, split_by_map);
}
END_TEST

START_TEST(split_by_modify_is_all_or_nothing)
{
	check_all_or_nothing(two_blocks, split_by_modify);
}
END_TEST

START_TEST(partly_populated_map_is_all_or_nothing)
{
	check_all_or_nothing(a_few_pages, partly_populated_map);
}
END_TEST

/* The same on a live table (the mapping is marked active): maps that only
 * add entries need new tables too. */
static ap_status_t live_new_region(ap_mapping_t *m)
{
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	ap_region_t r = R(5 * BLOCK_L1 + 0x1000, 5 * BLOCK_L1 + 2 * BLOCK_L2);
	ap_status_t status = ap_mapping_map(m, &r, 0x1000, NORMAL, 0, NULL);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	return status;
}

START_TEST(live_map_is_all_or_nothing)
{
	check_all_or_nothing(a_few_pages, live_new_region);
}
END_TEST

static Suite *atomicity_suite(void)
{
	Suite *s = suite_create("atomicity");
	TCase *tc = tcase_create("failure injection");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, large_map_is_all_or_nothing);
	tcase_add_test(tc, split_by_map_is_all_or_nothing);
	tcase_add_test(tc, split_by_modify_is_all_or_nothing);
	tcase_add_test(tc, partly_populated_map_is_all_or_nothing);
	tcase_add_test(tc, live_map_is_all_or_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(atomicity_suite());
}
