/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Regions: rounding out to pages, empty regions, the top page, formatting. */
#include "test_util.h"

#include <string.h>

START_TEST(from_range_rounds_out)
{
	ap_region_t r;
	ck_assert_int_eq(ap_region_from_range(0x1234, 0x56789, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0x1000);
	ck_assert_uint_eq(r.size, 0x56000);
	ck_assert_int_eq(ap_region_from_range(0x2000, 0x3000, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0x2000);
	ck_assert_uint_eq(r.size, 0x1000);
	/* As the reference: an unaligned empty range rounds out to its page. */
	ck_assert_int_eq(ap_region_from_range(0x1234, 0x1234, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0x1000);
	ck_assert_uint_eq(r.size, 0x1000);
	ck_assert_int_eq(ap_region_from_range(0x5000, 0x5000, &r), AP_OK);
	ck_assert_uint_eq(r.size, 0);
	/* Up to the last byte: the end rounds up to 2^64. */
	ck_assert_int_eq(ap_region_from_range(0xfffffffffffff000, 0xffffffffffffffff, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0xfffffffffffff000);
	ck_assert_uint_eq(r.size, 0x1000);
}
END_TEST

START_TEST(from_size_reaches_the_top)
{
	ap_region_t r;
	ck_assert_int_eq(ap_region_from_size(0xfffffffffffff000, 0x1000, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0xfffffffffffff000);
	ck_assert_uint_eq(r.size, 0x1000);
	ck_assert_int_eq(ap_region_from_size(0xffffffffffffe800, 0x1800, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0xffffffffffffe000);
	ck_assert_uint_eq(r.size, 0x2000);
	ck_assert_int_eq(ap_region_from_size(0x1800, 0x1000, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0x1000);
	ck_assert_uint_eq(r.size, 0x2000);
	ck_assert_int_eq(ap_region_from_size(0x1800, 0, &r), AP_OK);
	ck_assert_uint_eq(r.start, 0x1000);
	ck_assert_uint_eq(r.size, 0);
	ck_assert_int_eq(ap_region_from_size(0xfffffffffffff001, 0x1000, &r), AP_ERR_REGION_BACKWARDS);
}
END_TEST

START_TEST(format)
{
	char buf[64];
	size_t needed = 0;
	ap_region_t r = R(0x1234, 0x56789);
	ck_assert_int_eq(ap_region_format(&r, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_str_eq(buf, "0x0000000000001000..0x0000000000057000");
	ck_assert_uint_eq(needed, strlen(buf));
	ap_region_t top = RS(0xfffffffffffff000, 0x1000);
	ck_assert_int_eq(ap_region_format(&top, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "0xfffffffffffff000..0x10000000000000000");
	ap_region_t empty = {0x3000, 0};
	ck_assert_int_eq(ap_region_format(&empty, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "0x0000000000003000..0x0000000000003000");
	/* Exactly the text plus its NUL fits; one byte less does not. */
	ck_assert_int_eq(ap_region_format(&r, buf, needed + 1, NULL), AP_OK);
	ck_assert_int_eq(ap_region_format(&r, buf, needed, NULL), AP_ERR_BUFFER_TOO_SMALL);
}
END_TEST

START_TEST(mapping_rounds_raw_regions_the_same_way)
{
	ap_mapping_options_t o = opts(NULL, 2, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	/* A raw region that is not page-aligned: 0x1ff0 + 0x20 covers 2 pages. */
	ap_region_t raw = {0x1ff0, 0x20};
	ck_assert_int_eq(ap_mapping_map_auto(m, &raw, AP_EL1_VALID, 0, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, 0x1000, &t), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, 0x2fff, &t), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, 0x3000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_int_eq(ap_mapping_translate(m, 0xfff, &t), AP_ERR_NOT_MAPPED);
	/* An empty raw region changes nothing. */
	ap_region_t none = {0x5000, 0};
	ck_assert_int_eq(ap_mapping_map_auto(m, &none, AP_EL1_VALID, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, 0x5000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

static Suite *region_suite(void)
{
	Suite *s = suite_create("region");
	TCase *tc = tcase_create("region");
	tcase_add_test(tc, from_range_rounds_out);
	tcase_add_test(tc, from_size_reaches_the_top);
	tcase_add_test(tc, format);
	tcase_add_test(tc, mapping_rounds_raw_regions_the_same_way);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(region_suite());
}
