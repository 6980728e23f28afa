/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * What a modify callback can write, whatever the order of its calls: never a
 * table pointer, never an encoding the MMU treats as reserved, never a
 * change break-before-make forbids on a live table (not even in steps), and
 * never half an edit on a live table.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#define EL1_PAGE_FLAGS (AP_ATTR_VALID | AP_EL1_ACCESSED | AP_EL1_ATTRIBUTE_INDEX_1)

/* The raw descriptor that covers va (the last one of its walk). */
struct found {
	uint64_t bits;
	unsigned level;
};

static int remember(void *ctx, const ap_region_t *region, uint64_t bits, unsigned level)
{
	(void)region;
	struct found *f = ctx;
	f->bits = bits;
	f->level = level;
	return 0;
}

static struct found entry_at(const ap_mapping_t *m, uint64_t va)
{
	struct found f = {0, 99};
	ap_region_t r = RS(va, PAGE);
	ck_assert_int_eq(ap_mapping_walk(m, &r, remember, &f, NULL), AP_OK);
	return f;
}

/* A callback made of steps: each one a set or a flag change, run in order
 * on every descriptor it is called for. */
enum step_kind { STEP_SET, STEP_FLAGS };
struct step {
	enum step_kind kind;
	ap_pa_t pa;     /* STEP_SET */
	ap_attrs_t set; /* STEP_SET: the flags; STEP_FLAGS: bits to set */
	ap_attrs_t clear;
};
struct script {
	const struct step *steps;
	size_t count;
	ap_status_t results[8];
	unsigned calls;
};

static int run_script(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct script *s = ctx;
	s->calls++;
	for (size_t i = 0; i < s->count; i++) {
		const struct step *st = &s->steps[i];
		s->results[i] = st->kind == STEP_SET ? ap_descriptor_set(d, st->pa, st->set)
						     : ap_descriptor_modify_flags(d, st->set, st->clear);
	}
	return 0;
}

static ap_status_t modify_with(ap_mapping_t *m, ap_region_t r, struct script *s)
{
	return ap_mapping_modify(m, &r, run_script, s, NULL);
}

/* set(pa, TABLE_OR_PAGE) without VALID, then VALID: the sequence that forged
 * a table pointer at levels 0-2. Neither step may leave bit 1 set. */
START_TEST(no_table_pointer_from_a_callback)
{
	static const unsigned root_levels[] = {0, 1, 2};
	unsigned root = root_levels[_i];
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, root, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	uint64_t top = (uint64_t)AP_PAGE_SIZE << (9 * (3 - root)); /* one root entry */
	const struct step steps[] = {
		{STEP_SET, 0xdead000, AP_ATTR_TABLE_OR_PAGE, 0},
		{STEP_FLAGS, 0, AP_ATTR_VALID, 0},
		{STEP_SET, 0xdead000, AP_ATTR_VALID | AP_ATTR_TABLE_OR_PAGE, 0},
	};
	struct script s = {steps, 3, {0}, 0};
	ck_assert_int_eq(modify_with(m, RS(0, top), &s), AP_OK);
	ck_assert_uint_eq(s.calls, 1);
	ck_assert_int_eq(s.results[0], AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(s.results[2], AP_ERR_INVALID_FLAGS);
	struct found f = entry_at(m, 0);
	ck_assert_uint_eq(f.level, root);
	ck_assert_msg(!ap_pte_is_table(f.bits, f.level), "entry 0x%llx became a table",
		      (unsigned long long)f.bits);
	ck_assert_uint_eq(f.bits & AP_ATTR_TABLE_OR_PAGE, 0);
	ap_translate_result_t t = {sizeof(t), 0, 0, 0, 0, 0, 0};
	ck_assert_int_ne(ap_mapping_translate(m, 0, &t), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(a.live_count, 0);
}
END_TEST

/* A level-0 block does not exist with the 4 KiB granule: a callback may not
 * write one, so a later split cannot turn it into real level-1 blocks. */
START_TEST(no_level0_block_from_a_callback)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 0, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	const uint64_t l0 = BLOCK_L1 << 9;
	const struct step steps[] = {{STEP_SET, 0x8000000000, EL1_PAGE_FLAGS, 0}};
	struct script s = {steps, 1, {0}, 0};
	ck_assert_int_eq(modify_with(m, RS(0, l0), &s), AP_OK);
	ck_assert_int_eq(s.results[0], AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(entry_at(m, 0).bits, 0);
	/* The fuzzer's sequence: an unmap elsewhere in that 512 GiB entry. */
	ap_region_t one = RS(0x1000, PAGE);
	ck_assert_int_eq(ap_mapping_unmap(m, &one, NULL), AP_OK);
	ap_translate_result_t t = {sizeof(t), 0, 0, 0, 0, 0, 0};
	ck_assert_int_eq(ap_mapping_translate(m, 0x40000000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* The encodings map never writes are refused from a callback too: bits 12
 * up to the block size in a block, and a level-3 entry that is VALID
 * without bit 1 (reserved), whether set at once or by a flag change. */
START_TEST(no_reserved_encoding_from_a_callback)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	/* A 1 GiB block with bits 12..29 in its flags: the fuzzer's 0x40102401. */
	const struct step block[] = {
		{STEP_SET, 0x40000000, 0x102401, 0},
		{STEP_SET, 0x40000000, EL1_PAGE_FLAGS, 0},
		{STEP_FLAGS, 0, UINT64_C(1) << 13, 0},
	};
	struct script s = {block, 3, {0}, 0};
	ck_assert_int_eq(modify_with(m, RS(BLOCK_L1, BLOCK_L1), &s), AP_OK);
	ck_assert_int_eq(s.results[0], AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(s.results[1], AP_OK);
	ck_assert_int_eq(s.results[2], AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(entry_at(m, BLOCK_L1).bits, 0x40000000 | EL1_PAGE_FLAGS);

	/* Level 3: VALID without bit 1, directly and by setting VALID later. */
	const struct step page[] = {
		{STEP_SET, 0x5000, EL1_PAGE_FLAGS, 0},
		{STEP_SET, 0x5000, EL1_PAGE_FLAGS & ~AP_ATTR_VALID, 0},
		{STEP_FLAGS, 0, AP_ATTR_VALID, 0},
		{STEP_SET, 0x5000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE, 0},
	};
	struct script p = {page, 4, {0}, 0};
	ck_assert_int_eq(modify_with(m, RS(0, PAGE), &p), AP_OK);
	ck_assert_int_eq(p.results[0], AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(p.results[1], AP_OK);
	ck_assert_int_eq(p.results[2], AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(p.results[3], AP_OK);
	struct found f = entry_at(m, 0);
	ck_assert_uint_eq(f.level, 3);
	ck_assert_uint_eq(f.bits, 0x5000 | EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE);

	/* nT (bit 16) is an address bit at level 3: refused, not dropped. */
	const struct step nt[] = {
		{STEP_FLAGS, 0, AP_EL1_NT, 0},
		{STEP_SET, 0x5000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE | AP_EL1_NT, 0},
	};
	struct script n = {nt, 2, {0}, 0};
	ck_assert_int_eq(modify_with(m, RS(0, PAGE), &n), AP_OK);
	ck_assert_int_eq(n.results[0], AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(n.results[1], AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(entry_at(m, 0).bits, 0x5000 | EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* A live mapping and a regime that records its hooks. */
struct live {
	test_alloc_t a;
	recorder_t rec;
	ap_regime_t *regime;
	ap_mapping_t *m;
};

static void live_new(struct live *l, unsigned root_level)
{
	test_alloc_init(&l->a);
	memset(&l->rec, 0, sizeof(l->rec));
	l->regime = recording_regime(AP_REGIME_EL1AND0, &l->rec);
	ap_mapping_options_t o = opts(l->regime, root_level, 7, AP_VA_RANGE_LOWER);
	l->m = test_alloc_mapping(&l->a, &o);
}

static void live_free(struct live *l)
{
	ck_assert_int_eq(ap_mapping_mark_inactive(l->m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(l->m), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(l->regime), AP_OK);
	ck_assert_uint_eq(l->a.live_count, 0);
}

static int refuse_one(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	const uint64_t *refused = ctx;
	if (region->start == *refused)
		return 1;
	if (ap_descriptor_level(d) != 3)
		return 0;
	return ap_descriptor_set(d, 0x7000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE) != AP_OK;
}

/* The fuzzer's case: root level 1, live, modify {0x1000, 0x2000} with a
 * callback that refuses 0x2000. The tables a split would create get a dry
 * run too, so the edit fails before anything is linked or written. */
START_TEST(live_modify_fails_whole)
{
	struct live l;
	live_new(&l, 1);
	ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
	size_t before = 0, after = 0;
	ck_assert_int_eq(ap_mapping_table_count(l.m, &before), AP_OK);
	table_snapshot_t snap = snapshot_tables(&l.a);
	uint64_t refused = 0x2000;
	ap_region_t r = RS(0x1000, 0x2000);
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(l.m, &r, refuse_one, &refused, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(ap_mapping_table_count(l.m, &after), AP_OK);
	ck_assert_uint_eq(after, before);
	table_snapshot_t now = snapshot_tables(&l.a);
	ck_assert_msg(snapshots_equal(&snap, &now), "a refused live modify changed the tables");
	snapshot_free(&snap);
	snapshot_free(&now);
	ck_assert_uint_eq(l.a.live_count, before);
	live_free(&l);
}
END_TEST

/* A live entry's later values are judged against every value it held since
 * the callback began: valid A -> invalid -> valid B is refused (B may not
 * replace A without an invalidation in between), and an entry that was
 * briefly valid is invalidated even if it ends invalid. */
START_TEST(live_steps_cannot_get_around_bbm)
{
	struct live l;
	live_new(&l, 1);
	ap_region_t page = RS(0, PAGE);
	ck_assert_int_eq(ap_mapping_map(l.m, &page, 0x5000, EL1_PAGE_FLAGS, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_mark_active(l.m), AP_OK);
	const uint64_t a_page = 0x5000 | EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE;

	/* From valid A: break, then make with another address or AttrIndx. */
	const struct step move[] = {
		{STEP_FLAGS, 0, 0, AP_ATTR_VALID},
		{STEP_SET, 0x9000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE, 0},
		{STEP_SET, 0x5000,
		 (EL1_PAGE_FLAGS & ~AP_EL1_ATTRIBUTE_INDEX_1) | AP_EL1_ATTRIBUTE_INDEX_2 |
			 AP_ATTR_TABLE_OR_PAGE,
		 0},
	};
	struct script s = {move, 3, {0}, 0};
	recorder_reset(&l.rec);
	ck_assert_int_eq(modify_with(l.m, page, &s), AP_OK);
	ck_assert_int_eq(s.results[0], AP_OK);
	ck_assert_int_eq(s.results[1], AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(s.results[2], AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(entry_at(l.m, 0).bits, a_page & ~AP_ATTR_VALID);
	ck_assert_uint_eq(l.rec.invalidation_count, 1);
	ck_assert_uint_eq(l.rec.barrier_count, 1);

	/* From invalid: valid A, invalid, valid B. B is refused, and A, which
	 * was in the live table for a moment, is invalidated. */
	const struct step flicker[] = {
		{STEP_SET, 0x5000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE, 0},
		{STEP_FLAGS, 0, 0, AP_ATTR_VALID},
		{STEP_SET, 0x9000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE, 0},
	};
	struct script f = {flicker, 3, {0}, 0};
	recorder_reset(&l.rec);
	ck_assert_int_eq(modify_with(l.m, page, &f), AP_OK);
	ck_assert_int_eq(f.results[0], AP_OK);
	ck_assert_int_eq(f.results[1], AP_OK);
	ck_assert_int_eq(f.results[2], AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(l.rec.invalidation_count, 1);
	ck_assert_uint_eq(l.rec.invalidations[0].va, 0);
	ck_assert_uint_eq(l.rec.invalidations[0].asid, 7);
	ck_assert_uint_eq(l.rec.barrier_count, 1);

	/* Making an invalid entry valid once needs no invalidation. */
	const struct step make[] = {{STEP_SET, 0x5000, EL1_PAGE_FLAGS | AP_ATTR_TABLE_OR_PAGE, 0}};
	struct script mk = {make, 1, {0}, 0};
	recorder_reset(&l.rec);
	ck_assert_int_eq(modify_with(l.m, page, &mk), AP_OK);
	ck_assert_int_eq(mk.results[0], AP_OK);
	ck_assert_uint_eq(entry_at(l.m, 0).bits, a_page);
	ck_assert_uint_eq(l.rec.invalidation_count, 0);
	live_free(&l);
}
END_TEST

static Suite *callbacks_suite(void)
{
	Suite *s = suite_create("callbacks");
	TCase *encodings = tcase_create("encodings");
	tcase_add_loop_test(encodings, no_table_pointer_from_a_callback, 0, 3);
	tcase_add_test(encodings, no_level0_block_from_a_callback);
	tcase_add_test(encodings, no_reserved_encoding_from_a_callback);
	suite_add_tcase(s, encodings);
	TCase *live = tcase_create("live");
	tcase_add_test(live, live_modify_fails_whole);
	tcase_add_test(live, live_steps_cannot_get_around_bbm);
	suite_add_tcase(s, live);
	return s;
}

int main(void)
{
	return run_suite(callbacks_suite());
}
