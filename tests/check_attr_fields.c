/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Attribute fields rather than single bits: changing one field of a
 * descriptor with ap_descriptor_modify_flags(), the bits a map accepts per
 * descriptor format, and the field-by-field text of ap_attrs_describe().
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#define BIT(n) (UINT64_C(1) << (n))

/* ------------------------------------------------------------------ */
/* One field, one value: modify_flags with set and clear. */

struct modify_call {
	ap_attrs_t set, clear;
	ap_status_t status;
};

static int modify_cb(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct modify_call *c = ctx;
	c->status = ap_descriptor_modify_flags(d, c->set, c->clear);
	return c->status != AP_OK;
}

static int grab_cb(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level)
{
	(void)region;
	(void)level;
	*(uint64_t *)ctx = descriptor;
	return 0;
}

static uint64_t page_bits(const ap_mapping_t *m, uint64_t va)
{
	uint64_t bits = 0;
	ap_region_t r = RS(va, PAGE);
	ck_assert_int_eq(ap_mapping_walk(m, &r, grab_cb, &bits, NULL), AP_OK);
	return bits;
}

#define S2_RAM                                                                                  \
	(AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_MEMATTR_NORMAL_INNER_WB |                      \
	 AP_S2_MEMATTR_NORMAL_OUTER_WB | AP_S2_SH_INNER)

static ap_mapping_t *stage2_page(ap_attrs_t flags)
{
	ap_mapping_options_t o = opts(regime_of(AP_REGIME_STAGE2), 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_region_t r = RS(0x40000000, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x40000000, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	return m;
}

/* Setting RO while clearing RW named the same bits twice; it used to give
 * S2AP "none". It is refused now, and the descriptor keeps its value. */
START_TEST(modify_overlap_refused)
{
	ap_mapping_t *m = stage2_page(S2_RAM | AP_S2_S2AP_ACCESS_RW);
	uint64_t before = page_bits(m, 0x40000000);
	struct modify_call c = {AP_S2_S2AP_ACCESS_RO, AP_S2_S2AP_ACCESS_RW, AP_OK};
	ap_region_t r = RS(0x40000000, PAGE);
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(m, &r, modify_cb, &c, &err), AP_ERR_PTE_UPDATE_FAULT);
	ck_assert_int_eq(c.status, AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(page_bits(m, 0x40000000), before);
	/* Any shared bit is refused, even one bit of a single-bit flag. */
	c = (struct modify_call){AP_S2_XN, AP_S2_XN | AP_S2_SWFLAG_0, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(m, &r, modify_cb, &c, NULL), AP_ERR_PTE_UPDATE_FAULT);
	ck_assert_int_eq(c.status, AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(page_bits(m, 0x40000000), before);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* The documented way: set the value, clear the rest of the field. Every
 * S2AP value from every S2AP value gives exactly the value asked for, and
 * nothing else changes. */
START_TEST(modify_masked_field)
{
	static const ap_attrs_t values[] = {AP_S2_S2AP_ACCESS_NONE, AP_S2_S2AP_ACCESS_RO,
					    AP_S2_S2AP_ACCESS_WO, AP_S2_S2AP_ACCESS_RW};
	for (unsigned from = 0; from < 4; from++) {
		for (unsigned to = 0; to < 4; to++) {
			ap_mapping_t *m = stage2_page(S2_RAM | values[from]);
			uint64_t before = page_bits(m, 0x40000000);
			struct modify_call c = {values[to], AP_S2_S2AP_MASK & ~values[to], AP_OK};
			ap_region_t r = RS(0x40000000, PAGE);
			ck_assert_int_eq(ap_mapping_modify(m, &r, modify_cb, &c, NULL), AP_OK);
			ck_assert_int_eq(c.status, AP_OK);
			uint64_t after = page_bits(m, 0x40000000);
			ck_assert_uint_eq(after & AP_S2_S2AP_MASK, values[to]);
			ck_assert_uint_eq(after & ~AP_S2_S2AP_MASK, before & ~AP_S2_S2AP_MASK);
			ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
		}
	}
}
END_TEST

/* The field masks cover exactly their fields, and each field's values lie
 * inside its mask. */
START_TEST(field_masks)
{
	ck_assert_uint_eq(AP_S2_MEMATTR_MASK, BIT(5) | BIT(4) | BIT(3) | BIT(2));
	ck_assert_uint_eq(AP_S2_S2AP_MASK, BIT(7) | BIT(6));
	ck_assert_uint_eq(AP_S2_SH_MASK, BIT(9) | BIT(8));
	ck_assert_uint_eq(AP_EL1_AP_MASK, BIT(7) | BIT(6));
	ck_assert_uint_eq(AP_EL23_AP_MASK, BIT(7) | BIT(6));
	ck_assert_uint_eq(AP_EL1_ATTRIBUTE_INDEX_MASK, BIT(4) | BIT(3) | BIT(2));
	ck_assert_uint_eq(AP_EL23_ATTRIBUTE_INDEX_MASK, BIT(4) | BIT(3) | BIT(2));
	ck_assert_uint_eq(AP_EL1_SHAREABILITY_MASK, BIT(9) | BIT(8));
	ck_assert_uint_eq(AP_EL23_SHAREABILITY_MASK, BIT(9) | BIT(8));
	ck_assert_uint_eq((AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB) &
				  ~AP_S2_MEMATTR_MASK, 0);
	ck_assert_uint_eq(AP_S2_S2AP_ACCESS_RW & ~AP_S2_S2AP_MASK, 0);
	ck_assert_uint_eq(AP_S2_SH_INNER & ~AP_S2_SH_MASK, 0);
}
END_TEST

static Suite *attr_fields_suite(void)
{
	Suite *s = suite_create("attr_fields");
	TCase *modify = tcase_create("modify");
	tcase_add_test(modify, modify_overlap_refused);
	tcase_add_test(modify, modify_masked_field);
	tcase_add_test(modify, field_masks);
	suite_add_tcase(s, modify);
	return s;
}

int main(void)
{
	return run_suite(attr_fields_suite());
}
