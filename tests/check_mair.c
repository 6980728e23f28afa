/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Ports of the reference's mair.rs tests: describing MAIR attributes and
 * whole MAIR values, building MAIR values, and rejecting an index past 7.
 * Also checks the corrected decoding of the 0b0001 cacheability nibble.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Describes one attribute into a fixed buffer and checks the reported length. */
static void expect_attr_text(ap_mair_attr_t attr, const char *expected)
{
	char buf[256];
	size_t needed = 0;
	ck_assert_int_eq(ap_mair_attribute_describe(attr, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_str_eq(buf, expected);
	ck_assert_uint_eq(needed, strlen(expected));
}

static ap_mair_attr_t normal(ap_normal_memory_t inner, ap_normal_memory_t outer)
{
	ap_mair_attr_t attr = 0xaa;
	ck_assert_int_eq(ap_mair_normal(inner, outer, &attr), AP_OK);
	return attr;
}

/* mair::tests::format_device */
START_TEST(format_device)
{
	expect_attr_text(AP_MAIR_DEVICE_NGNRNE, "Device-nGnRnE");
	expect_attr_text(AP_MAIR_DEVICE_NGNRE, "Device-nGnRE");
	expect_attr_text(AP_MAIR_DEVICE_NGRE, "Device-nGRE");
	expect_attr_text(AP_MAIR_DEVICE_GRE, "Device-GRE");
}
END_TEST

/* mair::tests::format_normal */
START_TEST(format_normal)
{
	expect_attr_text(normal(AP_NORMAL_NON_CACHEABLE, AP_NORMAL_WRITE_BACK_NON_TRANSIENT),
			 "Normal, Inner Non-Cacheable, Outer Write-back non-transient, do not allocate");
	expect_attr_text(normal(AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_ALLOCATE,
				AP_NORMAL_WRITE_BACK_NON_TRANSIENT_WRITE_ALLOCATE),
			 "Normal, Inner Write-through transient, read-allocate, "
			 "Outer Write-back non-transient, write-allocate");
	expect_attr_text(normal(AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_WRITE_ALLOCATE,
				AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT),
			 "Normal, Inner Write-through transient, read-write-allocate, "
			 "Outer Write-through non-transient, do not allocate");
}
END_TEST

/* mair::tests::format_unpredictable */
START_TEST(format_unpredictable)
{
	expect_attr_text(0x01, "Unpredictable (0x01)");
	expect_attr_text(0x0f, "Unpredictable (0x0f)");
	expect_attr_text(0x40, "Unpredictable (0x40)");
	expect_attr_text(0xf0, "Unpredictable (0xf0)");
}
END_TEST

/* mair::tests::format_mair */
START_TEST(format_mair)
{
	const char *expected =
		"{0: Device-nGnRE; "
		"1: Normal, Inner Write-back non-transient, read-write-allocate, "
		"Outer Write-back non-transient, read-write-allocate; "
		"2: Normal, Inner Non-Cacheable, Outer Non-Cacheable; "
		"3: Device-nGnRnE; 4: Device-nGnRnE; 5: Device-nGnRnE; 6: Device-nGnRnE; "
		"7: Device-nGnRnE}";
	char buf[512];
	size_t needed = 0;
	ck_assert_int_eq(ap_mair_describe(0x44ff04, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_str_eq(buf, expected);
	ck_assert_uint_eq(needed, strlen(expected));

	/* Asking for the length first, then a buffer one byte short, then exact. */
	size_t length = 0;
	ck_assert_int_eq(ap_mair_describe(0x44ff04, NULL, 0, &length), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(length, strlen(expected));
	char *exact = malloc(length + 1);
	ck_assert_ptr_nonnull(exact);
	ck_assert_int_eq(ap_mair_describe(0x44ff04, exact, length, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(ap_mair_describe(0x44ff04, exact, length + 1, &needed), AP_OK);
	ck_assert_str_eq(exact, expected);
	free(exact);
}
END_TEST

/* mair::tests::build_const */
START_TEST(build_const)
{
	ap_mair_attr_t attrs[8] = {
		AP_MAIR_DEVICE_NGNRE,
		normal(AP_NORMAL_NON_CACHEABLE, AP_NORMAL_NON_CACHEABLE),
		normal(AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE,
		       AP_NORMAL_WRITE_BACK_TRANSIENT_READ_WRITE_ALLOCATE),
		AP_MAIR_DEVICE_NGNRNE, AP_MAIR_DEVICE_NGNRNE, AP_MAIR_DEVICE_NGNRNE,
		AP_MAIR_DEVICE_NGNRNE, AP_MAIR_DEVICE_NGNRNE,
	};
	ap_mair_t mair = 1;
	ck_assert_int_eq(ap_mair_from_attributes(attrs, &mair), AP_OK);
	ck_assert_uint_eq(mair, UINT64_C(0x00000000007f4404));

	/* The same value built up one attribute at a time from an empty MAIR. */
	ap_mair_t mair2 = 0;
	ck_assert_int_eq(ap_mair_with_attribute(mair2, 0, AP_MAIR_DEVICE_NGNRE, &mair2), AP_OK);
	ck_assert_int_eq(ap_mair_with_attribute(mair2, 1,
						normal(AP_NORMAL_NON_CACHEABLE, AP_NORMAL_NON_CACHEABLE),
						&mair2),
			 AP_OK);
	ck_assert_int_eq(ap_mair_with_attribute(
				 mair2, 2,
				 normal(AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE,
					AP_NORMAL_WRITE_BACK_TRANSIENT_READ_WRITE_ALLOCATE),
				 &mair2),
			 AP_OK);
	ck_assert_uint_eq(mair2, mair);

	/* And split back into the attributes it was built from. */
	ap_mair_attr_t back[8];
	memset(back, 0x55, sizeof(back));
	ck_assert_int_eq(ap_mair_attributes(mair, back), AP_OK);
	ck_assert_mem_eq(back, attrs, sizeof(attrs));

	/* Replacing an attribute clears the old bits of that field only. */
	ap_mair_t replaced = 0;
	ck_assert_int_eq(ap_mair_with_attribute(UINT64_MAX, 3, 0x44, &replaced), AP_OK);
	ck_assert_uint_eq(replaced, UINT64_C(0xffffffff44ffffff));
}
END_TEST

/* mair::tests::invalid_index (should_panic in the reference) */
START_TEST(invalid_index)
{
	ap_mair_t out = 0x1234;
	ck_assert_int_eq(ap_mair_with_attribute(0, 8, AP_MAIR_DEVICE_GRE, &out),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(out, 0x1234);
	ck_assert_int_eq(ap_mair_with_attribute(0, 7, AP_MAIR_DEVICE_GRE, &out), AP_OK);
	ck_assert_uint_eq(out, (ap_mair_t)AP_MAIR_DEVICE_GRE << 56);
}
END_TEST

/* Fix over the reference: its decoder maps the nibble 0b0001 to
 * "Write-back non-transient, write-allocate"; the encoding 0b0001 is
 * write-through transient, write-allocate. */
START_TEST(nibble_0001_decodes_as_write_through_transient_write_allocate)
{
	expect_attr_text(0x11, "Normal, Inner Write-through transient, write-allocate, "
			       "Outer Write-through transient, write-allocate");
	ck_assert_uint_eq(normal(AP_NORMAL_WRITE_THROUGH_TRANSIENT_WRITE_ALLOCATE,
				 AP_NORMAL_WRITE_THROUGH_TRANSIENT_WRITE_ALLOCATE),
			  0x11);
	/* 0b1101 still names write-back non-transient, write-allocate. */
	expect_attr_text(0xd1, "Normal, Inner Write-through transient, write-allocate, "
			       "Outer Write-back non-transient, write-allocate");
}
END_TEST

/* Every inner/outer pair round-trips: encoding puts outer in the high nibble,
 * and the description names the same encodings as describing each nibble. */
START_TEST(normal_encoding_round_trip)
{
	static const char *const names[16] = {
		NULL,
		"Write-through transient, write-allocate",
		"Write-through transient, read-allocate",
		"Write-through transient, read-write-allocate",
		"Non-Cacheable",
		"Write-back transient, write-allocate",
		"Write-back transient, read-allocate",
		"Write-back transient, read-write-allocate",
		"Write-through non-transient, do not allocate",
		"Write-through non-transient, write-allocate",
		"Write-through non-transient, read-allocate",
		"Write-through non-transient, read-write-allocate",
		"Write-back non-transient, do not allocate",
		"Write-back non-transient, write-allocate",
		"Write-back non-transient, read-allocate",
		"Write-back non-transient, read-write-allocate",
	};
	for (unsigned inner = 1; inner < 16; inner++) {
		for (unsigned outer = 1; outer < 16; outer++) {
			ap_mair_attr_t attr = normal((ap_normal_memory_t)inner, (ap_normal_memory_t)outer);
			ck_assert_uint_eq(attr, (outer << 4) | inner);
			char expected[200];
			snprintf(expected, sizeof(expected), "Normal, Inner %s, Outer %s", names[inner],
				 names[outer]);
			expect_attr_text(attr, expected);
		}
	}
	ap_mair_attr_t out = 0;
	ck_assert_int_eq(ap_mair_normal((ap_normal_memory_t)0, AP_NORMAL_NON_CACHEABLE, &out),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_normal(AP_NORMAL_NON_CACHEABLE, (ap_normal_memory_t)16, &out),
			 AP_ERR_INVALID_ARGUMENT);
}
END_TEST

static Suite *mair_suite(void)
{
	Suite *s = suite_create("mair");
	TCase *tc = tcase_create("reference");
	tcase_add_test(tc, format_device);
	tcase_add_test(tc, format_normal);
	tcase_add_test(tc, format_unpredictable);
	tcase_add_test(tc, format_mair);
	tcase_add_test(tc, build_const);
	tcase_add_test(tc, invalid_index);
	suite_add_tcase(s, tc);
	TCase *fixes = tcase_create("fixes");
	tcase_add_test(fixes, nibble_0001_decodes_as_write_through_transient_write_allocate);
	tcase_add_test(fixes, normal_encoding_round_trip);
	suite_add_tcase(s, fixes);
	return s;
}

int main(void)
{
	return run_suite(mair_suite());
}
