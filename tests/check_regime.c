/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Regimes: the built-in ones (memory only in a hosted build) and a regime
 * that records its hooks, to check the exact TLB maintenance after live
 * edits: one invalidation per changed descriptor that was valid, none for
 * anything else, a barrier after them, and compaction that invalidates and
 * waits before it frees.
 */
#include <stddef.h>

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

/* ------------------------------------------------------------ coverage */

/* A translation over a test_alloc that logs each free_table into the
 * recorder's event list ('F'), so that frees, invalidations and barriers
 * are in one order. Before an edit, the test indexes the tables and the
 * valid leaf descriptors by walking the tables itself (pa = host address). */
static test_alloc_t cov_alloc;
static void *freed[RECORDER_MAX];
static size_t freed_count;

static void logging_free(void *ctx, void *table, ap_pa_t pa)
{
	if (rec.event_count < RECORDER_MAX)
		rec.events[rec.event_count++] = 'F';
	if (freed_count < RECORDER_MAX)
		freed[freed_count] = table;
	freed_count++;
	test_alloc_ops()->free_table(ctx, table, pa);
}

typedef struct table_info {
	const void *table;
	uint64_t va;   /* first input address the table translates */
	uint64_t span; /* bytes of input address space under it */
} table_info_t;

typedef struct range {
	uint64_t start, size;
} range_t;

static table_info_t tables[TEST_ALLOC_MAX_TABLES];
static size_t table_count;
static range_t valid_runs[8192];
static size_t valid_run_count;

#define OA_BITS UINT64_C(0x0000fffffffff000)

static void add_valid(uint64_t va, uint64_t size)
{
	if (valid_run_count &&
	    valid_runs[valid_run_count - 1].start + valid_runs[valid_run_count - 1].size == va) {
		valid_runs[valid_run_count - 1].size += size;
		return;
	}
	ck_assert_uint_lt(valid_run_count, sizeof(valid_runs) / sizeof(valid_runs[0]));
	valid_runs[valid_run_count].start = va;
	valid_runs[valid_run_count].size = size;
	valid_run_count++;
}

static void index_table(const uint64_t *table, unsigned level, uint64_t va, uint64_t span)
{
	ck_assert_uint_lt(table_count, TEST_ALLOC_MAX_TABLES);
	tables[table_count].table = table;
	tables[table_count].va = va;
	tables[table_count].span = span;
	table_count++;
	uint64_t g = AP_GRANULE_AT_LEVEL(level);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t d = table[i], type = d & 3;
		if (level < 3 && type == 3)
			index_table((const uint64_t *)(uintptr_t)(d & OA_BITS), level + 1, va + i * g, g);
		else if ((level == 3 && type == 3) || ((level == 1 || level == 2) && type == 1))
			add_valid(va + i * g, g);
	}
}

static void index_mapping(const ap_mapping_t *m)
{
	table_count = 0;
	valid_run_count = 0;
	ap_pa_t root;
	unsigned level;
	uint64_t size;
	ap_va_range_t range;
	ck_assert_int_eq(ap_mapping_root_address(m, &root), AP_OK);
	ck_assert_int_eq(ap_mapping_root_level(m, &level), AP_OK);
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	ck_assert_int_eq(ap_mapping_va_range(m, &range), AP_OK);
	uint64_t base = range == AP_VA_RANGE_UPPER ? (uint64_t)0 - size : 0;
	index_table((const uint64_t *)(uintptr_t)root, level, base, size);
}

static const table_info_t *table_info(const void *table)
{
	for (size_t i = 0; i < table_count; i++)
		if (tables[i].table == table)
			return &tables[i];
	ck_abort_msg("a freed table the test did not index");
	return NULL;
}

/* Whether [start, start + size) lies in the invalidation's range. */
static bool inv_covers(const ap_invalidation_t *inv, uint64_t start, uint64_t size)
{
	return start - inv->range_start < inv->range_size &&
	       size - 1 <= inv->range_size - 1 - (start - inv->range_start);
}

typedef struct live_cov {
	ap_regime_t *regime;
	ap_mapping_t *m;
	uint16_t asid;
	ap_va_range_t va_range;
} live_cov_t;

static live_cov_t cov_mapping(ap_regime_kind_t kind, uint16_t asid, ap_va_range_t va_range)
{
	live_cov_t l;
	memset(&rec, 0, sizeof(rec));
	test_alloc_init(&cov_alloc);
	freed_count = 0;
	l.regime = recording_regime(kind, &rec);
	l.asid = asid;
	l.va_range = va_range;
	ap_translation_ops_t ops = *test_alloc_ops();
	ops.free_table = logging_free;
	ap_mapping_options_t o = opts(l.regime, 1, asid, va_range);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &cov_alloc, &l.m), AP_OK);
	return l;
}

static void cov_free(live_cov_t *l)
{
	bool active;
	ck_assert_int_eq(ap_mapping_is_active(l->m, &active), AP_OK);
	if (active)
		ck_assert_int_eq(ap_mapping_mark_inactive(l->m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(l->m), AP_OK);
	ck_assert_uint_eq(cov_alloc.allocations, cov_alloc.frees);
	ck_assert_int_eq(ap_regime_destroy(l->regime), AP_OK);
}

/* Marks the mapping live, indexes it and clears the logs: the next edit is
 * the one checked by expect_coverage. */
static void cov_start(live_cov_t *l)
{
	bool active;
	ck_assert_int_eq(ap_mapping_is_active(l->m, &active), AP_OK);
	if (!active)
		ck_assert_int_eq(ap_mapping_mark_active(l->m), AP_OK);
	index_mapping(l->m);
	recorder_reset(&rec);
	freed_count = 0;
}

/* Checks the edit since cov_start:
 * - every invalidation is well formed, names the mapping's ASID and range,
 *   and is followed by a barrier;
 * - every valid leaf that no longer is (or whose descriptor changed) lies
 *   in an invalidation's range; with tables_only, a TABLE invalidation's;
 * - every freed table lies in the range of a TABLE invalidation that came
 *   before it, with a barrier between the two. */
static void expect_coverage(const live_cov_t *l, const range_t *gone, size_t gone_count,
			    bool tables_only)
{
	ck_assert_uint_lt(rec.event_count, RECORDER_MAX);
	size_t inv_at[RECORDER_MAX]; /* event position of each invalidation */
	size_t n_inv = 0, n_free = 0;
	size_t last_barrier = SIZE_MAX;
	for (size_t p = 0; p < rec.event_count; p++) {
		if (rec.events[p] == 'I') {
			inv_at[n_inv++] = p;
		} else if (rec.events[p] == 'B') {
			last_barrier = p;
		} else if (rec.events[p] == 'F') {
			const table_info_t *t = table_info(freed[n_free++]);
			/* A TABLE invalidation covering the table, then a barrier,
			 * both before the free. */
			bool ok = false;
			for (size_t k = 0; k < n_inv && !ok; k++) {
				const ap_invalidation_t *inv = &rec.invalidations[k];
				ok = inv->kind == AP_INVALIDATE_TABLE && inv_covers(inv, t->va, t->span) &&
				     last_barrier != SIZE_MAX && last_barrier > inv_at[k];
			}
			ck_assert_msg(ok, "table for [%#llx, +%#llx) freed at event %zu without a TABLE "
					  "invalidation and a barrier before it",
				      (unsigned long long)t->va, (unsigned long long)t->span, p);
		}
	}
	ck_assert_uint_eq(n_inv, rec.invalidation_count);
	ck_assert_uint_eq(n_free, freed_count);
	for (size_t k = 0; k < n_inv; k++) {
		const ap_invalidation_t *inv = &rec.invalidations[k];
		ck_assert_uint_eq(inv->size, sizeof(ap_invalidation_t));
		ck_assert_uint_eq(inv->asid, l->asid);
		ck_assert_int_eq(inv->va_range, l->va_range);
		ck_assert_uint_le(inv->level, 3);
		ck_assert_uint_eq(inv->range_size, AP_GRANULE_AT_LEVEL(inv->level));
		ck_assert_uint_eq(inv->range_start & (inv->range_size - 1), 0);
		ck_assert(inv_covers(inv, inv->va, 1));
		ck_assert_msg(last_barrier != SIZE_MAX && last_barrier > inv_at[k],
			      "invalidation %zu has no barrier after it", k);
	}
	/* Coverage of what was valid: page by page would be 2^18 lookups per
	 * GiB; walk each range forward over the invalidations instead. */
	for (size_t g = 0; g < gone_count; g++) {
		uint64_t at = gone[g].start, end_left = gone[g].size;
		while (end_left) {
			const ap_invalidation_t *best = NULL;
			for (size_t k = 0; k < n_inv; k++) {
				const ap_invalidation_t *inv = &rec.invalidations[k];
				if ((tables_only && inv->kind != AP_INVALIDATE_TABLE) || !inv_covers(inv, at, 1))
					continue;
				if (!best || inv->range_start + inv->range_size - 1 >
						     best->range_start + best->range_size - 1)
					best = inv;
			}
			ck_assert_msg(best, "valid page %#llx not covered by any %sinvalidation",
				      (unsigned long long)at, tables_only ? "TABLE " : "");
			uint64_t covered = best->range_start + best->range_size - at; /* 0: to 2^64 */
			if (covered == 0 || covered >= end_left)
				break;
			at += covered;
			end_left -= covered;
		}
	}
}

/* A GiB of pages, live, unmapped whole: one TABLE invalidation for the
 * level 1 entry covers it all, then the barrier, then the 513 frees. */
static void gib_of_pages_unmapped(ap_regime_kind_t kind, uint16_t asid, ap_va_range_t va_range,
				  ap_attrs_t flags)
{
	live_cov_t l = cov_mapping(kind, asid, va_range);
	uint64_t size, base;
	ck_assert_int_eq(ap_mapping_size(l.m, &size), AP_OK);
	base = (va_range == AP_VA_RANGE_UPPER ? (uint64_t)0 - size : 0) + 3 * BLOCK_L1;
	ap_region_t r = RS(base, BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(l.m, &r, 0x80000000, flags, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
			 AP_OK);
	cov_start(&l);
	ck_assert_uint_eq(valid_run_count, 1);
	ck_assert_uint_eq(valid_runs[0].size, BLOCK_L1);
	ck_assert_uint_eq(table_count, 1 + 1 + 512);
	ck_assert_int_eq(ap_mapping_unmap(l.m, &r, NULL), AP_OK);
	expect_coverage(&l, valid_runs, valid_run_count, true);
	ck_assert_uint_eq(freed_count, 513);
	ck_assert_uint_eq(rec.invalidation_count, 1);
	ck_assert_uint_eq(rec.invalidations[0].range_start, base);
	ck_assert_uint_eq(rec.invalidations[0].range_size, BLOCK_L1);
	ck_assert_int_eq(rec.invalidations[0].kind, AP_INVALIDATE_TABLE);
	ck_assert_uint_eq(rec.invalidations[0].level, 1);
	size_t count;
	ck_assert_int_eq(ap_mapping_table_count(l.m, &count), AP_OK);
	ck_assert_uint_eq(count, 1);
	cov_free(&l);
}

#define S2_RW (AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW | AP_S2_MEMATTR_NORMAL_INNER_WB | \
	       AP_S2_MEMATTR_NORMAL_OUTER_WB)

START_TEST(live_unmap_of_subtable_invalidates_the_table)
{
	gib_of_pages_unmapped(AP_REGIME_EL1AND0, 9, AP_VA_RANGE_LOWER, NORMAL);
	gib_of_pages_unmapped(AP_REGIME_EL1AND0, 11, AP_VA_RANGE_UPPER, NORMAL);
	gib_of_pages_unmapped(AP_REGIME_STAGE2, 0, AP_VA_RANGE_LOWER, S2_RW);
}
END_TEST

/* A GiB of pages starting 3 pages before a 1 GiB boundary, unmapped whole:
 * leaf invalidations at both ends, TABLE ones for the 511 whole leaf tables. */
static void unaligned_gib_unmapped(ap_regime_kind_t kind, uint16_t asid, ap_attrs_t flags)
{
	live_cov_t l = cov_mapping(kind, asid, AP_VA_RANGE_LOWER);
	ap_region_t r = RS(BLOCK_L1 - 3 * PAGE, BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(l.m, &r, 0x80000000, flags, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
			 AP_OK);
	cov_start(&l);
	ck_assert_int_eq(ap_mapping_unmap(l.m, &r, NULL), AP_OK);
	expect_coverage(&l, valid_runs, valid_run_count, false);
	ck_assert_uint_eq(freed_count, 511);
	/* With no pages left, compaction frees the rest, live. */
	cov_start(&l);
	ck_assert_uint_eq(valid_run_count, 0);
	ck_assert_int_eq(ap_mapping_compact(l.m), AP_OK);
	expect_coverage(&l, NULL, 0, true);
	ck_assert_uint_eq(freed_count, 4); /* two leaf tables, two level 2 tables */
	cov_free(&l);
}

START_TEST(live_unaligned_unmap_covers_every_page)
{
	unaligned_gib_unmapped(AP_REGIME_EL1AND0, 4, NORMAL);
	unaligned_gib_unmapped(AP_REGIME_STAGE2, 0, S2_RW);
}
END_TEST

/* 2 MiB of pages in one leaf table, neighbours kept, unmapped as part of a
 * larger region: one TABLE invalidation at level 2 for the 2 MiB, a
 * barrier, one free; leaf invalidations for the neighbours. */
static void leaf_table_unmapped(ap_regime_kind_t kind, uint16_t asid, ap_attrs_t flags)
{
	live_cov_t l = cov_mapping(kind, asid, AP_VA_RANGE_LOWER);
	ap_region_t r = R(5 * BLOCK_L2 - 2 * PAGE, 7 * BLOCK_L2 + 2 * PAGE);
	ck_assert_int_eq(ap_mapping_map(l.m, &r, 0x80000000, flags, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
			 AP_OK);
	cov_start(&l);
	ap_region_t middle = R(6 * BLOCK_L2 - PAGE, 7 * BLOCK_L2 + PAGE);
	ck_assert_int_eq(ap_mapping_unmap(l.m, &middle, NULL), AP_OK);
	range_t gone = {6 * BLOCK_L2 - PAGE, BLOCK_L2 + 2 * PAGE};
	range_t leaf_table = {6 * BLOCK_L2, BLOCK_L2};
	expect_coverage(&l, &gone, 1, false);
	expect_coverage(&l, &leaf_table, 1, true);
	ck_assert_uint_eq(freed_count, 1);
	ck_assert_uint_eq(rec.invalidation_count, 3);
	/* The neighbours still translate. */
	ap_translate_result_t t;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	ck_assert_int_eq(ap_mapping_translate(l.m, 6 * BLOCK_L2 - 2 * PAGE, &t), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(l.m, 7 * BLOCK_L2 + PAGE, &t), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(l.m, 6 * BLOCK_L2, &t), AP_ERR_NOT_MAPPED);
	ck_assert_int_eq(ap_mapping_translate(l.m, 7 * BLOCK_L2, &t), AP_ERR_NOT_MAPPED);

	/* Exactly the 2 MiB of the next leaf table: every page covered, by
	 * whatever kind of invalidation; if the table stays, compaction
	 * removes it later with a TABLE invalidation. */
	ap_region_t around = R(8 * BLOCK_L2 - PAGE, 9 * BLOCK_L2 + PAGE);
	ck_assert_int_eq(ap_mapping_map(l.m, &around, 0x90000000, flags,
					AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
			 AP_OK);
	cov_start(&l);
	ap_region_t exact = RS(8 * BLOCK_L2, BLOCK_L2);
	ck_assert_int_eq(ap_mapping_unmap(l.m, &exact, NULL), AP_OK);
	range_t exact_range = {8 * BLOCK_L2, BLOCK_L2};
	expect_coverage(&l, &exact_range, 1, false);
	cov_start(&l);
	ck_assert_int_eq(ap_mapping_compact(l.m), AP_OK);
	expect_coverage(&l, NULL, 0, true);
	size_t count;
	ck_assert_int_eq(ap_mapping_table_count(l.m, &count), AP_OK);
	ck_assert_uint_eq(count, 1 + 1 + 4); /* root, level 2, leaf tables 4, 5, 7 and 9 */
	cov_free(&l);
}

START_TEST(live_unmap_of_leaf_table_invalidates_it)
{
	leaf_table_unmapped(AP_REGIME_EL1AND0, 6, NORMAL);
	leaf_table_unmapped(AP_REGIME_STAGE2, 0, S2_RW);
}
END_TEST

/* Pages scattered over two GiB, unmapped while live (leaf invalidations),
 * then compacted live: every freed table covered first. */
START_TEST(live_compaction_covers_every_freed_table)
{
	for (int upper = 0; upper < 2; upper++) {
		live_cov_t l = cov_mapping(AP_REGIME_EL1AND0, 12, upper ? AP_VA_RANGE_UPPER : AP_VA_RANGE_LOWER);
		uint64_t size;
		ck_assert_int_eq(ap_mapping_size(l.m, &size), AP_OK);
		uint64_t base = upper ? (uint64_t)0 - size : 0;
		static const uint64_t at[] = {0x1000, 3 * BLOCK_L2 + 0x5000, BLOCK_L1 + 0x7000,
					      BLOCK_L1 + 100 * BLOCK_L2, 7 * BLOCK_L1 + 0x3000};
		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			ap_region_t r = RS(base + at[i], 3 * PAGE);
			ck_assert_int_eq(ap_mapping_map(l.m, &r, 0x80000000, NORMAL, 0, NULL), AP_OK);
		}
		/* One page stays: its tables must stay too. */
		cov_start(&l);
		for (size_t i = 0; i + 1 < sizeof(at) / sizeof(at[0]); i++) {
			ap_region_t r = RS(base + at[i], 3 * PAGE);
			ck_assert_int_eq(ap_mapping_unmap(l.m, &r, NULL), AP_OK);
		}
		range_t gone[4];
		for (size_t i = 0; i < 4; i++) {
			gone[i].start = base + at[i];
			gone[i].size = 3 * PAGE;
		}
		expect_coverage(&l, gone, 4, false);
		ck_assert_uint_eq(freed_count, 0);
		cov_start(&l);
		ck_assert_int_eq(ap_mapping_compact(l.m), AP_OK);
		expect_coverage(&l, NULL, 0, true);
		/* Leaf tables of the four emptied places, and the level 2
		 * tables of the first two GiB. */
		ck_assert_uint_eq(freed_count, 6);
		size_t count;
		ck_assert_int_eq(ap_mapping_table_count(l.m, &count), AP_OK);
		ck_assert_uint_eq(count, 3);
		ap_translate_result_t t;
		memset(&t, 0, sizeof(t));
		t.size = sizeof(t);
		ck_assert_int_eq(ap_mapping_translate(l.m, base + 7 * BLOCK_L1 + 0x4000, &t), AP_OK);
		cov_free(&l);
	}
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

/* ------------------------------------------------------------ TCR fields */

static ap_translation_control_t control_of(ap_regime_kind_t kind, unsigned root_level,
					   ap_va_range_t range, uint16_t asid)
{
	ap_mapping_options_t o = opts(regime_of(kind), root_level, asid, range);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_translation_control_t c = AP_TRANSLATION_CONTROL_INIT;
	ck_assert_int_eq(ap_mapping_translation_control(m, &c), AP_OK);
	uint64_t ttbr;
	ck_assert_int_eq(ap_mapping_ttbr(m, &ttbr), AP_OK);
	ck_assert_uint_eq(c.ttbr, ttbr);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	return c;
}

/* T0SZ/TG0 for the lower range, T1SZ/TG1 (TG1 encodes 4 KiB as 0b10) for
 * the upper, and VTCR_EL2.SL0 for stage 2, for every root level. */
START_TEST(translation_control_fields)
{
	static const unsigned bits[] = {48, 39, 30, 21};
	for (unsigned level = 0; level <= 3; level++) {
		ap_translation_control_t c = control_of(AP_REGIME_EL1AND0, level, AP_VA_RANGE_LOWER, 5);
		ck_assert_uint_eq(c.input_bits, bits[level]);
		ck_assert_uint_eq(c.tsz, 64 - bits[level]);
		ck_assert_uint_eq(c.tg, 0);
		ck_assert_uint_eq(c.tcr, 64 - bits[level]);
		ck_assert_uint_eq(c.tcr_mask, 0x3f | (3u << 14));
		ck_assert_uint_eq(c.ttbr >> 48, 5);
		c = control_of(AP_REGIME_EL2AND0, level, AP_VA_RANGE_UPPER, 0);
		ck_assert_uint_eq(c.tg, 2);
		ck_assert_uint_eq(c.tcr, ((uint64_t)(64 - bits[level]) << 16) | (UINT64_C(2) << 30));
		ck_assert_uint_eq(c.tcr_mask, (UINT64_C(0x3f) << 16) | (UINT64_C(3) << 30));
		c = control_of(AP_REGIME_EL3, level, AP_VA_RANGE_LOWER, 0);
		ck_assert_uint_eq(c.tcr, 64 - bits[level]);
	}
	static const unsigned sl0[] = {2, 1, 0};
	for (unsigned level = 0; level <= 2; level++) {
		ap_translation_control_t c = control_of(AP_REGIME_STAGE2, level, AP_VA_RANGE_LOWER, 0);
		ck_assert_uint_eq(c.sl0, sl0[level]);
		ck_assert_uint_eq(c.tcr, (uint64_t)(64 - bits[level]) | ((uint64_t)sl0[level] << 6));
		ck_assert_uint_eq(c.tcr_mask, 0x3f | (3u << 6) | (3u << 14));
	}
}
END_TEST

START_TEST(translation_control_errors)
{
	ap_mapping_options_t o = opts(regime_of(AP_REGIME_STAGE2), 3, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_translation_control_t c = AP_TRANSLATION_CONTROL_INIT;
	ck_assert_int_eq(ap_mapping_translation_control(m, &c), AP_ERR_UNSUPPORTED);
	ck_assert_uint_eq(c.tsz, 0);
	ck_assert_int_eq(ap_mapping_translation_control(NULL, &c), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_translation_control(m, NULL), AP_ERR_INVALID_ARGUMENT);
	c.size = 0;
	ck_assert_int_eq(ap_mapping_translation_control(m, &c), AP_ERR_INVALID_ARGUMENT);
	c.size = sizeof(c) + 8;
	ck_assert_int_eq(ap_mapping_translation_control(m, &c), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	/* A caller that knows only the first fields gets only those. */
	o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	struct {
		ap_translation_control_t c;
		uint64_t guard;
	} small = {{0}, 0x5a5a};
	small.c.size = offsetof(ap_translation_control_t, ttbr);
	small.c.ttbr = 77;
	ck_assert_int_eq(ap_mapping_translation_control(m, &small.c), AP_OK);
	ck_assert_uint_eq(small.c.tcr, 25);
	ck_assert_uint_eq(small.c.ttbr, 77);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
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
	tcase_add_test(tc, live_unaligned_unmap_covers_every_page);
	tcase_add_test(tc, live_unmap_of_leaf_table_invalidates_it);
	tcase_add_test(tc, live_compaction_covers_every_freed_table);
	tcase_add_test(tc, live_compaction_invalidates_then_frees);
	tcase_add_test(tc, stage2_and_el2_variants);
	tcase_add_test(tc, translation_control_fields);
	tcase_add_test(tc, translation_control_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(regime_suite());
}
