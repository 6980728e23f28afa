/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Model-based random testing: random maps, unmaps, modifies and compactions
 * over a window of pages, checked after every step against a model that
 * says, per page, whether it is mapped, where, and with which flags, and,
 * per table entry, whether it is empty, a block or a table.
 *
 * The model predicts each step's outcome instead of accepting whatever the
 * library says: how many tables it needs (only those steps may fail with
 * AP_ERR_NO_MEMORY, and no more allocations may be attempted), whether
 * break-before-make refuses it on a live mapping (all other live steps must
 * succeed), the level of every page's final descriptor (blocks where the
 * request and alignment allow them), and which tables it frees. On a live
 * mapping every valid descriptor that changed must be invalidated (LEAF at
 * its level, TABLE over the whole range of a removed subtable, with the
 * mapping's ASID), nothing else may be, a barrier must follow, and no table
 * may be freed before its invalidation has been waited for.
 *
 * The window is four level-2 entries wide, so its size follows the granule
 * (8 MiB with 4 KiB pages, 128 MiB with 16 KiB, 2 GiB with 64 KiB). It lies
 * across a level-1 boundary (or, with the root at level 2, in the middle of
 * the space), or at the very top of an upper range.
 *
 * Variants: a matrix of granule x regime x input size (roots at levels 0, 1
 * and 2, small top-level tables and concatenated stage 2 roots), each with
 * and without allocation failures, and live. AP_MODEL_STEPS in the
 * environment sets the step count (default 80).
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#define WINDOW_L2 4u /* level-2 entries in the window */
#define WINDOW_L1 2u /* level-1 entries it may touch */
#define STEPS 80
#define MAX_REMOVED (WINDOW_L2 + WINDOW_L1 + 1)

typedef struct page_state {
	bool valid;
	ap_pa_t pa;
	ap_attrs_t flags;
} page_state_t;

/* What a level-2 entry of the window holds. Invalid entries are all zero:
 * the steps never write invalid descriptors with attribute bits. */
typedef enum entry_kind { ENTRY_EMPTY, ENTRY_BLOCK, ENTRY_TABLE } entry_kind_t;

/* The shape of the hierarchy over the window. The window never covers a
 * whole level-1 entry, so those are empty or tables; with the root at
 * level 0, so is the one level-0 entry above them. With the root at level
 * 2 the level-1 "entries" are the root itself: always there. */
typedef struct shape {
	bool l0_table;
	bool l1_table[WINDOW_L1];
	entry_kind_t l2[WINDOW_L2];
} shape_t;

/* One combination of the matrix. */
typedef struct variant {
	ap_regime_kind_t kind;
	bool upper;
	ap_granule_t granule;
	unsigned input_bits; /* 0: the old rule with root level 1 (4 KiB, 39 bits) */
	unsigned max_root_tables;
	unsigned root_level; /* what the library must choose */
} variant_t;

typedef struct world {
	ap_regime_kind_t kind;
	unsigned root_level;
	uint64_t page, block_l2, block_l1, block_l0; /* bytes an entry maps per level */
	unsigned ppl2;         /* pages per level-2 entry */
	unsigned window_pages; /* WINDOW_L2 * ppl2 */
	uint64_t base; /* first address of the window */
	ap_mapping_t *m;
	test_alloc_t alloc;
	recorder_t rec; /* hooks, and 'F' for every free_table, in one event log */
	ap_regime_t *regime;
	page_state_t *model; /* window_pages of them */
	page_state_t *before;
	bool *covered;
	shape_t shape;
	uint16_t asid;
	ap_va_range_t va_range;
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

/* The model's own break-before-make rule for the bits the steps vary:
 * permissions, execute-never and software flags may change on a live valid
 * descriptor; memory type and shareability may not. */
static bool live_change_ok(ap_regime_kind_t kind, ap_attrs_t old_flags, ap_attrs_t new_flags)
{
	ap_attrs_t may_change;
	if (kind == AP_REGIME_STAGE2)
		may_change = AP_S2_S2AP_ACCESS_RW | AP_S2_XN | AP_S2_SWFLAG_0 | AP_S2_SWFLAG_1;
	else
		may_change = AP_EL1_READ_ONLY | AP_EL1_SWFLAG_0 | AP_EL1_SWFLAG_1;
	return ((old_flags ^ new_flags) & ~may_change) == 0;
}

/* ---- A translation over the test_alloc that logs every free ---- */

static void *world_allocate(void *ctx, ap_pa_t *pa)
{
	world_t *w = ctx;
	return test_alloc_ops()->allocate_table(&w->alloc, pa);
}

static void world_free_table(void *ctx, void *table, ap_pa_t pa)
{
	world_t *w = ctx;
	if (w->rec.event_count < RECORDER_MAX)
		w->rec.events[w->rec.event_count++] = 'F';
	test_alloc_ops()->free_table(&w->alloc, table, pa);
}

static void *world_p2v(void *ctx, ap_pa_t pa)
{
	world_t *w = ctx;
	return test_alloc_ops()->physical_to_virtual(&w->alloc, pa);
}

static void *world_allocate_tables(void *ctx, size_t bytes, ap_pa_t *pa)
{
	world_t *w = ctx;
	return test_alloc_ops()->allocate_tables(&w->alloc, bytes, pa);
}

static void world_free_tables(void *ctx, void *table, ap_pa_t pa, size_t bytes)
{
	world_t *w = ctx;
	if (w->rec.event_count < RECORDER_MAX)
		w->rec.events[w->rec.event_count++] = 'F';
	test_alloc_ops()->free_tables(&w->alloc, table, pa, bytes);
}

static const ap_translation_ops_t world_ops = {
	sizeof(ap_translation_ops_t), world_allocate,	     world_free_table,
	world_p2v,		      world_allocate_tables, world_free_tables,
};

static unsigned page_shift_of(ap_granule_t granule)
{
	return granule == AP_GRANULE_4K ? 12 : granule == AP_GRANULE_16K ? 14 : 16;
}

static void world_init(world_t *w, const variant_t *v, unsigned seed)
{
	memset(w, 0, sizeof(*w));
	w->kind = v->kind;
	w->rng = 0x9e3779b97f4a7c15u ^ seed;
	unsigned shift = page_shift_of(v->granule), bits = shift - 3;
	w->page = (uint64_t)1 << shift;
	w->block_l2 = w->page << bits;
	w->block_l1 = w->block_l2 << bits;
	w->block_l0 = w->block_l1 << bits;
	w->ppl2 = 1u << bits;
	w->window_pages = WINDOW_L2 * w->ppl2;
	w->root_level = v->input_bits ? v->root_level : 1;
	uint64_t window = (uint64_t)w->window_pages * w->page;
	uint64_t space = (uint64_t)1 << (v->input_bits ? v->input_bits : 39);
	if (v->upper)
		w->base = (uint64_t)0 - window;
	else if (w->root_level <= 1)
		w->base = w->block_l1 - window / 2; /* across a level-1 boundary */
	else
		w->base = space / 2 - window / 2;
	w->model = calloc(w->window_pages, sizeof(page_state_t));
	w->before = calloc(w->window_pages, sizeof(page_state_t));
	w->covered = calloc(w->window_pages, sizeof(bool));
	ck_assert(w->model && w->before && w->covered);
	/* A root at level 2 is the level-1 "table" of both entries. */
	for (unsigned k = 0; k < WINDOW_L1; k++)
		w->shape.l1_table[k] = w->root_level == 2;
	test_alloc_init(&w->alloc);
	w->regime = recording_regime(v->kind, &w->rec);
	bool asid = v->kind == AP_REGIME_EL1AND0 || v->kind == AP_REGIME_EL2AND0;
	w->asid = asid ? 3 : 0;
	w->va_range = v->upper ? AP_VA_RANGE_UPPER : AP_VA_RANGE_LOWER;
	ap_mapping_options_t o = v->input_bits
		? granule_opts(w->regime, v->granule, v->input_bits, w->asid, w->va_range)
		: opts(w->regime, 1, w->asid, w->va_range);
	o.max_root_tables = v->max_root_tables;
	ck_assert_int_eq(ap_mapping_create(&o, &world_ops, w, &w->m), AP_OK);
	unsigned root_level;
	ck_assert_int_eq(ap_mapping_root_level(w->m, &root_level), AP_OK);
	ck_assert_uint_eq(root_level, w->root_level);
}

static void world_free(world_t *w)
{
	if (w->live)
		ck_assert_int_eq(ap_mapping_mark_inactive(w->m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(w->m), AP_OK);
	ck_assert_uint_eq(w->alloc.allocations, w->alloc.frees);
	ck_assert_int_eq(ap_regime_destroy(w->regime), AP_OK);
	free(w->model);
	free(w->before);
	free(w->covered);
}

/* ---- Geometry of the window ---- */

static uint64_t page_va(const world_t *w, unsigned i)
{
	return w->base + (uint64_t)i * w->page;
}

static unsigned l1_of(const world_t *w, unsigned l2)
{
	return (unsigned)((w->base + (uint64_t)l2 * w->block_l2) / w->block_l1 -
			  w->base / w->block_l1);
}

/* Bytes an entry at level maps. */
static uint64_t entry_bytes(const world_t *w, unsigned level)
{
	const uint64_t sizes[] = {w->block_l0, w->block_l1, w->block_l2, w->page};
	return sizes[level];
}

/* The level of the descriptor a walk of page i ends at. */
static unsigned model_level(const world_t *w, unsigned i)
{
	unsigned j = i / w->ppl2;
	if (w->root_level == 0 && !w->shape.l0_table)
		return 0;
	if (!w->shape.l1_table[l1_of(w, j)])
		return 1;
	return w->shape.l2[j] == ENTRY_TABLE ? 3 : 2;
}

/* Every page of the window translates as the model says, ending at the
 * level the model says (so lost or spurious blocks and tables show). */
static void check_model(world_t *w, int step)
{
	ap_translate_result_t t = {.size = sizeof(t)};
	for (unsigned i = 0; i < w->window_pages; i++) {
		uint64_t va = page_va(w, i) + (i * 8 % w->page);
		ap_status_t status = ap_mapping_translate(w->m, va, &t);
		const page_state_t *p = &w->model[i];
		unsigned level = model_level(w, i);
		if (!p->valid) {
			ck_assert_msg(status == AP_ERR_NOT_MAPPED, "step %d: page %u should be unmapped",
				      step, i);
		} else {
			ck_assert_msg(status == AP_OK, "step %d: page %u should be mapped", step, i);
			ck_assert_uint_eq(t.output_address, p->pa + (va & (w->page - 1)));
			ck_assert_uint_eq(t.attributes & ~AP_ATTR_TABLE_OR_PAGE, p->flags);
		}
		ck_assert_msg(t.level == level, "step %d: page %u ends at level %u, model says %u",
			      step, i, t.level, level);
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
	/* Sizes from one page to a few level-2 blocks, often block-aligned. */
	unsigned count = 1 + (unsigned)(next_random(w) % (r & 0x100 ? 8 : 3 * w->ppl2));
	unsigned first = (unsigned)(next_random(w) % w->window_pages);
	if (r & 0x200)
		first &= ~(w->ppl2 - 1);
	if (first + count > w->window_pages)
		count = w->window_pages - first;
	s.first = first;
	s.count = count;
	s.region = RS(w->base + (uint64_t)first * w->page, (uint64_t)count * w->page);
	/* Output addresses aligned like the input about half the time, so
	 * blocks get used. */
	uint64_t shift = (r & 0x400) ? (next_random(w) % 64) * w->page : 0;
	s.pa = (UINT64_C(0x80000000) + (uint64_t)first * w->page + shift) &
	       ((UINT64_C(1) << 40) - 1);
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

/* ---- The model's prediction of one step ---- */

typedef struct removed_table {
	unsigned level; /* of the descriptor that pointed to it */
	uint64_t start, size;
} removed_table_t;

typedef struct outcome {
	bool refused;          /* break-before-make on a live mapping */
	unsigned tables;       /* tables the step must allocate */
	unsigned removed_count; /* subtables it unlinks and frees (one table each) */
	removed_table_t removed[MAX_REMOVED];
} outcome_t;

static void remove_table(outcome_t *o, unsigned level, uint64_t start, uint64_t size)
{
	ck_assert_uint_lt(o->removed_count, MAX_REMOVED);
	o->removed[o->removed_count].level = level;
	o->removed[o->removed_count].start = start;
	o->removed[o->removed_count].size = size;
	o->removed_count++;
}

/* A page write at level 3, or one block's worth of pages: refused on a
 * live mapping when a valid page changes its address or a forbidden bit. */
static void write_pages(const world_t *w, page_state_t *pages, unsigned a, unsigned b,
			const step_t *s, outcome_t *o)
{
	for (unsigned i = a; i <= b; i++) {
		page_state_t *p = &pages[i];
		ap_pa_t pa = s->pa + (uint64_t)(i - s->first) * w->page;
		if (s->kind == 1) {
			p->valid = false;
			continue;
		}
		if (s->kind == 2) {
			if (p->valid)
				p->flags |= swflag(w->kind);
			continue;
		}
		if (w->live && p->valid && (p->pa != pa || !live_change_ok(w->kind, p->flags, s->flags)))
			o->refused = true;
		p->valid = true;
		p->pa = pa;
		p->flags = s->flags;
	}
}

/* Runs step s on the model: pages and shape are updated in place (the
 * caller throws them away if the step is refused or fails). */
static void simulate(const world_t *w, const step_t *s, page_state_t *pages, shape_t *sh,
		     outcome_t *o)
{
	memset(o, 0, sizeof(*o));
	if (s->kind == 3) {
		bool all_empty = true;
		for (unsigned k = 0; k < WINDOW_L1; k++) {
			if (!sh->l1_table[k])
				continue;
			bool empty = true;
			for (unsigned j = 0; j < WINDOW_L2; j++) {
				if (l1_of(w, j) != k)
					continue;
				if (sh->l2[j] == ENTRY_TABLE) {
					bool any = false;
					for (unsigned i = j * w->ppl2; i < (j + 1) * w->ppl2; i++)
						any |= pages[i].valid;
					if (!any) {
						sh->l2[j] = ENTRY_EMPTY;
						remove_table(o, 2, page_va(w, j * w->ppl2), w->block_l2);
					}
				}
				if (sh->l2[j] != ENTRY_EMPTY)
					empty = false;
			}
			if (empty && w->root_level < 2) {
				sh->l1_table[k] = false;
				uint64_t some = page_va(w, 0) + (uint64_t)k * w->block_l1;
				remove_table(o, 1, some & ~(w->block_l1 - 1), w->block_l1);
			}
			all_empty &= !sh->l1_table[k];
		}
		if (w->root_level == 0 && sh->l0_table && all_empty) {
			sh->l0_table = false;
			remove_table(o, 0, w->base & ~(w->block_l0 - 1), w->block_l0);
		}
		return;
	}
	unsigned last = s->first + s->count - 1;
	for (unsigned j = s->first / w->ppl2; j <= last / w->ppl2; j++) {
		unsigned lo = j * w->ppl2, hi = lo + w->ppl2 - 1;
		unsigned a = s->first > lo ? s->first : lo, b = last < hi ? last : hi;
		bool full = a == lo && b == hi;
		unsigned k = l1_of(w, j);
		entry_kind_t *e = &sh->l2[j];
		if (!sh->l1_table[k]) {
			if (s->kind == 1)
				continue; /* nothing to unmap */
			/* A map or modify splits the empty level-0 entry (a root
			 * at level 0) and the empty level-1 entry. */
			if (w->root_level == 0 && !sh->l0_table) {
				sh->l0_table = true;
				o->tables++;
			}
			sh->l1_table[k] = true;
			o->tables++;
		}
		ap_pa_t pa = s->pa + (uint64_t)(a - s->first) * w->page;
		if (*e == ENTRY_TABLE) {
			if (s->kind == 1 && full) {
				/* The whole subtable goes. */
				*e = ENTRY_EMPTY;
				remove_table(o, 2, page_va(w, lo), w->block_l2);
			}
			write_pages(w, pages, a, b, s, o);
			continue;
		}
		if (s->kind == 0) {
			bool block_ok = full && !(s->constraints & AP_CONSTRAINT_NO_BLOCK_MAPPINGS) &&
					(pa & (w->block_l2 - 1)) == 0;
			if (*e == ENTRY_BLOCK && pages[a].pa == pa && pages[a].flags == s->flags)
				continue; /* the same block already: left alone */
			if (block_ok) {
				*e = ENTRY_BLOCK;
				write_pages(w, pages, lo, hi, s, o);
				continue;
			}
		} else if (s->kind == 1) {
			if (*e == ENTRY_EMPTY)
				continue;
			if (full) {
				*e = ENTRY_EMPTY;
				write_pages(w, pages, lo, hi, s, o);
				continue;
			}
		} else if (full) {
			/* A modify of a whole entry calls back on the entry itself. */
			write_pages(w, pages, lo, hi, s, o);
			continue;
		} else if (w->live && *e == ENTRY_BLOCK && (pages[lo].flags & swflag(w->kind))) {
			/* The dry run leaves a live block that has the flag
			 * already alone: nothing to split, nothing refused. */
			continue;
		}
		/* Split: a live valid block may never be. */
		if (w->live && *e == ENTRY_BLOCK)
			o->refused = true;
		*e = ENTRY_TABLE;
		o->tables++;
		write_pages(w, pages, a, b, s, o);
	}
}

/* ---- Checks of the recorded maintenance ---- */

static bool leaf_covers(const world_t *w, const ap_invalidation_t *inv, uint64_t va,
			unsigned level)
{
	uint64_t size = entry_bytes(w, level);
	return inv->kind == AP_INVALIDATE_LEAF && inv->level == level && inv->range_size == size &&
	       inv->range_start == (va & ~(size - 1)) && (inv->va & ~(size - 1)) == inv->range_start;
}

static bool table_covers(const ap_invalidation_t *inv, uint64_t va)
{
	return inv->kind == AP_INVALIDATE_TABLE && va - inv->range_start < inv->range_size;
}

/* Whether page i changed in a way the TLB can see: it was valid and is now
 * gone, elsewhere, or has other attributes, or its descriptor's level
 * changed. */
static bool page_changed(const page_state_t *o, const page_state_t *p, unsigned old_level,
			 unsigned new_level)
{
	return o->valid && (!p->valid || o->pa != p->pa || o->flags != p->flags || old_level != new_level);
}

static void check_maintenance(const world_t *w, int n, const page_state_t *before,
			      const shape_t *shape_before, const outcome_t *o)
{
	const recorder_t *rec = &w->rec;
	ck_assert_uint_le(rec->invalidation_count, RECORDER_MAX);
	ck_assert_uint_lt(rec->event_count, RECORDER_MAX);
	shape_t now = w->shape;

	/* Every invalidation names this mapping. */
	for (size_t k = 0; k < rec->invalidation_count; k++) {
		const ap_invalidation_t *inv = &rec->invalidations[k];
		ck_assert_msg(inv->asid == w->asid && inv->va_range == w->va_range,
			      "step %d: invalidation %zu has asid %u, range %d", n, k, inv->asid,
			      inv->va_range);
		ck_assert_msg(inv->size >= sizeof(ap_invalidation_t), "step %d: old-size invalidation", n);
		ck_assert_msg((uint64_t)1 << page_shift_of(inv->granule) == w->page,
			      "step %d: invalidation %zu names granule %d", n, k, inv->granule);
	}
	/* Every removed subtable: one TABLE invalidation of exactly its range. */
	for (unsigned r = 0; r < o->removed_count; r++) {
		const removed_table_t *t = &o->removed[r];
		bool found = false;
		for (size_t k = 0; k < rec->invalidation_count && !found; k++) {
			const ap_invalidation_t *inv = &rec->invalidations[k];
			found = inv->kind == AP_INVALIDATE_TABLE && inv->level == t->level &&
				inv->range_start == t->start && inv->range_size == t->size;
		}
		ck_assert_msg(found, "step %d: no TABLE invalidation of the level-%u table at 0x%llx", n,
			      t->level, (unsigned long long)t->start);
	}
	/* Every page whose valid mapping changed: a LEAF invalidation at the
	 * level it was mapped at, or a TABLE one over it. Pages are marked
	 * covered first, so the check stays linear in the invalidations. */
	bool *covered = w->covered;
	const uint64_t window_bytes = (uint64_t)w->window_pages * w->page;
	memset(covered, 0, w->window_pages * sizeof(bool));
	for (size_t k = 0; k < rec->invalidation_count; k++) {
		const ap_invalidation_t *inv = &rec->invalidations[k];
		unsigned lo = 0, hi = w->window_pages - 1;
		if (inv->kind == AP_INVALIDATE_LEAF) {
			if (inv->va - w->base >= window_bytes)
				continue;
			lo = hi = (unsigned)((inv->va - w->base) / w->page);
			if (inv->level == 2) {
				lo &= ~(w->ppl2 - 1);
				hi = lo + w->ppl2 - 1;
			}
		}
		for (unsigned i = lo; i <= hi; i++) {
			unsigned old_level = shape_before->l2[i / w->ppl2] == ENTRY_TABLE ? 3 : 2;
			covered[i] |= leaf_covers(w, inv, page_va(w, i), old_level) ||
				      table_covers(inv, page_va(w, i));
		}
	}
	for (unsigned i = 0; i < w->window_pages; i++) {
		unsigned j = i / w->ppl2;
		unsigned old_level = shape_before->l2[j] == ENTRY_TABLE ? 3 : 2;
		unsigned new_level = now.l2[j] == ENTRY_TABLE ? 3 : 2;
		ck_assert_msg(covered[i] || !page_changed(&before[i], &w->model[i], old_level, new_level),
			      "step %d: page %u (0x%llx) changed without invalidation", n, i,
			      (unsigned long long)page_va(w, i));
	}
	/* And nothing else: each LEAF invalidation is for a changed page at
	 * its level, each TABLE one for a removed subtable. */
	for (size_t k = 0; k < rec->invalidation_count; k++) {
		const ap_invalidation_t *inv = &rec->invalidations[k];
		bool justified = false;
		if (inv->kind == AP_INVALIDATE_TABLE) {
			for (unsigned r = 0; r < o->removed_count && !justified; r++)
				justified = inv->level == o->removed[r].level &&
					    inv->range_start == o->removed[r].start &&
					    inv->range_size == o->removed[r].size;
		} else if (inv->va - w->base < window_bytes) {
			unsigned i = (unsigned)((inv->va - w->base) / w->page);
			unsigned lo = inv->level == 3 ? i : i & ~(w->ppl2 - 1);
			unsigned hi = inv->level == 3 ? i : lo + w->ppl2 - 1;
			for (unsigned p = lo; p <= hi && !justified; p++) {
				unsigned j = p / w->ppl2;
				unsigned old_level = shape_before->l2[j] == ENTRY_TABLE ? 3 : 2;
				unsigned new_level = now.l2[j] == ENTRY_TABLE ? 3 : 2;
				justified = old_level == inv->level &&
					    page_changed(&before[p], &w->model[p], old_level, new_level);
			}
		}
		ck_assert_msg(justified, "step %d: needless %s invalidation %zu at 0x%llx level %u", n,
			      inv->kind == AP_INVALIDATE_TABLE ? "TABLE" : "LEAF", k,
			      (unsigned long long)inv->va, inv->level);
	}
	/* Order: each free comes after a TABLE invalidation of its own that a
	 * barrier has already waited for; the step ends with no invalidation
	 * left unwaited. */
	size_t pending = 0, pending_tables = 0, waited_tables = 0, frees = 0, invs = 0;
	for (size_t e = 0; e < rec->event_count; e++) {
		switch (rec->events[e]) {
		case 'I':
			pending++;
			if (rec->invalidations[invs].kind == AP_INVALIDATE_TABLE)
				pending_tables++;
			invs++;
			break;
		case 'B':
			pending = 0;
			waited_tables += pending_tables;
			pending_tables = 0;
			break;
		case 'F':
			frees++;
			ck_assert_msg(waited_tables >= frees,
				      "step %d: table freed before its invalidation was waited for", n);
			break;
		default:
			ck_abort_msg("step %d: unexpected hook event %c", n, rec->events[e]);
		}
	}
	ck_assert_msg(pending == 0, "step %d: invalidations without a barrier after them", n);
}

static unsigned steps_from_environment(void)
{
	const char *text = getenv("AP_MODEL_STEPS");
	if (!text || !*text)
		return STEPS;
	char *end = NULL;
	unsigned long n = strtoul(text, &end, 10);
	ck_assert_msg(*end == '\0' && n > 0 && n < 1000000, "bad AP_MODEL_STEPS: %s", text);
	return (unsigned)n;
}

static unsigned count_events(const recorder_t *rec, char event)
{
	unsigned n = 0;
	for (size_t e = 0; e < rec->event_count; e++)
		n += rec->events[e] == event;
	return n;
}

static void run_steps(world_t *w, unsigned steps)
{
	page_state_t *before = w->before;
	const size_t model_bytes = w->window_pages * sizeof(page_state_t);
	for (unsigned n = 0; n < steps; n++) {
		step_t s = random_step(w);
		memcpy(before, w->model, model_bytes);
		shape_t shape_before = w->shape;
		outcome_t o;
		simulate(w, &s, w->model, &w->shape, &o);
		/* Only steps that may fail need the tables' bytes to compare. */
		bool may_fail = o.refused || (w->alloc.fail_every > 0 && o.tables > 0);
		table_snapshot_t snap = {0, 0, NULL, NULL};
		if (may_fail)
			snap = snapshot_tables(&w->alloc);
		recorder_reset(&w->rec);
		size_t allocations = w->alloc.allocations, calls = w->alloc.calls, frees = w->alloc.frees;
		ap_status_t status = apply(w, &s);
		ck_assert_msg(w->alloc.calls - calls <= o.tables,
			      "step %d (kind %d): %zu allocation attempts, the model needs %u tables",
			      (int)n, s.kind, w->alloc.calls - calls, o.tables);
		if (o.refused) {
			ck_assert_msg(status == AP_ERR_BREAK_BEFORE_MAKE,
				      "step %u (kind %d): should be refused (BBM), got %s", n, s.kind,
				      ap_strerror(status));
		} else if (status == AP_ERR_NO_MEMORY) {
			ck_assert_msg(w->alloc.fail_every > 0 && o.tables > 0 &&
					      w->alloc.calls - calls > w->alloc.allocations - allocations,
				      "step %u (kind %d): NO_MEMORY, needing %u tables with no failed allocation",
				      n, s.kind, o.tables);
		} else {
			ck_assert_msg(status == AP_OK, "step %u (kind %d, pages %u+%u) failed: %s", n, s.kind,
				      s.first, s.count, ap_strerror(status));
		}
		if (status == AP_OK) {
			ck_assert_msg(w->alloc.allocations - allocations == o.tables,
				      "step %u (kind %d): %zu tables allocated, the model needs %u", n, s.kind,
				      w->alloc.allocations - allocations, o.tables);
			ck_assert_msg(w->alloc.frees - frees == o.removed_count,
				      "step %u (kind %d): %zu tables freed, the model removes %u", n, s.kind,
				      w->alloc.frees - frees, o.removed_count);
			if (w->live)
				check_maintenance(w, (int)n, before, &shape_before, &o);
			else
				ck_assert_msg(w->rec.invalidation_count == 0 && w->rec.barrier_count == 0,
					      "step %u: maintenance on an inactive mapping", n);
		} else {
			/* Refused or out of tables: nothing changed, nothing invalidated. */
			memcpy(w->model, before, model_bytes);
			w->shape = shape_before;
			table_snapshot_t after = snapshot_tables(&w->alloc);
			ck_assert(snapshots_equal(&snap, &after));
			snapshot_free(&after);
			ck_assert_uint_eq(w->alloc.allocations - allocations, w->alloc.frees - frees);
			/* The only frees are of tables it allocated in vain. */
			ck_assert_msg(w->rec.invalidation_count == 0 && w->rec.barrier_count == 0 &&
					      count_events(&w->rec, 'F') == w->alloc.frees - frees,
				      "step %u: a failed step did maintenance", n);
		}
		snapshot_free(&snap);
		check_model(w, (int)n);
	}
}

/* Granule x regime x input size. The first four are the 4 KiB variants
 * of before granules could be chosen (root level 1 by the old rule). */
static const variant_t variants[] = {
	{AP_REGIME_EL1AND0, false, AP_GRANULE_4K, 0, 0, 1},
	{AP_REGIME_EL1AND0, true, AP_GRANULE_4K, 0, 0, 1},
	{AP_REGIME_EL2, false, AP_GRANULE_4K, 0, 0, 1},
	{AP_REGIME_STAGE2, false, AP_GRANULE_4K, 0, 0, 1},
	{AP_REGIME_EL1AND0, false, AP_GRANULE_4K, 48, 0, 0},
	{AP_REGIME_EL2AND0, true, AP_GRANULE_4K, 36, 0, 1},  /* 64-entry root */
	{AP_REGIME_STAGE2, false, AP_GRANULE_4K, 40, 0, 1},  /* 2 concatenated tables */
	{AP_REGIME_EL3, false, AP_GRANULE_4K, 30, 0, 2},
	{AP_REGIME_EL1AND0, false, AP_GRANULE_16K, 48, 0, 0}, /* 2-entry level 0 */
	{AP_REGIME_EL1AND0, true, AP_GRANULE_16K, 47, 0, 1},
	{AP_REGIME_EL2, false, AP_GRANULE_16K, 36, 0, 2},
	{AP_REGIME_EL3, false, AP_GRANULE_16K, 40, 0, 1},     /* 16-entry root */
	{AP_REGIME_STAGE2, false, AP_GRANULE_16K, 40, 0, 2},  /* 16 concatenated tables */
	{AP_REGIME_STAGE2, false, AP_GRANULE_16K, 40, 1, 1},  /* no concatenation */
	{AP_REGIME_EL1AND0, false, AP_GRANULE_64K, 48, 0, 1}, /* 64-entry level 1 */
	{AP_REGIME_EL1AND0, true, AP_GRANULE_64K, 42, 0, 2},
	{AP_REGIME_EL2AND0, false, AP_GRANULE_64K, 44, 0, 1}, /* 4-entry level 1 */
	{AP_REGIME_STAGE2, false, AP_GRANULE_64K, 44, 0, 2},  /* 4 concatenated tables */
	{AP_REGIME_EL2, false, AP_GRANULE_64K, 36, 0, 2},
};

START_TEST(random_steps_match_the_model)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, &variants[_i], (unsigned)_i);
	run_steps(w, steps_from_environment());
	world_free(w);
	free(w);
}
END_TEST

START_TEST(random_steps_with_allocation_failures)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, &variants[_i], 100u + (unsigned)_i);
	w->alloc.fail_every = 3 + _i * 2;
	run_steps(w, steps_from_environment());
	world_free(w);
	free(w);
}
END_TEST

START_TEST(random_live_steps)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, &variants[_i], 200u + (unsigned)_i);
	unsigned steps = steps_from_environment();
	run_steps(w, steps / 3 + 1); /* something to change first */
	ck_assert_int_eq(ap_mapping_mark_active(w->m), AP_OK);
	w->live = true;
	run_steps(w, steps);
	world_free(w);
	free(w);
}
END_TEST

/* Live and short of tables: a refusal must come before any allocation. */
START_TEST(random_live_steps_with_allocation_failures)
{
	world_t *w = malloc(sizeof(*w));
	ck_assert_ptr_nonnull(w);
	world_init(w, &variants[_i], 300u + (unsigned)_i);
	unsigned steps = steps_from_environment();
	run_steps(w, steps / 3 + 1);
	ck_assert_int_eq(ap_mapping_mark_active(w->m), AP_OK);
	w->live = true;
	w->alloc.fail_every = 2 + _i;
	run_steps(w, steps / 2 + 1);
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
	tcase_add_loop_test(tc, random_live_steps_with_allocation_failures, 0, n);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(model_suite());
}
