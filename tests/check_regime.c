/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Regimes: the built-in ones (memory only in a hosted build) and a regime
 * that records its hooks, to check the exact TLB maintenance after live
 * edits: one invalidation per changed descriptor that was valid, none for
 * anything else, a barrier after them, and compaction that invalidates and
 * waits before it frees.
 */
#include "test_util.h"

#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

static recorder_t rec;

typedef struct live {
	ap_regime_t *regime;
	ap_mapping_t *m;
} live_t;

static live_t live_identity(ap_regime_kind_t kind, uint16_t asid, ap_va_range_t range)
{
	live_t l;
	memset(&rec, 0, sizeof(rec));
	l.regime = recording_regime(kind, &rec);
	ap_mapping_options_t o = opts(l.regime, 1, asid, range);
	ck_assert_int_eq(ap_mapping_create_identity(&o, &l.m), AP_OK);
	return l;
}

static void live_free(live_t *l)
{
	bool active;
	ck_assert_int_eq(ap_mapping_is_active(l->m, &active), AP_OK);
	while (active) {
		ck_assert_int_eq(ap_mapping_mark_inactive(l->m), AP_OK);
		ck_assert_int_eq(ap_mapping_is_active(l->m, &active), AP_OK);
	}
	ck_assert_int_eq(ap_mapping_destroy(l->m), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(l->regime), AP_OK);
}

static void map_ok(ap_mapping_t *m, uint64_t start, uint64_t end, ap_pa_t pa, ap_attrs_t flags)
{
	ap_region_t r = R(start, end);
	ck_assert_int_eq(ap_mapping_map(m, &r, pa, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
}

static void expect_events(const char *events)
{
	ck_assert_uint_eq(rec.event_count, strlen(events));
	ck_assert(memcmp(rec.events, events, rec.event_count) == 0);
}

/* ------------------------------------------------------------ built-ins */

START_TEST(builtin_regimes)
{
	for (ap_regime_kind_t kind = AP_REGIME_EL1AND0; kind <= AP_REGIME_STAGE2; kind++) {
		const ap_regime_t *r = regime_of(kind), *again = regime_of(kind);
		ap_regime_kind_t got;
		ck_assert_ptr_eq(r, again);
		ck_assert_int_eq(ap_regime_get_kind(r, &got), AP_OK);
		ck_assert_int_eq(got, kind);
		bool asid = kind == AP_REGIME_EL1AND0 || kind == AP_REGIME_EL2AND0;
		ap_mapping_options_t o = opts(r, 2, asid ? 7 : 0, AP_VA_RANGE_LOWER);
		ap_mapping_t *m;
		ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
		uint64_t previous = 0, ttbr = 0;
		ap_pa_t root;
		ck_assert_int_eq(ap_mapping_activate(m, &previous), AP_OK);
		ck_assert_uint_eq(previous, UINT64_MAX); /* hosted: nothing installed */
		ck_assert_int_eq(ap_mapping_ttbr(m, &ttbr), AP_OK);
		ck_assert_int_eq(ap_mapping_root_address(m, &root), AP_OK);
		ck_assert_uint_eq(ttbr, root | ((uint64_t)(asid ? 7 : 0) << 48));
		/* Activation counts nest. */
		ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
		ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
		bool active;
		ck_assert_int_eq(ap_mapping_is_active(m, &active), AP_OK);
		ck_assert(active);
		if (kind == AP_REGIME_EL2 || kind == AP_REGIME_EL3)
			ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
		else
			ck_assert_int_eq(ap_mapping_deactivate(m, previous), AP_OK);
		ck_assert_int_eq(ap_mapping_is_active(m, &active), AP_OK);
		ck_assert(!active);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

START_TEST(activation_hooks)
{
	live_t l = live_identity(AP_REGIME_EL2AND0, 42, AP_VA_RANGE_UPPER);
	rec.ttbr_to_return = 0x1234000;
	uint64_t previous = 0;
	ap_pa_t root;
	ck_assert_int_eq(ap_mapping_root_address(l.m, &root), AP_OK);
	ck_assert_int_eq(ap_mapping_activate(l.m, &previous), AP_OK);
	ck_assert_uint_eq(previous, 0x1234000);
	ck_assert_uint_eq(rec.last_root, root);
	ck_assert_uint_eq(rec.last_asid, 42);
	ck_assert_int_eq(rec.last_va_range, AP_VA_RANGE_UPPER);
	ck_assert_int_eq(ap_mapping_deactivate(l.m, previous), AP_OK);
	ck_assert_uint_eq(rec.last_previous_ttbr, 0x1234000);
	expect_events("AD");
	/* Deactivating again: NOT_ACTIVE, no hook called. */
	ck_assert_int_eq(ap_mapping_deactivate(l.m, previous), AP_ERR_NOT_ACTIVE);
	expect_events("AD");
	live_free(&l);
}
END_TEST

START_TEST(el2_el3_never_deactivate)
{
	for (ap_regime_kind_t kind = AP_REGIME_EL2; kind <= AP_REGIME_EL3; kind++) {
		live_t l = live_identity(kind, 0, AP_VA_RANGE_LOWER);
		ck_assert_int_eq(ap_mapping_activate(l.m, NULL), AP_OK);
		ck_assert_int_eq(ap_mapping_deactivate(l.m, 0), AP_ERR_UNSUPPORTED);
		expect_events("A");
		live_free(&l);
	}
}
END_TEST

/* A caller-defined regime's hooks may look at the mapping: during activate
 * it must already count as active (nobody may free its tables once the TTBR
 * points at them), and during deactivate it must still be. */
static ap_mapping_t *observed;
static int active_in_activate = -1, active_in_deactivate = -1;

static uint64_t observing_activate(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t va_range)
{
	(void)ctx;
	(void)root;
	(void)asid;
	(void)va_range;
	bool active = false;
	ck_assert_int_eq(ap_mapping_is_active(observed, &active), AP_OK);
	active_in_activate = active;
	return 0x5000;
}

static void observing_deactivate(void *ctx, uint64_t previous, uint16_t asid, ap_va_range_t va_range)
{
	(void)ctx;
	(void)previous;
	(void)asid;
	(void)va_range;
	bool active = false;
	ck_assert_int_eq(ap_mapping_is_active(observed, &active), AP_OK);
	active_in_deactivate = active;
}

START_TEST(active_before_the_activate_hook)
{
	ap_regime_hooks_t hooks;
	memset(&hooks, 0, sizeof(hooks));
	hooks.size = sizeof(hooks);
	hooks.activate = observing_activate;
	hooks.deactivate = observing_deactivate;
	ap_regime_t *regime;
	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL1AND0, &hooks, NULL, &regime), AP_OK);
	ap_mapping_options_t o = opts(regime, 1, 3, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_identity(&o, &observed), AP_OK);
	bool active = true;
	ck_assert_int_eq(ap_mapping_is_active(observed, &active), AP_OK);
	ck_assert(!active);
	uint64_t previous = 0;
	ck_assert_int_eq(ap_mapping_activate(observed, &previous), AP_OK);
	ck_assert_int_eq(active_in_activate, 1);
	ck_assert_uint_eq(previous, 0x5000);
	ck_assert_int_eq(ap_mapping_deactivate(observed, previous), AP_OK);
	ck_assert_int_eq(active_in_deactivate, 1);
	ck_assert_int_eq(ap_mapping_is_active(observed, &active), AP_OK);
	ck_assert(!active);
	ck_assert_int_eq(ap_mapping_destroy(observed), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ live edits */

START_TEST(live_permission_change_invalidates_each_page)
{
	live_t l = live_identity(AP_REGIME_EL1AND0, 5, AP_VA_RANGE_LOWER);
	map_ok(l.m, 0x10000, 0x14000, 0x10000, NORMAL);
	ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
	recorder_reset(&rec);
	/* 4 valid pages, the middle two become read-only. */
	map_ok(l.m, 0x11000, 0x13000, 0x11000, NORMAL | AP_EL1_READ_ONLY);
	expect_events("IIB");
	for (size_t i = 0; i < 2; i++) {
		const ap_invalidation_t *inv = &rec.invalidations[i];
		ck_assert_uint_eq(inv->va, 0x11000 + i * 0x1000);
		ck_assert_uint_eq(inv->level, 3);
		ck_assert_int_eq(inv->kind, AP_INVALIDATE_LEAF);
		ck_assert_uint_eq(inv->asid, 5);
		ck_assert_int_eq(inv->va_range, AP_VA_RANGE_LOWER);
		ck_assert_uint_eq(inv->size, sizeof(ap_invalidation_t));
	}
	/* The same again: nothing changes, nothing is invalidated. */
	recorder_reset(&rec);
	map_ok(l.m, 0x11000, 0x13000, 0x11000, NORMAL | AP_EL1_READ_ONLY);
	expect_events("");
	live_free(&l);
}
END_TEST

START_TEST(live_new_mappings_need_no_invalidation)
{
	live_t l = live_identity(AP_REGIME_EL1AND0, 1, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
	/* Invalid to valid, tables created on the way: no TLB entry can exist. */
	map_ok(l.m, 0x200000, 0x400000, 0x200000, NORMAL);
	map_ok(l.m, 0x1000, 0x3000, 0x1000, NORMAL);
	expect_events("");
	live_free(&l);
}
END_TEST

START_TEST(inactive_edits_need_no_invalidation)
{
	live_t l = live_identity(AP_REGIME_EL1AND0, 1, AP_VA_RANGE_LOWER);
	map_ok(l.m, 0x1000, 0x3000, 0x1000, NORMAL);
	map_ok(l.m, 0x1000, 0x3000, 0x1000, NORMAL | AP_EL1_READ_ONLY);
	ap_region_t r = R(0x1000, 0x3000);
	ck_assert_int_eq(ap_mapping_unmap(l.m, &r, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(l.m), AP_OK);
	expect_events("");
	live_free(&l);
}
END_TEST

static int make_read_only(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	return ap_descriptor_modify_flags(d, AP_EL1_READ_ONLY, 0);
}

START_TEST(live_modify_invalidates_changed_valid_entries_only)
{
	live_t l = live_identity(AP_REGIME_EL1AND0, 3, AP_VA_RANGE_LOWER);
	map_ok(l.m, 0x1000, 0x3000, 0x1000, NORMAL);                   /* 2 valid pages */
	map_ok(l.m, 0x3000, 0x4000, 0x3000, NORMAL | AP_EL1_READ_ONLY); /* already RO */
	map_ok(l.m, BLOCK_L2, 2 * BLOCK_L2, BLOCK_L2, NORMAL);          /* a valid block */
	ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
	recorder_reset(&rec);
	ap_region_t r = R(0, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_modify(l.m, &r, make_read_only, NULL, NULL), AP_OK);
	/* Pages 1 and 2 and the block changed; page 3 and the empty ones did not. */
	expect_events("IIIB");
	ck_assert_uint_eq(rec.invalidations[0].va, 0x1000);
	ck_assert_uint_eq(rec.invalidations[1].va, 0x2000);
	ck_assert_uint_eq(rec.invalidations[2].va, BLOCK_L2);
	ck_assert_uint_eq(rec.invalidations[2].level, 2);
	live_free(&l);
}
END_TEST

START_TEST(live_unmap_of_subtable_invalidates_the_table)
{
	live_t l = live_identity(AP_REGIME_EL1AND0, 9, AP_VA_RANGE_LOWER);
	map_ok(l.m, 0x1000, 0x3000, 0x1000, NORMAL);
	size_t tables_before, tables_after;
	ck_assert_int_eq(ap_mapping_table_count(l.m, &tables_before), AP_OK);
	ck_assert_uint_eq(tables_before, 3);
	ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
	recorder_reset(&rec);
	/* The whole first 1 GiB: the level 1 entry held a table. */
	ap_region_t r = R(0, BLOCK_L1);
	ck_assert_int_eq(ap_mapping_unmap(l.m, &r, NULL), AP_OK);
	ck_assert_uint_eq(rec.invalidation_count, 1);
	ck_assert_int_eq(rec.invalidations[0].kind, AP_INVALIDATE_TABLE);
	ck_assert_uint_eq(rec.invalidations[0].level, 1);
	ck_assert_uint_eq(rec.invalidations[0].va, 0);
	ck_assert_uint_ge(rec.barrier_count, 1);
	ck_assert_int_eq(rec.events[0], 'I');
	ck_assert_int_eq(rec.events[1], 'B');
	ck_assert_int_eq(ap_mapping_table_count(l.m, &tables_after), AP_OK);
	ck_assert_uint_eq(tables_after, 1);
	live_free(&l);
}
END_TEST

/* ------------------------------------------------------------ compaction */

/* The barrier must come before the table is freed: record the order of
 * barriers and frees in one event list. */
static char order[64];
static size_t order_count;
static test_alloc_t ordered_alloc;

static void ordered_free(void *ctx, void *table, ap_pa_t pa)
{
	if (order_count < sizeof(order))
		order[order_count++] = 'F';
	test_alloc_ops()->free_table(ctx, table, pa);
}

static void ordered_invalidate(void *ctx, const ap_invalidation_t *inv)
{
	(void)ctx;
	ck_assert_int_eq(inv->kind, AP_INVALIDATE_TABLE);
	if (order_count < sizeof(order))
		order[order_count++] = 'I';
}

static void ordered_barrier(void *ctx)
{
	(void)ctx;
	if (order_count < sizeof(order))
		order[order_count++] = 'B';
}

START_TEST(live_compaction_invalidates_then_frees)
{
	ap_regime_hooks_t hooks;
	memset(&hooks, 0, sizeof(hooks));
	hooks.size = sizeof(hooks);
	hooks.invalidate = ordered_invalidate;
	hooks.barrier = ordered_barrier;
	ap_regime_t *regime;
	ck_assert_int_eq(ap_regime_create(AP_REGIME_EL1AND0, &hooks, NULL, &regime), AP_OK);
	test_alloc_init(&ordered_alloc);
	ap_translation_ops_t ops = *test_alloc_ops();
	ops.free_table = ordered_free;
	ap_mapping_options_t o = opts(regime, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &ordered_alloc, &m), AP_OK);
	ap_region_t r = R(0x1000, 0x2000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x1000, AP_EL1_VALID, 0, NULL), AP_OK);
	/* Make the page invalid while inactive, so only compaction is live. */
	ck_assert_int_eq(ap_mapping_unmap(m, &r, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	order_count = 0;
	ck_assert_int_eq(ap_mapping_compact(m), AP_OK);
	/* The level 3 table, then the level 2 table that became empty. */
	ck_assert_uint_eq(order_count, 6);
	ck_assert(memcmp(order, "IBFIBF", 6) == 0);
	size_t count;
	ck_assert_int_eq(ap_mapping_table_count(m, &count), AP_OK);
	ck_assert_uint_eq(count, 1);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(ordered_alloc.allocations, ordered_alloc.frees);
	ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);
}
END_TEST

START_TEST(stage2_and_el2_variants)
{
	for (ap_regime_kind_t kind = AP_REGIME_EL2; kind <= AP_REGIME_STAGE2; kind++) {
		live_t l = live_identity(kind, 0, AP_VA_RANGE_LOWER);
		ap_attrs_t base = kind == AP_REGIME_STAGE2
					  ? AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW
					  : AP_EL23_VALID | AP_EL23_ACCESSED | AP_EL23_USER_RES1;
		ap_attrs_t ro = kind == AP_REGIME_STAGE2 ? (base & ~AP_S2_S2AP_ACCESS_RW) | AP_S2_S2AP_ACCESS_RO
							 : base | AP_EL23_READ_ONLY;
		map_ok(l.m, 0x1000, 0x2000, 0x1000, base);
		ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
		recorder_reset(&rec);
		map_ok(l.m, 0x1000, 0x2000, 0x1000, ro);
		expect_events("IB");
		ck_assert_uint_eq(rec.invalidations[0].va, 0x1000);
		ck_assert_uint_eq(rec.invalidations[0].asid, 0);
		live_free(&l);
	}
}
END_TEST

static Suite *regime_suite(void)
{
	Suite *s = suite_create("regime");
	TCase *tc = tcase_create("maintenance");
	tcase_add_test(tc, builtin_regimes);
	tcase_add_test(tc, activation_hooks);
	tcase_add_test(tc, el2_el3_never_deactivate);
	tcase_add_test(tc, active_before_the_activate_hook);
	tcase_add_test(tc, live_permission_change_invalidates_each_page);
	tcase_add_test(tc, live_new_mappings_need_no_invalidation);
	tcase_add_test(tc, inactive_edits_need_no_invalidation);
	tcase_add_test(tc, live_modify_invalidates_changed_valid_entries_only);
	tcase_add_test(tc, live_unmap_of_subtable_invalidates_the_table);
	tcase_add_test(tc, live_compaction_invalidates_then_frees);
	tcase_add_test(tc, stage2_and_el2_variants);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(regime_suite());
}
