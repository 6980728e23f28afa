/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * ap_mapping_translate: pages, blocks at levels 1 and 2, faults at each
 * level, table attributes on the way, the upper VA range, and agreement
 * with the walker on many pseudo-random addresses of a mixed mapping.
 */
#include "test_util.h"

#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

static ap_translate_result_t result(void)
{
	ap_translate_result_t t;
	memset(&t, 0xa5, sizeof(t));
	t.size = sizeof(t);
	return t;
}

static ap_mapping_t *mixed(void)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x10000000, &m), AP_OK);
	ap_region_t pages = R(0x3000, 0x9000), l2 = R(4 * BLOCK_L2, 6 * BLOCK_L2), l1 = R(2 * BLOCK_L1, 3 * BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(m, &pages, 0x80003000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &l2, 0x90000000, NORMAL | AP_EL1_READ_ONLY, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &l1, 5 * BLOCK_L1, NORMAL | AP_EL1_UXN, 0, NULL), AP_OK);
	return m;
}

START_TEST(pages_and_blocks)
{
	ap_mapping_t *m = mixed();
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, 0x4567, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x80004567);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_uint_eq(t.block_size, 0x1000);
	ck_assert_uint_eq(t.attributes, NORMAL | AP_ATTR_TABLE_OR_PAGE);
	ck_assert_uint_eq(t.table_attributes, 0);
	ck_assert_uint_eq(ap_pte_output_address(t.descriptor, 3), 0x80004000);

	ck_assert_int_eq(ap_mapping_translate(m, 5 * BLOCK_L2 + 0x12345, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x90000000 + BLOCK_L2 + 0x12345);
	ck_assert_uint_eq(t.level, 2);
	ck_assert_uint_eq(t.block_size, BLOCK_L2);
	ck_assert_uint_eq(t.attributes, NORMAL | AP_EL1_READ_ONLY);

	ck_assert_int_eq(ap_mapping_translate(m, 2 * BLOCK_L1 + 0x3456789, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 5 * BLOCK_L1 + 0x3456789);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_uint_eq(t.block_size, BLOCK_L1);
	ck_assert_uint_eq(t.attributes, NORMAL | AP_EL1_UXN);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(faults_report_their_level)
{
	ap_mapping_t *m = mixed();
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, 0x2000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_uint_eq(t.descriptor, 0);
	ck_assert_uint_eq(t.output_address, 0);
	ck_assert_int_eq(ap_mapping_translate(m, 7 * BLOCK_L2, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 2);
	ck_assert_int_eq(ap_mapping_translate(m, 3 * BLOCK_L1, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_uint_eq(t.block_size, BLOCK_L1);
	/* An invalid entry that carries software flags still faults. */
	ap_region_t marked = R(0x9000, 0xa000);
	ck_assert_int_eq(ap_mapping_map(m, &marked, 0, AP_EL1_SWFLAG_0, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, 0x9000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.descriptor, AP_EL1_SWFLAG_0);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(table_attributes_accumulate)
{
	/* Table attributes are not something map writes; a custom translation
	 * lets the test put them in the table descriptors directly. */
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	ap_region_t page = R(0x5000, 0x6000);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x5000, NORMAL, 0, NULL), AP_OK);
	ap_pa_t root_pa;
	ck_assert_int_eq(ap_mapping_root_address(m, &root_pa), AP_OK);
	uint64_t *root = (uint64_t *)(uintptr_t)root_pa; /* test_alloc: pa is the address */
	root[0] |= AP_EL1_XN_TABLE;
	uint64_t *l2 = (uint64_t *)(uintptr_t)(root[0] & UINT64_C(0x0000fffffffff000));
	l2[0] |= AP_EL1_AP_TABLE_NO_WRITE;
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, 0x5000, &t), AP_OK);
	ck_assert_uint_eq(t.table_attributes, AP_EL1_XN_TABLE | AP_EL1_AP_TABLE_NO_WRITE);
	ck_assert_uint_eq(t.output_address, 0x5000);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(upper_range)
{
	ap_mapping_options_t o = opts(NULL, 2, 4, AP_VA_RANGE_UPPER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	uint64_t base = (uint64_t)0 - BLOCK_L1;
	ap_region_t r = RS(base + 0x7000, 0x2000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x123000, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, base + 0x8010, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x124010);
	ck_assert_int_eq(ap_mapping_translate(m, base - 1, &t), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_translate(m, 0x8000, &t), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

struct lookup {
	uint64_t va;
	int found;
	uint64_t bits;
	unsigned level;
	uint64_t region_start;
};

static int find_va(void *ctx, const ap_region_t *r, uint64_t bits, unsigned level)
{
	struct lookup *l = ctx;
	if (l->va >= r->start && l->va - r->start < r->size) {
		l->found = 1;
		l->bits = bits;
		l->level = level;
		l->region_start = r->start;
	}
	return 0;
}

START_TEST(agrees_with_the_walker)
{
	ap_mapping_t *m = mixed();
	uint64_t x = 12345;
	for (int i = 0; i < 3000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Mostly near the mapped areas, so that all cases occur. */
		uint64_t va = (x >> 8) % (4 * BLOCK_L1);
		if (i % 3 == 0)
			va = (x >> 8) % (8 * BLOCK_L2);
		struct lookup l = {va, 0, 0, 0, 0};
		ap_region_t at = RS(va & ~(uint64_t)0xfff, AP_PAGE_SIZE);
		ck_assert_int_eq(ap_mapping_walk(m, &at, find_va, &l, NULL), AP_OK);
		ck_assert(l.found);
		ap_translate_result_t t = result();
		ap_status_t status = ap_mapping_translate(m, va, &t);
		ck_assert_uint_eq(t.descriptor, l.bits);
		ck_assert_uint_eq(t.level, l.level);
		if (ap_pte_is_valid(l.bits)) {
			ck_assert_int_eq(status, AP_OK);
			uint64_t g = AP_GRANULE_AT_LEVEL(l.level);
			ck_assert_uint_eq(t.output_address, ap_pte_output_address(l.bits, l.level) + (va & (g - 1)));
		} else {
			ck_assert_int_eq(status, AP_ERR_NOT_MAPPED);
		}
	}
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(smaller_result_struct)
{
	ap_mapping_t *m = mixed();
	ap_translate_result_t t = result();
	/* A caller built against a shorter struct gets only what fits. */
	t.size = offsetof(ap_translate_result_t, attributes);
	ck_assert_int_eq(ap_mapping_translate(m, 0x4567, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x80004567);
	ck_assert_uint_eq(t.size, offsetof(ap_translate_result_t, attributes));
	uint64_t untouched;
	memset(&untouched, 0xa5, sizeof(untouched));
	ck_assert_uint_eq(t.attributes, untouched);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

static Suite *translate_suite(void)
{
	Suite *s = suite_create("translate");
	TCase *tc = tcase_create("translate");
	tcase_add_test(tc, pages_and_blocks);
	tcase_add_test(tc, faults_report_their_level);
	tcase_add_test(tc, table_attributes_accumulate);
	tcase_add_test(tc, upper_range);
	tcase_add_test(tc, agrees_with_the_walker);
	tcase_add_test(tc, smaller_result_struct);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(translate_suite());
}
