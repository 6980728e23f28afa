/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Ports of the reference's linearmap.rs tests through the built-in linear
 * translation (ap_mapping_create_linear): an input address va maps to
 * va + offset. The reference's LinearTranslation::physical_to_virtual is
 * ap_mapping_pa_to_table() and virtual_to_physical is ap_mapping_va_to_pa();
 * where the reference panics, the C API returns a status.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ADDRESS_FOR_ROOT_LEVEL_1 (UINT64_C(1) << 39)
#define GIB_512_S ((int64_t)512 * 1024 * 1024 * 1024)
#define GIB_512 ((uint64_t)512 * 1024 * 1024 * 1024)
#define NORMAL_CACHEABLE (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE)
#define NORMAL_VALID (NORMAL_CACHEABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

/* LinearMap::with_asid(1, 1, offset, El1And0, va_range) */
static ap_mapping_t *new_linear_range(int64_t offset, ap_va_range_t va_range)
{
	ap_mapping_options_t o = opts(NULL, 1, 1, va_range);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_linear(&o, offset, &m), AP_OK);
	ck_assert_ptr_nonnull(m);
	return m;
}

static ap_mapping_t *new_linear(int64_t offset)
{
	return new_linear_range(offset, AP_VA_RANGE_LOWER);
}

static void destroy(ap_mapping_t *m)
{
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

static ap_status_t map_range(ap_mapping_t *m, uint64_t start, uint64_t end, ap_attrs_t flags,
			     ap_error_t *err)
{
	ap_region_t r = R(start, end);
	return ap_mapping_map_auto(m, &r, flags, AP_CONSTRAINT_NONE, err);
}

/* Translates @va and checks it lands at va + offset; returns the level. */
static int mapping_level(const ap_mapping_t *m, uint64_t va, int64_t offset)
{
	ap_translate_result_t t;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	ap_status_t st = ap_mapping_translate(m, va, &t);
	if (st == AP_ERR_NOT_MAPPED)
		return -1;
	ck_assert_int_eq(st, AP_OK);
	ck_assert_uint_eq(t.output_address, va + (uint64_t)offset);
	return (int)t.level;
}

static void map_valid_case(int64_t offset, uint64_t start, uint64_t end)
{
	ap_mapping_t *m = new_linear(offset);
	ck_assert_int_eq(map_range(m, start, end, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_ge(mapping_level(m, start, offset), 1);
	ck_assert_int_ge(mapping_level(m, end - 1, offset), 1);
	destroy(m);
}

/* linearmap::tests::map_valid */
START_TEST(map_valid)
{
	/* A single byte at the start of the address space. */
	map_valid_case(4096, 0, 1);
	/* Two pages at the start of the address space. */
	map_valid_case(4096, 0, PAGE * 2);
	/* A single byte at the end of the address space. */
	map_valid_case(4096, MAX_ADDRESS_FOR_ROOT_LEVEL_1 - 1, MAX_ADDRESS_FOR_ROOT_LEVEL_1);
	/* The entire valid address space, with an offset of a level 2 block so
	 * that it maps with blocks. */
	const uint64_t LEVEL_2_BLOCK_SIZE = PAGE << AP_BITS_PER_LEVEL;
	map_valid_case((int64_t)LEVEL_2_BLOCK_SIZE, 0, MAX_ADDRESS_FOR_ROOT_LEVEL_1);
}
END_TEST

/* linearmap::tests::map_valid_negative_offset */
START_TEST(map_valid_negative_offset)
{
	const int64_t minus_page = -(int64_t)PAGE;
	/* A single byte which maps to IPA 0. */
	map_valid_case(minus_page, PAGE, PAGE + 1);
	/* Two pages at the start of the address space. */
	map_valid_case(minus_page, PAGE, PAGE * 3);
	/* A single byte at the end of the address space. */
	map_valid_case(minus_page, MAX_ADDRESS_FOR_ROOT_LEVEL_1 - 1, MAX_ADDRESS_FOR_ROOT_LEVEL_1);
	/* The entire valid address space above the first level 2 block. */
	const uint64_t LEVEL_2_BLOCK_SIZE = PAGE << AP_BITS_PER_LEVEL;
	map_valid_case(-(int64_t)LEVEL_2_BLOCK_SIZE, LEVEL_2_BLOCK_SIZE,
		       MAX_ADDRESS_FOR_ROOT_LEVEL_1);
}
END_TEST

/* linearmap::tests::map_out_of_range */
START_TEST(map_out_of_range)
{
	ap_mapping_t *m = new_linear(4096);
	ap_error_t err = new_error();
	ck_assert_int_eq(map_range(m, MAX_ADDRESS_FOR_ROOT_LEVEL_1, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + 1,
				   NORMAL_VALID, &err),
			 AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + PAGE);
	err = new_error();
	ck_assert_int_eq(map_range(m, 0, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + 1, NORMAL_VALID, &err),
			 AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + PAGE);
	destroy(m);
}
END_TEST

/* linearmap::tests::map_invalid_offset */
START_TEST(map_invalid_offset)
{
	ap_mapping_t *m = new_linear(-4096);
	ap_error_t err = new_error();
	/* One byte, with an offset which would map it to a negative IPA. */
	ck_assert_int_eq(map_range(m, 0, 1, NORMAL_CACHEABLE, &err), AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_int_eq(err.status, AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_uint_eq(err.address, 0);
	destroy(m);
}
END_TEST

static uint64_t table_va(const ap_mapping_t *m, ap_pa_t pa)
{
	uint64_t va = 0;
	ck_assert_int_eq(ap_mapping_pa_to_table(m, pa, &va), AP_OK);
	return va;
}

/* linearmap::tests::physical_address_in_range_ttbr0 */
START_TEST(physical_address_in_range_ttbr0)
{
	ap_mapping_t *m = new_linear(4096);
	ck_assert_uint_eq(table_va(m, 8192), 4096);
	ck_assert_uint_eq(table_va(m, GIB_512 + 4096), GIB_512);
	destroy(m);
}
END_TEST

/* linearmap::tests::physical_address_to_zero_ttbr0 (should_panic) */
START_TEST(physical_address_to_zero_ttbr0)
{
	ap_mapping_t *m = new_linear(4096);
	uint64_t va = 0x5555;
	ck_assert_int_eq(ap_mapping_pa_to_table(m, 4096, &va), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(va, 0x5555);
	destroy(m);
}
END_TEST

/* linearmap::tests::physical_address_out_of_range_ttbr0 (should_panic) */
START_TEST(physical_address_out_of_range_ttbr0)
{
	ap_mapping_t *m = new_linear(4096);
	uint64_t va = 0;
	ck_assert_int_eq(ap_mapping_pa_to_table(m, (uint64_t)-4096, &va), AP_ERR_BAD_TABLE_ADDRESS);
	destroy(m);
}
END_TEST

/* linearmap::tests::physical_address_in_range_ttbr1: the 512 GiB at the top
 * of the address space map to one page above the bottom of physical memory. */
START_TEST(physical_address_in_range_ttbr1)
{
	ap_mapping_t *m = new_linear_range(GIB_512_S + 4096, AP_VA_RANGE_UPPER);
	ck_assert_uint_eq(table_va(m, 8192), (uint64_t)(4096 - GIB_512_S));
	ck_assert_uint_eq(table_va(m, GIB_512), (uint64_t)-4096);
	destroy(m);
}
END_TEST

/* linearmap::tests::physical_address_to_zero_ttbr1 (should_panic) */
START_TEST(physical_address_to_zero_ttbr1)
{
	ap_mapping_t *m = new_linear_range(GIB_512_S, AP_VA_RANGE_UPPER);
	uint64_t va = 0;
	ck_assert_int_eq(ap_mapping_pa_to_table(m, GIB_512, &va), AP_ERR_BAD_TABLE_ADDRESS);
	destroy(m);
}
END_TEST

/* linearmap::tests::physical_address_out_of_range_ttbr1 (should_panic) */
START_TEST(physical_address_out_of_range_ttbr1)
{
	ap_mapping_t *m = new_linear_range(GIB_512_S, AP_VA_RANGE_UPPER);
	uint64_t va = 0;
	ck_assert_int_eq(ap_mapping_pa_to_table(m, (uint64_t)-4096, &va), AP_ERR_BAD_TABLE_ADDRESS);
	destroy(m);
}
END_TEST

/* linearmap::tests::virtual_address_out_of_range */
START_TEST(virtual_address_out_of_range)
{
	ap_mapping_t *m = new_linear(-4096);
	ap_pa_t pa = 0x7777;
	ck_assert_int_eq(ap_mapping_va_to_pa(m, 1024, &pa), AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_uint_eq(pa, 0x7777);
	destroy(m);
}
END_TEST

/* linearmap::tests::virtual_address_range_ttbr1 */
START_TEST(virtual_address_range_ttbr1)
{
	ap_mapping_t *m = new_linear_range(GIB_512_S, AP_VA_RANGE_UPPER);
	ap_pa_t pa = 1;
	/* The first page in the region covered by TTBR1. */
	ck_assert_int_eq(ap_mapping_va_to_pa(m, UINT64_C(0xffffff8000000000), &pa), AP_OK);
	ck_assert_uint_eq(pa, 0);
	/* The last page in the region covered by TTBR1. */
	ck_assert_int_eq(ap_mapping_va_to_pa(m, UINT64_C(0xfffffffffffff000), &pa), AP_OK);
	ck_assert_uint_eq(pa, UINT64_C(0x7ffffff000));

	/* Mapping those pages in the upper range lands at the same addresses. */
	ap_region_t first = RS(UINT64_C(0xffffff8000000000), PAGE);
	ap_region_t last = RS(UINT64_C(0xfffffffffffff000), PAGE);
	ck_assert_int_eq(ap_mapping_map_auto(m, &first, NORMAL_VALID, AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ck_assert_int_eq(ap_mapping_map_auto(m, &last, NORMAL_VALID, AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ck_assert_int_eq(mapping_level(m, UINT64_C(0xffffff8000000000), GIB_512_S), 3);
	ck_assert_int_eq(mapping_level(m, UINT64_C(0xffffffffffffffff), GIB_512_S), 3);
	destroy(m);
}
END_TEST

/* linearmap::tests::block_mapping */
START_TEST(block_mapping)
{
	/* A block mapping is used when the output address is aligned... */
	ap_mapping_t *m = new_linear(INT64_C(1) << 30);
	ck_assert_int_eq(map_range(m, 0, UINT64_C(1) << 30, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(mapping_level(m, 0, INT64_C(1) << 30), 1);
	destroy(m);

	/* ...but not when it is not. */
	m = new_linear(INT64_C(1) << 29);
	ck_assert_int_eq(map_range(m, 0, UINT64_C(1) << 30, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(mapping_level(m, 0, INT64_C(1) << 29), 2);
	destroy(m);
}
END_TEST

/* make_map(): VA 0x0..0x2000 to PA 0x1000..0x3000, with invalid descriptors. */
static ap_mapping_t *make_map(void)
{
	ap_mapping_t *m = new_linear(4096);
	ck_assert_int_eq(map_range(m, 0, PAGE * 2, NORMAL_CACHEABLE, NULL), AP_OK);
	return m;
}

struct flag_update {
	ap_attrs_t set, clear;
	unsigned calls;
	ap_status_t last;
};

static int update_flags(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct flag_update *u = ctx;
	u->calls++;
	if (!ap_descriptor_is_table(d)) {
		u->last = ap_descriptor_modify_flags(d, u->set, u->clear);
		if (u->last != AP_OK)
			return 1;
	}
	return 0;
}

/* linearmap::tests::update_backwards_range */
START_TEST(update_backwards_range)
{
	ap_mapping_t *m = make_map();
	ap_region_t backwards = {PAGE * 2, (uint64_t)1 - PAGE * 2};
	struct flag_update u = {AP_EL1_SWFLAG_0, 0, 0, AP_OK};
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(m, &backwards, update_flags, &u, &err),
			 AP_ERR_REGION_BACKWARDS);
	ck_assert_uint_eq(u.calls, 0);
	destroy(m);
}
END_TEST

struct range_check {
	unsigned calls;
};

static int expect_swflag_page(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	struct range_check *c = ctx;
	if (!ap_descriptor_is_table(d)) {
		ck_assert(ap_descriptor_flags(d) & AP_EL1_SWFLAG_0);
		ck_assert_uint_eq(region->size, PAGE);
	}
	c->calls++;
	return 0;
}

/* linearmap::tests::update_range */
START_TEST(update_range)
{
	ap_mapping_t *m = make_map();
	ap_region_t r = R(1, PAGE);
	struct flag_update u = {AP_EL1_SWFLAG_0, 0, 0, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(m, &r, update_flags, &u, NULL), AP_OK);
	ck_assert_uint_eq(u.calls, 1);
	struct range_check c = {0};
	ck_assert_int_eq(ap_mapping_modify(m, &r, expect_swflag_page, &c, NULL), AP_OK);
	ck_assert_uint_eq(c.calls, 1);
	destroy(m);
}
END_TEST

struct swflag_check {
	unsigned leaf_calls;
};

static int expect_swflag_except_first(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	struct swflag_check *c = ctx;
	if (ap_descriptor_level(d) == 3) {
		bool has_swflag = (ap_descriptor_flags(d) & AP_EL1_SWFLAG_0) != 0;
		bool is_first_page = region->start == 0;
		ck_assert_msg(has_swflag != is_first_page, "page at 0x%llx: swflag %d",
			      (unsigned long long)region->start, (int)has_swflag);
		c->leaf_calls++;
	}
	return 0;
}

/* linearmap::tests::breakup_invalid_block */
START_TEST(breakup_invalid_block)
{
	const uint64_t BLOCK_RANGE = 0x200000;
	ap_mapping_t *m = new_linear(0x1000);
	ck_assert_int_eq(map_range(m, 0, BLOCK_RANGE,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_SWFLAG_0, NULL),
			 AP_OK);
	ck_assert_int_eq(map_range(m, 0, PAGE,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_VALID |
					   AP_EL1_ACCESSED,
				   NULL),
			 AP_OK);
	struct swflag_check c = {0};
	ap_region_t r = R(0, BLOCK_RANGE);
	ck_assert_int_eq(ap_mapping_modify(m, &r, expect_swflag_except_first, &c, NULL), AP_OK);
	/* Not live: one call per page. */
	ck_assert_uint_eq(c.leaf_calls, 512);
	ck_assert_int_eq(mapping_level(m, 0, 0x1000), 3);
	destroy(m);
}
END_TEST

/* linearmap::tests::split_live_block_mapping (should_panic in the reference) */
START_TEST(split_live_block_mapping)
{
	const uint64_t BLOCK_SIZE = PAGE << AP_BITS_PER_LEVEL;
	const ap_attrs_t ro = NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_READ_ONLY |
			      AP_EL1_VALID | AP_EL1_ACCESSED;
	ap_mapping_t *m = new_linear((int64_t)BLOCK_SIZE);
	ck_assert_int_eq(map_range(m, 0, BLOCK_SIZE, ro, NULL), AP_OK);
	uint64_t ttbr = 0;
	ck_assert_int_eq(ap_mapping_activate(m, &ttbr), AP_OK);
	ck_assert_int_eq(map_range(m, 0, PAGE, ro, NULL), AP_OK);
	ck_assert_int_eq(map_range(m, PAGE, 2 * PAGE, ro, NULL), AP_OK);
	ap_error_t err = new_error();
	ap_status_t st = map_range(m, PAGE, 2 * PAGE,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_VALID | AP_EL1_ACCESSED,
				   &err);
	ck_assert_int_eq(ap_mapping_deactivate(m, ttbr), AP_OK);
	ck_assert_int_eq(st, AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err.region.start, PAGE);
	ck_assert_uint_eq(err.region.size, PAGE);
	ck_assert_int_eq(mapping_level(m, PAGE, (int64_t)BLOCK_SIZE), 2);
	destroy(m);
}
END_TEST

static Suite *linearmap_suite(void)
{
	Suite *s = suite_create("linearmap");
	TCase *tc = tcase_create("reference");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_valid);
	tcase_add_test(tc, map_valid_negative_offset);
	tcase_add_test(tc, map_out_of_range);
	tcase_add_test(tc, map_invalid_offset);
	tcase_add_test(tc, physical_address_in_range_ttbr0);
	tcase_add_test(tc, physical_address_to_zero_ttbr0);
	tcase_add_test(tc, physical_address_out_of_range_ttbr0);
	tcase_add_test(tc, physical_address_in_range_ttbr1);
	tcase_add_test(tc, physical_address_to_zero_ttbr1);
	tcase_add_test(tc, physical_address_out_of_range_ttbr1);
	tcase_add_test(tc, virtual_address_out_of_range);
	tcase_add_test(tc, virtual_address_range_ttbr1);
	tcase_add_test(tc, block_mapping);
	tcase_add_test(tc, update_backwards_range);
	tcase_add_test(tc, update_range);
	tcase_add_test(tc, breakup_invalid_block);
	tcase_add_test(tc, split_live_block_mapping);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(linearmap_suite());
}
