/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* posix_memalign is POSIX, not C99. */
#define _POSIX_C_SOURCE 200112L

#include "test_util.h"

#include <stdlib.h>
#include <string.h>

ap_region_t R(uint64_t start, uint64_t end)
{
	ap_region_t r;
	ck_assert_int_eq(ap_region_from_range(start, end, &r), AP_OK);
	return r;
}

ap_region_t RS(uint64_t start, uint64_t size)
{
	ap_region_t r;
	ck_assert_int_eq(ap_region_from_size(start, size, &r), AP_OK);
	return r;
}

const ap_regime_t *regime_of(ap_regime_kind_t kind)
{
	const ap_regime_t *r = NULL;
	ck_assert_int_eq(ap_regime_get(kind, &r), AP_OK);
	return r;
}

ap_mapping_options_t opts(const ap_regime_t *regime, unsigned root_level, uint16_t asid,
			  ap_va_range_t va_range)
{
	ap_mapping_options_t o;
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.regime = regime;
	o.root_level = root_level;
	o.asid = asid;
	o.va_range = va_range;
	return o;
}

ap_mapping_options_t granule_opts(const ap_regime_t *regime, ap_granule_t granule,
				  unsigned input_bits, uint16_t asid, ap_va_range_t va_range)
{
	ap_mapping_options_t o = opts(regime, 0, asid, va_range);
	o.granule = granule;
	o.input_bits = input_bits;
	return o;
}

ap_error_t new_error(void)
{
	ap_error_t e;
	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	return e;
}

struct string_sink {
	char *text;
	size_t length;
};

static int append_text(void *ctx, const char *text, size_t length)
{
	struct string_sink *sink = ctx;
	char *grown = realloc(sink->text, sink->length + length + 1);
	if (!grown)
		return 1;
	memcpy(grown + sink->length, text, length);
	sink->length += length;
	grown[sink->length] = '\0';
	sink->text = grown;
	return 0;
}

int discard_text(void *ctx, const char *text, size_t length)
{
	(void)ctx;
	(void)text;
	(void)length;
	return 0;
}

char *dump_string(const ap_mapping_t *m)
{
	struct string_sink sink = {NULL, 0};
	ck_assert_int_eq(ap_mapping_dump(m, append_text, &sink), AP_OK);
	if (!sink.text)
		sink.text = calloc(1, 1);
	return sink.text;
}

/* ------------------------------------------------------------------ */

void test_alloc_init(test_alloc_t *a)
{
	memset(a, 0, sizeof(*a));
	a->fail_after = -1;
}

static void *test_allocate_tables(void *ctx, size_t bytes, ap_pa_t *pa)
{
	test_alloc_t *a = ctx;
	a->calls++;
	if (a->fail_after >= 0 && a->allocations >= (size_t)a->fail_after)
		return NULL;
	if (a->fail_every > 0 && a->calls % (size_t)a->fail_every == 0)
		return NULL;
	if (a->live_count == TEST_ALLOC_MAX_TABLES)
		return NULL;
	ck_assert_msg(bytes >= AP_PAGE_SIZE && bytes <= (1u << 20) && (bytes & (bytes - 1)) == 0,
		      "allocate_tables asked for %zu bytes", bytes);
	void *table = NULL;
	if (posix_memalign(&table, bytes, bytes) != 0)
		return NULL;
	memset(table, 0, bytes);
	a->live_bytes[a->live_count] = bytes;
	a->live[a->live_count++] = table;
	a->allocations++;
	*pa = (uint64_t)(uintptr_t)table + a->pa_offset;
	return table;
}

static void *test_allocate(void *ctx, ap_pa_t *pa)
{
	return test_allocate_tables(ctx, AP_PAGE_SIZE, pa);
}

static void test_free_tables(void *ctx, void *table, ap_pa_t pa, size_t bytes)
{
	test_alloc_t *a = ctx;
	ck_assert_uint_eq(pa, (uint64_t)(uintptr_t)table + a->pa_offset);
	for (size_t i = 0; i < a->live_count; i++) {
		if (a->live[i] == table) {
			ck_assert_uint_eq(a->live_bytes[i], bytes);
			a->live_count--;
			a->live[i] = a->live[a->live_count];
			a->live_bytes[i] = a->live_bytes[a->live_count];
			a->frees++;
			free(table);
			return;
		}
	}
	ck_abort_msg("free_table called for a table this translation does not own");
}

static void test_free(void *ctx, void *table, ap_pa_t pa)
{
	test_free_tables(ctx, table, pa, AP_PAGE_SIZE);
}

static void *test_p2v(void *ctx, ap_pa_t pa)
{
	test_alloc_t *a = ctx;
	return (void *)(uintptr_t)(pa - a->pa_offset);
}

static const ap_translation_ops_t test_ops = {
	sizeof(ap_translation_ops_t), test_allocate,	    test_free,
	test_p2v,		      test_allocate_tables, test_free_tables,
};

const ap_translation_ops_t *test_alloc_ops(void)
{
	return &test_ops;
}

ap_mapping_t *test_alloc_mapping(test_alloc_t *a, const ap_mapping_options_t *o)
{
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(o, &test_ops, a, &m), AP_OK);
	return m;
}

typedef struct live_table {
	void *table;
	size_t bytes;
} live_table_t;

static int compare_addresses(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const live_table_t *)x)->table;
	uintptr_t b = (uintptr_t)((const live_table_t *)y)->table;
	return a < b ? -1 : a > b;
}

table_snapshot_t snapshot_tables(const test_alloc_t *a)
{
	table_snapshot_t s;
	static live_table_t sorted[TEST_ALLOC_MAX_TABLES];
	s.total = 0;
	for (size_t i = 0; i < a->live_count; i++) {
		sorted[i].table = a->live[i];
		sorted[i].bytes = a->live_bytes[i];
		s.total += a->live_bytes[i];
	}
	qsort(sorted, a->live_count, sizeof(sorted[0]), compare_addresses);
	s.count = a->live_count;
	s.addresses = malloc((s.count + 1) * sizeof(uint64_t));
	s.bytes = malloc(s.total + 1);
	ck_assert_ptr_nonnull(s.addresses);
	ck_assert_ptr_nonnull(s.bytes);
	size_t at = 0;
	for (size_t i = 0; i < s.count; i++) {
		s.addresses[i] = (uint64_t)(uintptr_t)sorted[i].table;
		memcpy(s.bytes + at, sorted[i].table, sorted[i].bytes);
		at += sorted[i].bytes;
	}
	return s;
}

int snapshots_equal(const table_snapshot_t *x, const table_snapshot_t *y)
{
	return x->count == y->count && x->total == y->total &&
	       memcmp(x->addresses, y->addresses, x->count * sizeof(uint64_t)) == 0 &&
	       memcmp(x->bytes, y->bytes, x->total) == 0;
}

void snapshot_free(table_snapshot_t *s)
{
	free(s->addresses);
	free(s->bytes);
	s->addresses = NULL;
	s->bytes = NULL;
}

/* ------------------------------------------------------------------ */

static void record_event(recorder_t *rec, char event)
{
	if (rec->event_count < RECORDER_MAX)
		rec->events[rec->event_count++] = event;
}

static void rec_invalidate(void *ctx, const ap_invalidation_t *inv)
{
	recorder_t *rec = ctx;
	if (rec->invalidation_count < RECORDER_MAX)
		rec->invalidations[rec->invalidation_count] = *inv;
	rec->invalidation_count++;
	record_event(rec, 'I');
}

static void rec_barrier(void *ctx)
{
	recorder_t *rec = ctx;
	rec->barrier_count++;
	record_event(rec, 'B');
}

static uint64_t rec_activate(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t va_range)
{
	recorder_t *rec = ctx;
	rec->activate_count++;
	rec->last_root = root;
	rec->last_asid = asid;
	rec->last_va_range = va_range;
	record_event(rec, 'A');
	return rec->ttbr_to_return;
}

static void rec_deactivate(void *ctx, uint64_t previous, uint16_t asid, ap_va_range_t va_range)
{
	recorder_t *rec = ctx;
	rec->deactivate_count++;
	rec->last_previous_ttbr = previous;
	rec->last_asid = asid;
	rec->last_va_range = va_range;
	record_event(rec, 'D');
}

void recorder_reset(recorder_t *rec)
{
	uint64_t ttbr = rec->ttbr_to_return;
	memset(rec, 0, sizeof(*rec));
	rec->ttbr_to_return = ttbr;
}

ap_regime_t *recording_regime(ap_regime_kind_t kind, recorder_t *rec)
{
	ap_regime_hooks_t hooks;
	memset(&hooks, 0, sizeof(hooks));
	hooks.size = sizeof(hooks);
	hooks.invalidate = rec_invalidate;
	hooks.barrier = rec_barrier;
	hooks.activate = rec_activate;
	hooks.deactivate = rec_deactivate;
	ap_regime_t *regime = NULL;
	ck_assert_int_eq(ap_regime_create(kind, &hooks, rec, &regime), AP_OK);
	return regime;
}

int run_suite(Suite *s)
{
	SRunner *runner = srunner_create(s);
	srunner_run_all(runner, CK_NORMAL);
	int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
