/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * What a caller needs to handle errors without boilerplate: the AP_*_INIT
 * initialisers of the size-fielded structs, each accepted by the call that
 * takes its struct (a zeroed struct is refused, so a wrong size in a macro
 * would show here), and ap_error_describe()'s text for every status, its
 * buffer protocol and its argument checks.
 */
#include "test_util.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- initialisers */

START_TEST(error_init_is_accepted)
{
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = 1;
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&options, &m), AP_OK);

	/* Out of the 39-bit range: the detail must arrive, which it only
	 * does through an ap_error_t whose size the call accepted. */
	ap_error_t err = AP_ERROR_INIT;
	ck_assert_uint_eq(err.size, sizeof(ap_error_t));
	ck_assert_int_eq(err.status, AP_OK);
	ap_region_t region = RS(UINT64_C(1) << 39, PAGE);
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, AP_EL1_VALID, AP_CONSTRAINT_NONE, &err),
			 AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(err.status, AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, (UINT64_C(1) << 39) + PAGE);
	ck_assert_uint_eq(err.size, sizeof(ap_error_t));

	/* The failure the macro exists to prevent. */
	ap_error_t zeroed;
	memset(&zeroed, 0, sizeof(zeroed));
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, AP_EL1_VALID, AP_CONSTRAINT_NONE, &zeroed),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(mapping_options_init_is_accepted)
{
	/* The zero defaults: EL1&0, root level 0 (48 bits), ASID 0, lower range. */
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	ck_assert_uint_eq(options.size, sizeof(ap_mapping_options_t));
	ck_assert_ptr_null(options.regime);
	ck_assert_uint_eq(options.root_level, 0);
	ck_assert_uint_eq(options.asid, 0);
	ck_assert_int_eq(options.va_range, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&options, &m), AP_OK);
	uint64_t size = 0;
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	ck_assert_uint_eq(size, UINT64_C(1) << 48);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(translate_result_init_is_accepted)
{
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = 1;
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&options, &m), AP_OK);
	ap_region_t region = RS(0x80200000, BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, AP_EL1_VALID | AP_EL1_ACCESSED,
					     AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ap_translate_result_t where = AP_TRANSLATE_RESULT_INIT;
	ck_assert_uint_eq(where.size, sizeof(ap_translate_result_t));
	ck_assert_int_eq(ap_mapping_translate(m, 0x80212345, &where), AP_OK);
	ck_assert_uint_eq(where.output_address, 0x80212345);
	ck_assert_uint_eq(where.level, 2);
	ck_assert_uint_eq(where.block_size, BLOCK_L2);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(translation_ops_init_is_accepted)
{
	ap_translation_ops_t ops = AP_TRANSLATION_OPS_INIT;
	ck_assert_uint_eq(ops.size, sizeof(ap_translation_ops_t));
	ck_assert_ptr_null(ops.allocate_table);
	ck_assert_ptr_null(ops.free_table);
	ck_assert_ptr_null(ops.physical_to_virtual);
	const ap_translation_ops_t *test_ops = test_alloc_ops();
	ops.allocate_table = test_ops->allocate_table;
	ops.free_table = test_ops->free_table;
	ops.physical_to_virtual = test_ops->physical_to_virtual;
	test_alloc_t alloc;
	test_alloc_init(&alloc);
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = 1;
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(&options, &ops, &alloc, &m), AP_OK);
	ck_assert_uint_eq(alloc.allocations, 1); /* the root, from our ops */
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(alloc.frees, 1);
}
END_TEST

static int invalidations;
static void count_invalidation(void *ctx, const ap_invalidation_t *invalidation)
{
	(void)ctx, (void)invalidation;
	invalidations++;
}

START_TEST(regime_hooks_init_is_accepted)
{
	ap_regime_hooks_t hooks = AP_REGIME_HOOKS_INIT;
	ck_assert_uint_eq(hooks.size, sizeof(ap_regime_hooks_t));
	ck_assert_ptr_null(hooks.invalidate);
	ck_assert_ptr_null(hooks.barrier);
	ck_assert_ptr_null(hooks.activate);
	ck_assert_ptr_null(hooks.deactivate);
	ap_regime_t *regime;
	/* Every hook NULL is a valid regime: each is skipped. */
	ck_assert_int_eq(ap_regime_create(AP_REGIME_STAGE2, &hooks, NULL, &regime), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);

	/* One hook set afterwards, as the guide does, and used. */
	hooks.invalidate = count_invalidation;
	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL1AND0, &hooks, NULL, &regime), AP_OK);
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.regime = regime;
	options.root_level = 1;
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&options, &m), AP_OK);
	ap_region_t region = RS(0x80000000, PAGE);
	ap_attrs_t flags = AP_EL1_VALID | AP_EL1_ACCESSED;
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	invalidations = 0;
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, flags | AP_EL1_READ_ONLY,
					     AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ck_assert_int_eq(invalidations, 1);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);
}
END_TEST

/* ---------------------------------------------------------------- ap_error_describe */

/* An error with every detail member set to something that must not show
 * up where it does not belong. */
static ap_error_t error_with(ap_status_t status)
{
	ap_error_t e = AP_ERROR_INIT;
	e.status = status;
	e.address = UINT64_C(0xaaaaaaaaaaaaa000);
	e.region.start = UINT64_C(0xbbbbbbbbbbbbb000);
	e.region.size = 0x1000;
	e.descriptor = UINT64_C(0xcccccccccccccccc);
	e.flags = UINT64_C(0xdd);
	return e;
}

/* Describes @e into a generous buffer and checks the text, the reported
 * length and the exact fit. */
static void expect_text(const ap_error_t *e, const char *expected)
{
	char buf[256];
	size_t needed = 0;
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ap_error_describe(e, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_str_eq(buf, expected);
	ck_assert_uint_eq(needed, strlen(expected));
	/* Exactly the length plus its NUL fits. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ap_error_describe(e, buf, needed + 1, NULL), AP_OK);
	ck_assert_str_eq(buf, expected);
}

START_TEST(describe_reference_messages)
{
	ap_error_t e = error_with(AP_ERR_ADDRESS_RANGE);
	e.address = UINT64_C(0x8000001000);
	expect_text(&e, "Virtual address 0x0000008000001000 out of range");

	e = error_with(AP_ERR_INVALID_VIRTUAL_ADDRESS);
	e.address = 0x1234;
	expect_text(&e, "Invalid virtual address 0x0000000000001234 for mapping");

	/* The backwards region 0x2000..0x1fff in start + size form. */
	e = error_with(AP_ERR_REGION_BACKWARDS);
	e.region.start = 0x2000;
	e.region.size = UINT64_MAX;
	expect_text(&e, "End of memory region 0x0000000000002000..0x0000000000001fff is before start.");

	e = error_with(AP_ERR_PTE_UPDATE_FAULT);
	e.descriptor = UINT64_C(0x0040000080000703);
	expect_text(&e, "Error updating page table entry 0x0040000080000703");

	e = error_with(AP_ERR_INVALID_FLAGS);
	e.flags = AP_ATTR_TABLE_OR_PAGE;
	expect_text(&e, "Flags 0x2 unsupported for mapping.");
	e.flags = 0;
	expect_text(&e, "Flags 0x0 unsupported for mapping.");
	e.flags = UINT64_MAX;
	expect_text(&e, "Flags 0xffffffffffffffff unsupported for mapping.");

	e = error_with(AP_ERR_BREAK_BEFORE_MAKE);
	e.region.start = 0x80000000;
	e.region.size = 0x200000;
	expect_text(&e, "Cannot remap region 0x0000000080000000..0x0000000080200000 while translation is live.");
	/* The top page: its end is 2^64, written out as ap_region_format() does. */
	e.region.start = UINT64_C(0xfffffffffffff000);
	e.region.size = 0x1000;
	expect_text(&e, "Cannot remap region 0xfffffffffffff000..0x10000000000000000 while translation is live.");
}
END_TEST

START_TEST(describe_library_messages)
{
	ap_error_t e = error_with(AP_ERR_BAD_TABLE_ADDRESS);
	e.address = 0x40001000;
	expect_text(&e, "table address does not translate back: physical address 0x0000000040001000");

	e = error_with(AP_ERR_MALFORMED_TABLE);
	e.address = 0x40002000;
	expect_text(&e, "table reached twice in one walk (loop or shared subtable): "
			"table at physical address 0x0000000040002000");

	e = error_with(AP_ERR_STOPPED);
	e.descriptor = 0x40000701;
	expect_text(&e, "walk stopped by its callback: descriptor 0x0000000040000701");

	/* No detail belongs to these: ap_strerror()'s text alone, whatever
	 * the detail members hold. */
	const ap_status_t plain[] = {
		AP_OK, AP_ERR_NO_MEMORY, AP_ERR_INVALID_ARGUMENT, AP_ERR_STILL_ACTIVE,
		AP_ERR_NOT_ACTIVE, AP_ERR_UNSUPPORTED, AP_ERR_NOT_MAPPED, AP_ERR_BUFFER_TOO_SMALL,
		AP_ERR_WRITE_FAILED, AP_ERR_READ_ONLY,
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		e = error_with(plain[i]);
		expect_text(&e, ap_strerror(plain[i]));
	}
	ck_assert_str_eq(ap_strerror(AP_OK), "success");

	e = error_with((ap_status_t)99);
	expect_text(&e, "unknown status 99");
	e = error_with((ap_status_t)-1);
	expect_text(&e, "unknown status -1");
}
END_TEST

/* Every status ap_status_t defines gives a non-empty text of its own, and
 * none falls through to "unknown status". */
START_TEST(describe_every_status)
{
	for (int status = AP_OK; status <= AP_ERR_READ_ONLY; status++) {
		ap_error_t e = error_with((ap_status_t)status);
		char buf[256];
		ck_assert_int_eq(ap_error_describe(&e, buf, sizeof(buf), NULL), AP_OK);
		ck_assert_msg(strncmp(buf, "unknown status", 14) != 0, "status %d: %s", status, buf);
		ck_assert_msg(buf[0] != '\0', "status %d has no text", status);
	}
}
END_TEST

/* The text of errors the library really reported. */
START_TEST(describe_reported_errors)
{
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = 1;
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&options, &m), AP_OK);
	char buf[256];

	ap_error_t err = AP_ERROR_INIT;
	ap_region_t region = RS(UINT64_C(1) << 39, PAGE);
	ap_attrs_t flags = AP_EL1_VALID | AP_EL1_ACCESSED;
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, flags, AP_CONSTRAINT_NONE, &err),
			 AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_error_describe(&err, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "Virtual address 0x0000008000001000 out of range");

	/* Splitting a live block is refused; the text names the region the
	 * error carries, as ap_region_format() writes it. */
	region = RS(0x80000000, BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	region = RS(0x80001000, PAGE);
	err = (ap_error_t)AP_ERROR_INIT;
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, flags | AP_EL1_READ_ONLY,
					     AP_CONSTRAINT_NONE, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	char range[64], expected[128];
	ck_assert_int_eq(ap_region_format(&err.region, range, sizeof(range), NULL), AP_OK);
	snprintf(expected, sizeof(expected), "Cannot remap region %s while translation is live.",
		 range);
	ck_assert_int_eq(ap_error_describe(&err, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, expected);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);

	/* A wrapping region, as the caller gave it. */
	region.start = 0x2000;
	region.size = UINT64_MAX;
	err = (ap_error_t)AP_ERROR_INIT;
	ck_assert_int_eq(ap_mapping_map_auto(m, &region, flags, AP_CONSTRAINT_NONE, &err),
			 AP_ERR_REGION_BACKWARDS);
	ck_assert_int_eq(ap_error_describe(&err, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "End of memory region 0x0000000000002000..0x0000000000001fff is before start.");
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(describe_buffer_too_small)
{
	ap_error_t e = error_with(AP_ERR_ADDRESS_RANGE);
	e.address = UINT64_C(0x8000001000);
	const char *text = "Virtual address 0x0000008000001000 out of range";
	size_t length = strlen(text);

	/* The length alone, from no buffer at all. */
	size_t needed = 0;
	ck_assert_int_eq(ap_error_describe(&e, NULL, 0, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(needed, length);
	ck_assert_int_eq(ap_error_describe(&e, NULL, 0, NULL), AP_ERR_BUFFER_TOO_SMALL);

	/* One byte short of the NUL, one byte, and in between: no half text
	 * is left behind, and nothing past size is written. */
	char buf[128];
	const size_t sizes[] = {length, 1, length / 2};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		needed = 0;
		ck_assert_int_eq(ap_error_describe(&e, buf, sizes[i], &needed),
				 AP_ERR_BUFFER_TOO_SMALL);
		ck_assert_uint_eq(needed, length);
		ck_assert_int_eq(buf[0], '\0');
		for (size_t j = sizes[i]; j < sizeof(buf); j++)
			ck_assert_int_eq(buf[j], 'x');
	}
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ap_error_describe(&e, buf, length + 1, &needed), AP_OK);
	ck_assert_str_eq(buf, text);
	ck_assert_int_eq(buf[length + 1], 'x');
}
END_TEST

START_TEST(describe_invalid_arguments)
{
	char buf[128];
	size_t needed = 12345;
	ap_error_t e = error_with(AP_ERR_NO_MEMORY);

	ck_assert_int_eq(ap_error_describe(NULL, buf, sizeof(buf), &needed), AP_ERR_INVALID_ARGUMENT);
	/* A buffer that is not there but said to have room. */
	ck_assert_int_eq(ap_error_describe(&e, NULL, 1, &needed), AP_ERR_INVALID_ARGUMENT);
	/* A zeroed struct, a size too small to hold the size field itself, and
	 * one larger than this library's ap_error_t. */
	const size_t bad_sizes[] = {0, 1, sizeof(size_t) - 1, sizeof(ap_error_t) + 1, SIZE_MAX};
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		e.size = bad_sizes[i];
		memset(buf, 'x', sizeof(buf));
		ck_assert_int_eq(ap_error_describe(&e, buf, sizeof(buf), &needed),
				 AP_ERR_INVALID_ARGUMENT);
		ck_assert_int_eq(buf[0], 'x'); /* nothing written */
	}
	ck_assert_uint_eq(needed, 12345); /* not touched by a refused call */
}
END_TEST

/* An ap_error_t from an older, shorter header: the members it lacks read
 * as zero, and nothing past its size is read. */
START_TEST(describe_short_error)
{
	ap_error_t e = error_with(AP_ERR_ADDRESS_RANGE);
	e.address = 0x1234;
	e.size = offsetof(ap_error_t, address);
	char buf[128];
	ck_assert_int_eq(ap_error_describe(&e, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "Virtual address 0x0000000000000000 out of range");
	e.size = offsetof(ap_error_t, address) + sizeof(e.address);
	ck_assert_int_eq(ap_error_describe(&e, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "Virtual address 0x0000000000001234 out of range");
	/* Only the size field: the status reads as AP_OK. */
	e.size = sizeof(size_t);
	ck_assert_int_eq(ap_error_describe(&e, buf, sizeof(buf), NULL), AP_OK);
	ck_assert_str_eq(buf, "success");
}
END_TEST

static Suite *error_text_suite(void)
{
	Suite *s = suite_create("error_text");
	TCase *init = tcase_create("initialisers");
	tcase_add_test(init, error_init_is_accepted);
	tcase_add_test(init, mapping_options_init_is_accepted);
	tcase_add_test(init, translate_result_init_is_accepted);
	tcase_add_test(init, translation_ops_init_is_accepted);
	tcase_add_test(init, regime_hooks_init_is_accepted);
	suite_add_tcase(s, init);
	TCase *text = tcase_create("describe");
	tcase_add_test(text, describe_reference_messages);
	tcase_add_test(text, describe_library_messages);
	tcase_add_test(text, describe_every_status);
	tcase_add_test(text, describe_reported_errors);
	tcase_add_test(text, describe_buffer_too_small);
	tcase_add_test(text, describe_invalid_arguments);
	tcase_add_test(text, describe_short_error);
	suite_add_tcase(s, text);
	return s;
}

int main(void)
{
	return run_suite(error_text_suite());
}
