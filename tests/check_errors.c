/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Every status every public function documents, one test per function, and
 * for the calls that take a mapping: the mapping is unchanged afterwards
 * (same dump, same table bytes) and ap_error_t carries the right detail.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

static ap_mapping_t *identity(unsigned level)
{
	ap_mapping_options_t o = opts(NULL, level, 1, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	return m;
}

/* A mapping over test_alloc with a few pages and a block already mapped. */
static ap_mapping_t *populated(test_alloc_t *a)
{
	test_alloc_init(a);
	ap_mapping_options_t o = opts(NULL, 1, 1, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(a, &o);
	ap_region_t pages = R(0x1000, 0x5000), block = R(BLOCK_L2, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map(m, &pages, 0x1000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &block, BLOCK_L2, NORMAL, 0, NULL), AP_OK);
	return m;
}

/* Asserts an edit failed with status and left every table byte as it was. */
#define EXPECT_UNCHANGED(a, call, status)                                 \
	do {                                                              \
		table_snapshot_t before_ = snapshot_tables(a);            \
		ck_assert_int_eq((call), (status));                       \
		table_snapshot_t after_ = snapshot_tables(a);             \
		ck_assert(snapshots_equal(&before_, &after_));            \
		snapshot_free(&before_);                                  \
		snapshot_free(&after_);                                   \
	} while (0)

static int ok_modify(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	(void)d;
	return 0;
}

static int ok_walk(void *ctx, const ap_region_t *r, uint64_t bits, unsigned level)
{
	(void)ctx;
	(void)r;
	(void)bits;
	(void)level;
	return 0;
}

static int ok_runs(void *ctx, const ap_region_t *r, const uint64_t *d, size_t n, unsigned level)
{
	(void)ctx;
	(void)r;
	(void)d;
	(void)n;
	(void)level;
	return 0;
}

/* ------------------------------------------------------------ basics */

START_TEST(strerror_names_every_status)
{
	const char *seen[AP_ERR_READ_ONLY + 1];
	for (int s = AP_OK; s <= AP_ERR_READ_ONLY; s++) {
		seen[s] = ap_strerror((ap_status_t)s);
		ck_assert_ptr_nonnull(seen[s]);
		ck_assert_str_ne(seen[s], "unknown status");
		for (int t = 0; t < s; t++)
			ck_assert_str_ne(seen[s], seen[t]);
	}
	ck_assert_str_eq(ap_strerror((ap_status_t)99), "unknown status");
	ck_assert_str_eq(ap_strerror((ap_status_t)-1), "unknown status");
}
END_TEST

START_TEST(version_matches_header)
{
	ck_assert_uint_eq(ap_version(), AP_VERSION);
	ck_assert_str_eq(ap_version_string(), AP_VERSION_STRING);
	ck_assert_uint_eq(AP_VERSION, AP_VERSION_ENCODE(AP_VERSION_MAJOR, AP_VERSION_MINOR,
							AP_VERSION_PATCH));
}
END_TEST

START_TEST(region_errors)
{
	ap_region_t r = {7, 7};
	ck_assert_int_eq(ap_region_from_range(0, 1, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_region_from_size(0, 1, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_region_from_range(0x2000, 0x1fff, &r), AP_ERR_REGION_BACKWARDS);
	ck_assert_int_eq(ap_region_from_size(0xfffffffffffff000, 0x2000, &r), AP_ERR_REGION_BACKWARDS);
	/* The whole 2^64 space cannot be held as start + size. */
	ck_assert_int_eq(ap_region_from_range(0, UINT64_MAX, &r), AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(r.start, 7); /* unchanged on every error */
	ck_assert_uint_eq(r.size, 7);

	char buf[64];
	size_t needed = 0;
	ap_region_t ok = R(0x1000, 0x3000), wraps = {0xfffffffffffff000, 0x2000};
	ck_assert_int_eq(ap_region_format(NULL, buf, sizeof(buf), NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_region_format(&ok, NULL, 4, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_region_format(&wraps, buf, sizeof(buf), NULL), AP_ERR_REGION_BACKWARDS);
	ck_assert_int_eq(ap_region_format(&ok, buf, 10, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(needed, 38);
	ck_assert_int_eq(ap_region_format(&ok, NULL, 0, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(ap_region_format(&ok, buf, 39, NULL), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ regimes */

static void noop_barrier(void *ctx)
{
	(void)ctx;
}

START_TEST(regime_errors)
{
	const ap_regime_t *builtin = NULL;
	ap_regime_t *custom = NULL;
	ap_regime_kind_t kind;
	ap_regime_hooks_t hooks;
	memset(&hooks, 0, sizeof(hooks));
	hooks.size = sizeof(hooks);
	hooks.barrier = noop_barrier;

	ck_assert_int_eq(ap_regime_get(AP_REGIME_EL1AND0, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_get((ap_regime_kind_t)5, &builtin), AP_ERR_INVALID_ARGUMENT);
	ck_assert_ptr_null(builtin);

	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL2, NULL, NULL, &custom), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL2, &hooks, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_create((ap_regime_kind_t)9, &hooks, NULL, &custom),
			 AP_ERR_INVALID_ARGUMENT);
	hooks.size = 0;
	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL2, &hooks, NULL, &custom), AP_ERR_INVALID_ARGUMENT);
	hooks.size = sizeof(hooks) + 8;
	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL2, &hooks, NULL, &custom), AP_ERR_INVALID_ARGUMENT);
	ck_assert_ptr_null(custom);
	hooks.size = sizeof(hooks);
	ck_assert_int_eq(ap_regime_create(AP_REGIME_STAGE2, &hooks, NULL, &custom), AP_OK);

	ck_assert_int_eq(ap_regime_get_kind(NULL, &kind), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_get_kind(custom, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_get_kind(custom, &kind), AP_OK);
	ck_assert_int_eq(kind, AP_REGIME_STAGE2);

	/* In use by a mapping: STILL_ACTIVE, and the regime keeps working. */
	ap_mapping_options_t o = opts(custom, 2, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(custom), AP_ERR_STILL_ACTIVE);
	ck_assert_int_eq(ap_regime_get_kind(custom, &kind), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);

	ck_assert_int_eq(ap_regime_destroy(NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_get(AP_REGIME_EL3, &builtin), AP_OK);
	ck_assert_int_eq(ap_regime_destroy((ap_regime_t *)builtin), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_regime_destroy(custom), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ creation */

static void *null_allocate(void *ctx, ap_pa_t *pa)
{
	(void)ctx;
	(void)pa;
	return NULL;
}

/* A translation whose physical_to_virtual gives the wrong page. */
static void *lying_to_virtual(void *ctx, ap_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)(pa + AP_PAGE_SIZE);
}

START_TEST(create_errors)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_t *m = NULL;
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_translation_ops_t ops = *test_alloc_ops();
	const ap_regime_t *el2 = regime_of(AP_REGIME_EL2);
	const ap_regime_t *s2 = regime_of(AP_REGIME_STAGE2);

	ck_assert_int_eq(ap_mapping_create(NULL, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create(&o, NULL, &a, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, NULL), AP_ERR_INVALID_ARGUMENT);
	o.size = 0;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	o.size = sizeof(o) + 1;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	o = opts(NULL, 4, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	o = opts(NULL, 1, 0, (ap_va_range_t)2);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	o = opts(el2, 1, 3, AP_VA_RANGE_LOWER); /* EL2 has no ASID */
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	o = opts(s2, 1, 0, AP_VA_RANGE_UPPER); /* nor an upper range */
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ops.size = 0;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	ops = *test_alloc_ops();
	ops.free_table = NULL;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(a.calls, 0); /* nothing was allocated for bad arguments */

	ops = *test_alloc_ops();
	ops.allocate_table = null_allocate;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_NO_MEMORY);
	ops = *test_alloc_ops();
	ops.physical_to_virtual = lying_to_virtual;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(a.allocations, a.frees); /* the root was given back */
	ck_assert_ptr_null(m);

	ck_assert_int_eq(ap_mapping_create_identity(&o, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create_identity(NULL, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create_linear(&o, 0x800, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create_linear(NULL, 0x1000, &m), AP_ERR_INVALID_ARGUMENT);
	/* No table address plus this offset is a physical address. */
	ck_assert_int_eq(ap_mapping_create_linear(&o, INT64_MIN, &m), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x1234, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create_target(&o, UINT64_C(1) << 48, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_create_target(NULL, 0, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_ptr_null(m);
}
END_TEST

START_TEST(destroy_errors)
{
	ap_mapping_t *m = identity(1);
	ck_assert_int_eq(ap_mapping_destroy(NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_activate(m, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_ERR_STILL_ACTIVE);
	/* Still fully usable. */
	ap_region_t r = R(0x1000, 0x2000);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_deactivate(m, UINT64_MAX), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* An activation that arrives once destroy has begun (here from inside the
 * destroy, through the translation's free_table) is refused: a count taken
 * then would be a use after free later. */
static ap_mapping_t *being_destroyed;
static ap_status_t activation_during_destroy[2];

static void free_and_activate(void *ctx, void *table, ap_pa_t pa)
{
	if (being_destroyed) {
		activation_during_destroy[0] = ap_mapping_mark_active(being_destroyed);
		activation_during_destroy[1] = ap_mapping_activate(being_destroyed, NULL);
		ck_assert_int_eq(ap_mapping_destroy(being_destroyed), AP_ERR_INVALID_ARGUMENT);
		being_destroyed = NULL;
	}
	test_alloc_ops()->free_table(ctx, table, pa);
}

START_TEST(activation_during_destroy_is_refused)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_translation_ops_t ops = *test_alloc_ops();
	ops.free_table = free_and_activate;
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_OK);
	being_destroyed = m;
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_ptr_null(being_destroyed);
	ck_assert_int_eq(activation_during_destroy[0], AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(activation_during_destroy[1], AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(a.live_count, 0);
}
END_TEST

/* ------------------------------------------------------------ map */

START_TEST(map_errors)
{
	test_alloc_t a;
	ap_mapping_t *m = populated(&a);
	ap_region_t r = R(0x10000, 0x12000);
	ap_error_t err = new_error();

	ck_assert_int_eq(ap_mapping_map(NULL, &r, 0, NORMAL, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, NULL, 0, NORMAL, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, 0, NORMAL, 4, NULL), AP_ERR_INVALID_ARGUMENT);
	err.size = 0;
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, 0, NORMAL, 0, &err), AP_ERR_INVALID_ARGUMENT);
	err.size = sizeof(err) + 8;
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, 0, NORMAL, 0, &err), AP_ERR_INVALID_ARGUMENT);

	err = new_error();
	ap_region_t wraps = {0xfffffffffffff000, 0x2000};
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &wraps, 0, NORMAL, 0, &err), AP_ERR_REGION_BACKWARDS);
	ck_assert_int_eq(err.status, AP_ERR_REGION_BACKWARDS);
	ck_assert_uint_eq(err.region.start, wraps.start);
	ck_assert_uint_eq(err.region.size, wraps.size);

	ap_region_t beyond = R(BLOCK_L1 * 512 - 0x1000, BLOCK_L1 * 512 + 0x1000);
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &beyond, 0, NORMAL, 0, &err), AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, BLOCK_L1 * 512 + 0x1000);
	ap_region_t negative = R(0xffffff8000000000, 0xffffff8000001000);
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &negative, 0, NORMAL, 0, &err), AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, 0xffffff8000000000);

	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, 0, NORMAL | AP_ATTR_TABLE_OR_PAGE, 0, &err),
			 AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(err.flags, NORMAL | AP_ATTR_TABLE_OR_PAGE);
	ck_assert_uint_eq(err.address, 0); /* only the status's own field is set */
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, 0, NORMAL | (UINT64_C(1) << 20), 0, &err),
			 AP_ERR_INVALID_FLAGS);

	/* The output range would not fit in 48 bits. */
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, (UINT64_C(1) << 48) - 0x1000, NORMAL, 0, &err),
			 AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_uint_eq(err.address, r.start);

	/* Live: moving a valid page is refused. */
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	ap_region_t page = R(0x1000, 0x2000);
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &page, 0x9000, NORMAL, 0, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err.region.start, 0x1000);
	ck_assert_uint_eq(err.region.size, 0x1000);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);

	/* Out of tables: nothing changes. */
	a.fail_after = (long)a.allocations;
	ap_region_t far = R(BLOCK_L1 * 3 + 0x1000, BLOCK_L1 * 3 + 0x3000);
	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &far, 0x1000, NORMAL, 0, &err), AP_ERR_NO_MEMORY);
	ck_assert_int_eq(err.status, AP_ERR_NO_MEMORY);
	a.fail_after = -1;
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(a.allocations, a.frees);
}
END_TEST

/* A translation that forgets its tables on demand: physical_to_virtual
 * answers NULL once `broken` is set. */
static int broken;

static void *forgetful_to_virtual(void *ctx, ap_pa_t pa)
{
	return broken ? NULL : test_alloc_ops()->physical_to_virtual(ctx, pa);
}

static ap_mapping_t *forgetful_mapping(test_alloc_t *a)
{
	test_alloc_init(a);
	broken = 0;
	ap_translation_ops_t ops = *test_alloc_ops();
	ops.physical_to_virtual = forgetful_to_virtual;
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, a, &m), AP_OK);
	ap_region_t r = R(0x1000, 0x3000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x1000, NORMAL, 0, NULL), AP_OK);
	/* The library remembers the leaf table of the last edit and goes
	 * straight to it next time; an edit in another 2 MiB moves that hint
	 * away, so that the edits below must walk down to their leaf table. */
	ap_region_t elsewhere = R(BLOCK_L2, BLOCK_L2 + 0x1000);
	ck_assert_int_eq(ap_mapping_map(m, &elsewhere, 0x1000, NORMAL, 0, NULL), AP_OK);
	broken = 1;
	return m;
}

static void forgetful_destroy(ap_mapping_t *m, test_alloc_t *a)
{
	broken = 0;
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(a->allocations, a->frees);
}

START_TEST(bad_table_address_errors)
{
	test_alloc_t a;
	ap_mapping_t *m = forgetful_mapping(&a);
	ap_region_t r = R(0x2000, 0x4000);
	ap_error_t err = new_error();
	ap_translate_result_t t = {.size = sizeof(t)};

	EXPECT_UNCHANGED(&a, ap_mapping_map(m, &r, 0x2000, NORMAL, 0, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_ne(err.address, 0);
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &r, ok_modify, NULL, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_walk(m, &r, ok_walk, NULL, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &r, ok_runs, NULL, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_translate(m, 0x1000, &t), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_dump(m, discard_text, NULL), AP_ERR_BAD_TABLE_ADDRESS);
	FILE *devnull = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(devnull);
	ck_assert_int_eq(ap_mapping_dump_file(m, devnull), AP_ERR_BAD_TABLE_ADDRESS);
	fclose(devnull);
	uint64_t va;
	ck_assert_int_eq(ap_mapping_pa_to_table(m, 0x1000, &va), AP_ERR_BAD_TABLE_ADDRESS);

	/* An unmap that would free the tables under a whole entry must reach
	 * all of them: it fails, and no table is leaked or left half-known. */
	size_t tables = 0;
	ap_region_t whole = R(0, BLOCK_L1);
	err = new_error();
	EXPECT_UNCHANGED(&a, ap_mapping_unmap(m, &whole, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(err.status, AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_ne(err.address, 0);
	ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
	ck_assert_uint_eq(tables, 4);
	ck_assert_uint_eq(a.frees, 0);
	/* With the translation back, the same map works where it was. */
	broken = 0;
	ap_region_t again = R(0x3000, 0x4000);
	ck_assert_int_eq(ap_mapping_map(m, &again, 0x3000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, 0x3000, &t), AP_OK);
	forgetful_destroy(m, &a);
}
END_TEST

/* A new table whose address does not translate back is refused, and the
 * detail names that address (it was once left uninitialised). */
static ap_pa_t last_allocated;

static void *recording_allocate(void *ctx, ap_pa_t *pa)
{
	void *table = test_alloc_ops()->allocate_table(ctx, pa);
	if (table)
		last_allocated = *pa;
	return table;
}

START_TEST(refused_new_table_is_reported)
{
	test_alloc_t a;
	ap_mapping_t *m = forgetful_mapping(&a);
	broken = 0;
	ap_translation_ops_t ops = *test_alloc_ops();
	ops.allocate_table = recording_allocate;
	ops.physical_to_virtual = forgetful_to_virtual;
	ap_mapping_t *fresh = NULL;
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &fresh), AP_OK);
	broken = 1;
	ap_error_t err = new_error();
	err.address = 0x5eed5eed;
	ap_region_t r = R(BLOCK_L1 + 0x1000, BLOCK_L1 + 0x2000);
	ap_status_t st = ap_mapping_map(fresh, &r, 0x1000, NORMAL, 0, &err);
	ck_assert_int_eq(st, AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(err.address, last_allocated);
	err = new_error();
	err.address = 0x5eed5eed;
	st = ap_mapping_modify(fresh, &r, ok_modify, NULL, &err);
	ck_assert_int_eq(st, AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(err.address, last_allocated);
	broken = 0;
	ck_assert_int_eq(ap_mapping_destroy(fresh), AP_OK);
	forgetful_destroy(m, &a);
}
END_TEST

START_TEST(map_auto_and_unmap_errors)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *linear = NULL, *target = NULL;
	ck_assert_int_eq(ap_mapping_create_linear(&o, -0x2000, &linear), AP_OK);
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x100000, &target), AP_OK);
	ap_region_t r = R(0x1000, 0x2000);
	ap_error_t err = new_error();

	ck_assert_int_eq(ap_mapping_map_auto(NULL, &r, NORMAL, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_map_auto(linear, NULL, NORMAL, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_map_auto(linear, &r, NORMAL, 8, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_map_auto(linear, &r, NORMAL, 0, &err), AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_uint_eq(err.address, 0x1000);
	ck_assert_int_eq(ap_mapping_map_auto(target, &r, NORMAL, 0, &err), AP_ERR_UNSUPPORTED);
	ap_region_t ok = R(0x2000, 0x3000);
	ck_assert_int_eq(ap_mapping_map_auto(linear, &ok, NORMAL | AP_ATTR_TABLE_OR_PAGE, 0, &err),
			 AP_ERR_INVALID_FLAGS);

	ck_assert_int_eq(ap_mapping_unmap(NULL, &r, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_unmap(target, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ap_region_t wraps = {0xfffffffffffff000, 0x2000};
	ck_assert_int_eq(ap_mapping_unmap(target, &wraps, &err), AP_ERR_REGION_BACKWARDS);
	ap_region_t beyond = R(BLOCK_L1 * 512, BLOCK_L1 * 512 + 0x1000);
	ck_assert_int_eq(ap_mapping_unmap(target, &beyond, &err), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_unmap(target, &r, &err), AP_OK);
	ck_assert_int_eq(err.status, AP_OK);

	ck_assert_int_eq(ap_mapping_destroy(linear), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(target), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ descriptors */

struct descriptor_probe {
	ap_status_t set_table;     /* set() inventing a table pointer */
	ap_status_t set_oa_bits;   /* set() with output-address bits as flags */
	ap_status_t flip;          /* modify_flags() flipping TABLE_OR_PAGE */
	ap_status_t flags_oa_bits; /* modify_flags() touching address bits */
	ap_status_t live_move;     /* set() moving a live valid page */
	ap_status_t live_global;   /* modify_flags() clearing nG on a live page */
};

static int probe_descriptor(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct descriptor_probe *p = ctx;
	uint64_t before = ap_descriptor_bits(d);
	p->flip = ap_descriptor_modify_flags(d, 0, AP_ATTR_TABLE_OR_PAGE);
	p->flags_oa_bits = ap_descriptor_modify_flags(d, UINT64_C(1) << 20, 0);
	p->set_oa_bits = ap_descriptor_set(d, 0x1000, NORMAL | (UINT64_C(1) << 30));
	p->live_move = ap_descriptor_set(d, 0x7000, NORMAL | AP_ATTR_TABLE_OR_PAGE);
	p->live_global = ap_descriptor_modify_flags(d, 0, AP_EL1_NON_GLOBAL);
	ck_assert_uint_eq(ap_descriptor_bits(d), before); /* every refusal left it alone */
	ck_assert(!ap_descriptor_updated(d));
	return 0;
}

static int probe_block(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct descriptor_probe *p = ctx;
	p->set_table = ap_descriptor_set(d, 0x5000, AP_ATTR_VALID | AP_ATTR_TABLE_OR_PAGE);
	return 0;
}

START_TEST(descriptor_errors)
{
	ck_assert_int_eq(ap_descriptor_set(NULL, 0, 0), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_descriptor_modify_flags(NULL, 0, 0), AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(ap_descriptor_level(NULL), 0);
	ck_assert_uint_eq(ap_descriptor_bits(NULL), 0);
	ck_assert_uint_eq(ap_descriptor_output_address(NULL), 0);
	ck_assert_uint_eq(ap_descriptor_flags(NULL), 0);
	ck_assert(!ap_descriptor_is_valid(NULL));
	ck_assert(!ap_descriptor_is_table(NULL));
	ck_assert(!ap_descriptor_updated(NULL));

	ap_mapping_t *m = identity(1);
	ap_region_t page = R(0x1000, 0x2000), block = R(BLOCK_L2, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x1000, NORMAL | AP_EL1_NON_GLOBAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &block, BLOCK_L2, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_activate(m, NULL), AP_OK);
	struct descriptor_probe p;
	/* The callback itself returns 0, so the live dry run passes. */
	ck_assert_int_eq(ap_mapping_modify(m, &page, probe_descriptor, &p, NULL), AP_OK);
	ck_assert_int_eq(p.flip, AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(p.flags_oa_bits, AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(p.set_oa_bits, AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(p.live_move, AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(p.live_global, AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(ap_mapping_modify(m, &block, probe_block, &p, NULL), AP_OK);
	ck_assert_int_eq(p.set_table, AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(ap_mapping_deactivate(m, UINT64_MAX), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ modify, walk */

static int fail_on_second(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	int *calls = ctx;
	if (++*calls == 2)
		return 1;
	return ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_1, 0);
}

static int fail_walk(void *ctx, const ap_region_t *region, uint64_t bits, unsigned level)
{
	(void)ctx;
	(void)region;
	(void)level;
	return bits != 0; /* stop at the first non-empty descriptor */
}

static int fail_runs(void *ctx, const ap_region_t *r, const uint64_t *d, size_t n, unsigned level)
{
	(void)ctx;
	(void)r;
	(void)level;
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0)
			return 1; /* stop at the first run holding a mapping */
	return 0;
}

START_TEST(modify_errors)
{
	test_alloc_t a;
	ap_mapping_t *m = populated(&a);
	ap_region_t r = R(0x1000, 0x5000);
	ap_error_t err = new_error();
	int calls = 0;

	ck_assert_int_eq(ap_mapping_modify(NULL, &r, ok_modify, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, NULL, ok_modify, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &r, NULL, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	err.size = 0;
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &r, ok_modify, NULL, &err), AP_ERR_INVALID_ARGUMENT);
	err = new_error();
	ap_region_t wraps = {0xffffffffffffe000, 0x3000};
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &wraps, ok_modify, NULL, &err), AP_ERR_REGION_BACKWARDS);
	ap_region_t beyond = R(BLOCK_L1 * 512, BLOCK_L1 * 512 + 0x1000);
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &beyond, ok_modify, NULL, &err), AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, BLOCK_L1 * 512 + 0x1000); /* the end, as the reference */

	/* Inactive: the first page keeps its change (as in the reference), the
	 * error names the second page's bits. */
	ck_assert_int_eq(ap_mapping_modify(m, &r, fail_on_second, &calls, &err), AP_ERR_PTE_UPDATE_FAULT);
	ck_assert_int_eq(err.status, AP_ERR_PTE_UPDATE_FAULT);
	ck_assert_uint_eq(ap_pte_output_address(err.descriptor, 3), 0x2000);
	ck_assert(ap_pte_is_valid(err.descriptor));

	/* Live: a failing callback is a break-before-make refusal, nothing changes. */
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	calls = 0;
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &r, fail_on_second, &calls, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err.region.start, 0x2000);
	ck_assert_uint_eq(err.region.size, 0x1000);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);

	/* Splitting the block needs a table: out of tables, nothing changes. */
	a.fail_after = (long)a.allocations;
	ap_region_t part = R(BLOCK_L2 + 0x3000, BLOCK_L2 + 0x4000);
	EXPECT_UNCHANGED(&a, ap_mapping_modify(m, &part, ok_modify, NULL, &err), AP_ERR_NO_MEMORY);
	a.fail_after = -1;
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(walk_errors)
{
	test_alloc_t a;
	ap_mapping_t *m = populated(&a);
	ap_region_t r = R(0, 0x5000);
	ap_error_t err = new_error();

	ck_assert_int_eq(ap_mapping_walk(NULL, &r, ok_walk, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_walk(m, NULL, ok_walk, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_walk(m, &r, NULL, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_walk_runs(NULL, &r, ok_runs, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_walk_runs(m, NULL, ok_runs, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &r, NULL, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	err.size = sizeof(err) + 1;
	ck_assert_int_eq(ap_mapping_walk(m, &r, ok_walk, NULL, &err), AP_ERR_INVALID_ARGUMENT);
	err = new_error();

	ap_region_t wraps = {0xfffffffffffff000, 0x1001};
	ck_assert_int_eq(ap_mapping_walk(m, &wraps, ok_walk, NULL, &err), AP_ERR_REGION_BACKWARDS);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &wraps, ok_runs, NULL, &err), AP_ERR_REGION_BACKWARDS);
	ap_region_t beyond = R(0, BLOCK_L1 * 512 + 1);
	ck_assert_int_eq(ap_mapping_walk(m, &beyond, ok_walk, NULL, &err), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &beyond, ok_runs, NULL, &err), AP_ERR_ADDRESS_RANGE);

	ck_assert_int_eq(ap_mapping_walk(m, &r, fail_walk, NULL, &err), AP_ERR_STOPPED);
	ck_assert_uint_eq(ap_pte_output_address(err.descriptor, 3), 0x1000);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &r, fail_runs, NULL, &err), AP_ERR_STOPPED);
	ck_assert_uint_eq(err.descriptor, 0); /* the run's first entry: page 0, unmapped */
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ the rest */

START_TEST(translate_errors)
{
	ap_mapping_t *m = identity(1);
	ap_region_t r = R(0x1000, 0x2000);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(NULL, 0, &t), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_translate(m, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	t.size = 0;
	ck_assert_int_eq(ap_mapping_translate(m, 0x1000, &t), AP_ERR_INVALID_ARGUMENT);
	t.size = sizeof(t) + 8;
	ck_assert_int_eq(ap_mapping_translate(m, 0x1000, &t), AP_ERR_INVALID_ARGUMENT);
	t.size = sizeof(t);
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L1 * 512, &t), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_translate(m, 0x2000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L1, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(activation_errors)
{
	ap_mapping_t *m = identity(1);
	uint64_t ttbr;
	ck_assert_int_eq(ap_mapping_activate(NULL, &ttbr), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_deactivate(NULL, 0), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_mark_active(NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_mark_inactive(NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_deactivate(m, 0), AP_ERR_NOT_ACTIVE);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_ERR_NOT_ACTIVE);
	bool active = true;
	ck_assert_int_eq(ap_mapping_is_active(m, &active), AP_OK);
	ck_assert(!active); /* the count stayed at zero */
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);

	for (ap_regime_kind_t kind = AP_REGIME_EL2; kind <= AP_REGIME_EL3; kind++) {
		ap_mapping_options_t o = opts(regime_of(kind), 1, 0, AP_VA_RANGE_LOWER);
		ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
		ck_assert_int_eq(ap_mapping_activate(m, &ttbr), AP_OK);
		ck_assert_int_eq(ap_mapping_deactivate(m, ttbr), AP_ERR_UNSUPPORTED);
		ck_assert_int_eq(ap_mapping_is_active(m, &active), AP_OK);
		ck_assert(active);
		ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

START_TEST(getter_errors)
{
	ap_mapping_t *m = identity(2);
	bool b;
	ap_pa_t pa;
	uint64_t u;
	unsigned level;
	uint16_t asid;
	ap_va_range_t range;
	const ap_regime_t *regime;
	size_t count;
	ck_assert_int_eq(ap_mapping_is_active(NULL, &b), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_is_active(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_root_address(NULL, &pa), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_root_address(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_ttbr(NULL, &u), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_ttbr(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_size(NULL, &u), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_size(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_root_level(NULL, &level), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_root_level(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_asid(NULL, &asid), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_asid(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_va_range(NULL, &range), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_va_range(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_regime(NULL, &regime), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_regime(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_table_count(NULL, &count), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_table_count(m, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_asid(m, &asid), AP_OK);
	ck_assert_uint_eq(asid, 1);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);

	ap_mapping_options_t o = opts(regime_of(AP_REGIME_STAGE2), 2, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ck_assert_int_eq(ap_mapping_asid(m, &asid), AP_ERR_UNSUPPORTED);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(address_translation_errors)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *custom = test_alloc_mapping(&a, &o), *linear = NULL, *target = NULL;
	ck_assert_int_eq(ap_mapping_create_linear(&o, 0x1000, &linear), AP_OK);
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x80000, &target), AP_OK);
	ap_pa_t pa;
	uint64_t va;

	ck_assert_int_eq(ap_mapping_va_to_pa(NULL, 0, &pa), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_va_to_pa(linear, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_va_to_pa(custom, 0, &pa), AP_ERR_UNSUPPORTED);
	ck_assert_int_eq(ap_mapping_va_to_pa(target, 0, &pa), AP_ERR_UNSUPPORTED);
	ck_assert_int_eq(ap_mapping_va_to_pa(linear, (uint64_t)INT64_MAX, &pa),
			 AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_int_eq(ap_mapping_va_to_pa(linear, 0x2000, &pa), AP_OK);
	ck_assert_uint_eq(pa, 0x3000);

	ck_assert_int_eq(ap_mapping_pa_to_table(NULL, 0x2000, &va), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_pa_to_table(linear, 0x2000, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_pa_to_table(linear, 0x1000, &va), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_pa_to_table(target, 0x1000, &va), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_pa_to_table(target, 0x80000, &va), AP_OK);

	size_t bytes;
	char image[8192];
	ck_assert_int_eq(ap_target_image_size(NULL, &bytes), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_target_image_size(target, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_target_image_size(linear, &bytes), AP_ERR_UNSUPPORTED);
	ck_assert_int_eq(ap_target_image_write(NULL, image, sizeof(image)), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_target_image_write(target, NULL, sizeof(image)), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_target_image_write(custom, image, sizeof(image)), AP_ERR_UNSUPPORTED);
	memset(image, 0x5a, sizeof(image));
	ck_assert_int_eq(ap_target_image_write(target, image, 4095), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq((unsigned char)image[0], 0x5a); /* nothing written */
	ck_assert_int_eq(ap_target_image_size(target, &bytes), AP_OK);
	ck_assert_uint_eq(bytes, 4096);
	ck_assert_int_eq(ap_target_image_write(target, image, sizeof(image)), AP_OK);

	ck_assert_int_eq(ap_mapping_destroy(custom), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(linear), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(target), AP_OK);
}
END_TEST

START_TEST(describe_errors)
{
	char buf[16];
	size_t needed = 0;
	ck_assert_int_eq(ap_attrs_describe((ap_regime_kind_t)7, 1, buf, sizeof(buf), NULL),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_attrs_describe(AP_REGIME_EL1AND0, 1, NULL, 3, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_attrs_describe(AP_REGIME_EL1AND0, 3, buf, 8, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(needed, strlen("VALID | TABLE_OR_PAGE"));
	ck_assert_str_eq(buf, ""); /* no half-written text */

	ck_assert_int_eq(ap_mair_attribute_describe(0x44, NULL, 5, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_attribute_describe(0x04, buf, 5, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(needed, strlen("Device-nGnRE"));
	ck_assert_int_eq(ap_mair_describe(0, NULL, 1, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_describe(0, buf, sizeof(buf), &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_gt(needed, sizeof(buf));
}
END_TEST

START_TEST(mair_errors)
{
	ap_mair_attr_t attr = 0x77, attrs[8] = {0};
	ap_mair_t mair = 0x1234;
	ck_assert_int_eq(ap_mair_normal(AP_NORMAL_NON_CACHEABLE, AP_NORMAL_NON_CACHEABLE, NULL),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_normal((ap_normal_memory_t)0, AP_NORMAL_NON_CACHEABLE, &attr),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_normal(AP_NORMAL_NON_CACHEABLE, (ap_normal_memory_t)16, &attr),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(attr, 0x77);
	ck_assert_int_eq(ap_mair_from_attributes(NULL, &mair), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_from_attributes(attrs, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_with_attribute(0, 8, 0x44, &mair), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mair_with_attribute(0, 0, 0x44, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(mair, 0x1234);
	ck_assert_int_eq(ap_mair_attributes(0, NULL), AP_ERR_INVALID_ARGUMENT);
}
END_TEST

static int failing_writer(void *ctx, const char *text, size_t length)
{
	(void)text;
	(void)length;
	int *lines = ctx;
	return ++*lines == 3; /* the third write fails */
}

START_TEST(dump_errors)
{
	ap_mapping_t *m = identity(1);
	ap_region_t r = R(0x1000, 0x2000);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, NORMAL, 0, NULL), AP_OK);
	int lines = 0;
	ck_assert_int_eq(ap_mapping_dump(NULL, discard_text, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_dump(m, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_dump(m, failing_writer, &lines), AP_ERR_WRITE_FAILED);
	ck_assert_int_eq(lines, 3); /* it stopped at the failure */

	ck_assert_int_eq(ap_mapping_dump_file(NULL, stdout), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_dump_file(m, NULL), AP_ERR_INVALID_ARGUMENT);
	FILE *full = fopen("/dev/full", "w");
	ck_assert_ptr_nonnull(full);
	ck_assert_int_eq(ap_mapping_dump_file(m, full), AP_ERR_WRITE_FAILED);
	fclose(full);
	ck_assert_int_eq(ap_mapping_compact(NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

static Suite *errors_suite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("statuses");
	tcase_add_test(tc, strerror_names_every_status);
	tcase_add_test(tc, version_matches_header);
	tcase_add_test(tc, region_errors);
	tcase_add_test(tc, regime_errors);
	tcase_add_test(tc, create_errors);
	tcase_add_test(tc, destroy_errors);
	tcase_add_test(tc, activation_during_destroy_is_refused);
	tcase_add_test(tc, map_errors);
	tcase_add_test(tc, bad_table_address_errors);
	tcase_add_test(tc, refused_new_table_is_reported);
	tcase_add_test(tc, map_auto_and_unmap_errors);
	tcase_add_test(tc, descriptor_errors);
	tcase_add_test(tc, modify_errors);
	tcase_add_test(tc, walk_errors);
	tcase_add_test(tc, translate_errors);
	tcase_add_test(tc, activation_errors);
	tcase_add_test(tc, getter_errors);
	tcase_add_test(tc, address_translation_errors);
	tcase_add_test(tc, describe_errors);
	tcase_add_test(tc, mair_errors);
	tcase_add_test(tc, dump_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(errors_suite());
}
