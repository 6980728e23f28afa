/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Model-based random testing: random maps, unmaps, modifies and compactions
 * over a window of pages, checked after every step against a plain array
 * that says, per page, whether it is mapped, where, and with which flags.
 * Variants: a window across a 1 GiB boundary and one at the very top of an
 * upper-range table; EL1&0, EL2 and stage 2; with allocation failures (each
 * step is all or nothing); and live (each accepted step invalidates every
 * page whose valid mapping it changed; each refused one changes nothing).
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#define WINDOW_PAGES 2048u /* 8 MiB */
#define STEPS 80

typedef struct page_state {
	bool valid;
	ap_pa_t pa;
	ap_attrs_t flags;
} page_state_t;

typedef struct world {
	ap_regime_kind_t kind;
	uint64_t base; /* first address of the window */
	ap_mapping_t *m;
	test_alloc_t alloc;
	recorder_t rec;
	ap_regime_t *regime;
	page_state_t model[WINDOW_PAGES];
	uint64_t rng;
	bool live;
} world_t;

static uint64_t next_random(world_t *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static ap_attrs_t valid_bits(ap_regime_kind_t kind)
{
	if (kind == AP_REGIME_STAGE2)
		return AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_MEMATTR_NORMAL_INNER_WB |
		       AP_S2_MEMATTR_NORMAL_OUTER_WB | AP_S2_SH_INNER;
	return AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE;
}

/* Flags that may change on a live page (so live steps are often accepted),
 * and one that may not (so some are refused). */
static ap_attrs_t random_flags(world_t *w)
{
	uint64_t r = next_random(w);
	ap_attrs_t f = valid_bits(w->kind);
	if (w->kind == AP_REGIME_STAGE2) {
		f |= (r & 1) ? AP_S2_S2AP_ACCESS_RW : AP_S2_S2AP_ACCESS_RO;
		if (r & 2)
			f |= AP_S2_XN;
		if (r & 4)
			f |= AP_S2_SWFLAG_0;
		if ((r & 0x70) == 0x70)
			f ^= AP_S2_SH_INNER; /* shareability: needs BBM when live */
	} else {
		if (r & 1)
			f |= AP_EL1_READ_ONLY;
		if (r & 2)
			f |= AP_EL1_SWFLAG_0;
		if ((r & 0x70) == 0x70)
			f ^= AP_EL1_ATTRIBUTE_INDEX_1; /* memory type: needs BBM when live */
	}
	return f;
}

static void world_init(world_t *w, ap_regime_kind_t kind, bool upper, unsigned seed)
{
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->rng = 0x9e3779b97f4a7c15u ^ seed;
	w->base = upper ? (uint64_t)0 - WINDOW_PAGES * PAGE : BLOCK_L1 - WINDOW_PAGES * PAGE / 2;
	test_alloc_init(&w->alloc);
	w->regime = recording_regime(kind, &w->rec);
	bool asid = kind == AP_REGIME_EL1AND0;
	ap_mapping_options_t o = opts(w->regime, 1, asid ? 3 : 0, upper ? AP_VA_RANGE_UPPER : AP_VA_RANGE_LOWER);
	w->m = test_alloc_mapping(&w->alloc, &o);
}

static void world_free(world_t *w)
{
	if (w->live)
		ck_assert_int_eq(ap_mapping_mark_inactive(w->m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(w->m), AP_OK);
	ck_assert_uint_eq(w->alloc.allocations, w->alloc.frees);
	ck_assert_int_eq(ap_regime_destroy(w->regime), AP_OK);
}

/* Every page of the window translates as the model says. */
static void check_model(world_t *w)
{
	ap_translate_result_t t = {.size = sizeof(t)};
	for (unsigned i = 0; i < WINDOW_PAGES; i++) {
		uint64_t va = w->base + (uint64_t)i * PAGE + (i * 8 % PAGE);
		ap_status_t status = ap_mapping_translate(w->m, va, &t);
		const page_state_t *p = &w->model[i];
		if (!p->valid) {
			ck_assert_msg(status == AP_ERR_NOT_MAPPED, "page %u should be unmapped", i);
			continue;
		}
		ck_assert_msg(status == AP_OK, "page %u should be mapped", i);
		ck_assert_uint_eq(t.output_address, p->pa + (va & (PAGE - 1)));
		ck_assert_uint_eq(t.attributes & ~AP_ATTR_TABLE_OR_PAGE, p->flags);
	}
}

typedef struct step {
	ap_region_t region;
	unsigned first, count; /* pages of the window */
	int kind;              /* 0 map, 1 unmap, 2 modify, 3 compact */
	ap_pa_t pa;
	ap_attrs_t flags;
	ap_constraints_t constraints;
} step_t;

static step_t random_step(world_t *w)
{
	step_t s;
	memset(&s, 0, sizeof(s));
	uint64_t r = next_random(w);
	s.kind = (int)(r % 10 < 5 ? 0 : r % 10 < 7 ? 1 : r % 10 < 9 ? 2 : 3);
	/* Sizes from one page to a few 2 MiB blocks, often block-aligned. */
	unsigned count = 1 + (unsigned)(next_random(w) % (r & 0x100 ? 8 : 1536));
	unsigned first = (unsigned)(next_random(w) % WINDOW_PAGES);
	if (r & 0x200)
		first &= ~511u;
	if (first + count > WINDOW_PAGES)
		count = WINDOW_PAGES - first;
	s.first = first;
	s.count = count;
	s.region = RS(w->base + (uint64_t)first * PAGE, (uint64_t)count * PAGE);
	/* Output addresses aligned like the input about half the time, so
	 * blocks get used. */
	uint64_t shift = (r & 0x400) ? (next_random(w) % 64) * PAGE : 0;
	s.pa = (UINT64_C(0x80000000) + (uint64_t)first * PAGE + shift) & ((UINT64_C(1) << 40) - 1);
	s.flags = random_flags(w);
	s.constraints = (r & 0x800) ? AP_CONSTRAINT_NO_BLOCK_MAPPINGS : 0;
	return s;
}

static ap_attrs_t swflag(ap_regime_kind_t kind)
{
	return kind == AP_REGIME_STAGE2 ? AP_S2_SWFLAG_1 : AP_EL1_SWFLAG_1;
}

static int set_swflag_if_valid(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)r;
	const world_t *w = ctx;
	if (!ap_descriptor_is_valid(d))
		return 0;
	return ap_descriptor_modify_flags(d, swflag(w->kind), 0) != AP_OK;
}

static ap_status_t apply(world_t *w, const step_t *s)
{
	switch (s->kind) {
	case 0:
		return ap_mapping_map(w->m, &s->region, s->pa, s->flags, s->constraints, NULL);
	case 1:
		return ap_mapping_unmap(w->m, &s->region, NULL);
	case 2:
		return ap_mapping_modify(w->m, &s->region, set_swflag_if_valid, w, NULL);
	default:
		return ap_mapping_compact(w->m);
	}
}

static void update_model(world_t *w, const step_t *s)
{
	for (unsigned i = s->first; s->kind != 3 && i < s->first + s->count; i++) {
		page_state_t *p = &w->model[i];
		if (s->kind == 0) {
			p->valid = true;
			p->pa = s->pa + (uint64_t)(i - s->first) * PAGE;
			p->flags = s->flags;
		} else if (s->kind == 1) {
			p->valid = false;
		} else if (p->valid) {
			p->flags |= swflag(w->kind);
		}
	}
}

/* Whether some recorded invalidation covers va. */
static bool invalidated(const world_t *w, uint64_t va)
{
	for (size_t i = 0; i < w->rec.invalidation_count && i < RECORDER_MAX; i++) {
		const ap_invalidation_t *inv = &w->rec.invalidations[i];
		uint64_t size = AP_GRANULE_AT_LEVEL(inv->level);
		if ((va & ~(size - 1)) == (inv->va & ~(size - 1)))
			return true;
	}
	return false;
}

static void run_steps(world_t *w, int steps)
{
	static page_state_t before[WINDOW_PAGES];
	for (int n = 0; n < steps; n++) {
		step_t s = random_step(w);
		memcpy(before, w->model, sizeof(before));
		/* Only steps that may fail need the tables' bytes to compare. */
		bool may_fail = w->live || w->alloc.fail_every > 0;
		table_snapshot_t snap = {0, NULL, NULL};
		if (may_fail)
			snap = snapshot_tables(&w->alloc);
		recorder_reset(&w->rec);
		ap_status_t status = apply(w, &s);
		if (status == AP_OK) {
			update_model(w, &s);
			if (w->live) {
				/* A page whose valid mapping changed must have left the TLB. */
				for (unsigned i = s.first; i < s.first + s.count; i++) {
					const page_state_t *o = &before[i], *p = &w->model[i];
					bool changed = o->valid && (!p->valid || o->pa != p->pa || o->flags != p->flags);
					if (changed)
						ck_assert_msg(invalidated(w, w->base + (uint64_t)i * PAGE),
							      "step %d: page %u changed without invalidation", n, i);
				}
			}
		} else {
			/* Out of tables, or refused on a live table: nothing changed. */
			ck_assert_msg(may_fail && (status == AP_ERR_NO_MEMORY ||
						   (w->live && status == AP_ERR_BREAK_BEFORE_MAKE)),
				      "step %d (kind %d) failed: %s", n, s.kind, ap_strerror(status));
			table_snapshot_t after = snapshot_tables(&w->alloc);
			ck_assert(snapshots_equal(&snap, &after));
			snapshot_free(&after);
		}
		snapshot_free(&snap);
		check_model(w);
	}
}

static const struct variant {
	ap_regime_kind_t kind;
	bool upper;
} variants[] = {
	{AP_REGIME_EL1AND0, false},
	{AP_REGIME_EL1AND0, true},
	{AP_REGIME_EL2, false},
	{AP_REGIME_STAGE2, false},
};

START_TEST(random_steps_match_the_model)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, variants[_i].kind, variants[_i].upper, (unsigned)_i);
	run_steps(w, STEPS);
	world_free(w);
	free(w);
}
END_TEST

START_TEST(random_steps_with_allocation_failures)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, variants[_i].kind, variants[_i].upper, 100u + (unsigned)_i);
	w->alloc.fail_every = 3 + _i * 2;
	run_steps(w, STEPS);
	world_free(w);
	free(w);
}
END_TEST

START_TEST(random_live_steps)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, variants[_i].kind, variants[_i].upper, 200u + (unsigned)_i);
	run_steps(w, STEPS / 3); /* something to change first */
	ck_assert_int_eq(ap_mapping_mark_active(w->m), AP_OK);
	w->live = true;
	run_steps(w, STEPS);
	world_free(w);
	free(w);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("random");
	tcase_set_timeout(tc, 300);
	int n = (int)(sizeof(variants) / sizeof(variants[0]));
	tcase_add_loop_test(tc, random_steps_match_the_model, 0, n);
	tcase_add_loop_test(tc, random_steps_with_allocation_failures, 0, n);
	tcase_add_loop_test(tc, random_live_steps, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(model_suite());
}
