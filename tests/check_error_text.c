/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * What a caller needs to handle errors without boilerplate: the AP_*_INIT
 * initialisers of the size-fielded structs, each accepted by the call that
 * takes its struct (a zeroed struct is refused, so a wrong size in a macro
 * would show here), and ap_error_describe()'s text for every status, its
 * buffer protocol and its argument checks.
 */
#include "test_util.h"

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
	return s;
}

int main(void)
{
	return run_suite(error_text_suite());
}
