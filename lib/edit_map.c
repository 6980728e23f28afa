/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Map and unmap: one decision per entry (map_action), a plan visitor that
 * checks and counts, and an apply visitor that writes.
 */
#include "edit.h"

typedef struct map_request {
	uint64_t va; /* start of the whole request */
	ap_pa_t pa;  /* output address of va */
	ap_attrs_t flags;
	bool valid;
	bool blocks; /* block mappings allowed */
} map_request_t;

typedef struct map_edit {
	edit_t e;
	map_request_t r;
} map_edit_t;

typedef enum map_action {
	MAP_SKIP,       /* already as requested */
	MAP_WRITE,      /* write one descriptor at this level */
	MAP_FREE_TABLE, /* unmap a whole entry that holds a subtable */
	MAP_DESCEND,    /* go into the existing subtable */
	MAP_SPLIT,      /* create a subtable, then go into it */
} map_action_t;

/* What mapping chunk c (output address pa) does to an entry holding old;
 * for MAP_WRITE, *value is what to write. Pure: both passes ask it. */
static inline __attribute__((always_inline)) map_action_t
map_action(const geometry_t *g, const map_request_t *r, uint64_t old, unsigned level, span_t c,
	   ap_pa_t pa, uint64_t *value)
{
	uint64_t mask = entry_size(g, level) - 1;
	if (is_table(old, level))
		return !r->valid && covers_entry(g, c, level) ? MAP_FREE_TABLE : MAP_DESCEND;
	if (!r->valid) {
		*value = encode_leaf(g, level, 0, r->flags);
		if (old == *value)
			return MAP_SKIP; /* nothing to unmap: in particular no allocation */
		return covers_entry(g, c, level) ? MAP_WRITE : MAP_SPLIT;
	}
	/* A block that already maps this chunk as asked is left alone. The
	 * output address of the block start must not wrap below zero. */
	uint64_t offset = c.start & mask;
	bool blocks_here = level >= g->first_block_level;
	if (blocks_here && pa >= offset && ((pa - offset) & mask) == 0 &&
	    old == encode_leaf(g, level, pa - offset, r->flags))
		return MAP_SKIP;
	if (level == AP_LEAF_LEVEL) {
		*value = encode_leaf(g, level, pa, r->flags | AP_ATTR_TABLE_OR_PAGE);
		return MAP_WRITE;
	}
	if (blocks_here && r->blocks && covers_entry(g, c, level) && (pa & mask) == 0) {
		*value = encode_leaf(g, level, pa, r->flags);
		return MAP_WRITE;
	}
	return MAP_SPLIT;
}

static inline ap_pa_t pa_at(const map_request_t *r, uint64_t va)
{
	return r->pa + (va - r->va);
}

/* The first page descriptor a map writes for s, and the step between them. */
static inline uint64_t first_page_value(const geometry_t *g, const map_request_t *r, span_t s,
					uint64_t *step)
{
	*step = r->valid ? page_size(g) : 0;
	if (!r->valid)
		return encode_leaf(g, AP_LEAF_LEVEL, 0, r->flags);
	return encode_leaf(g, AP_LEAF_LEVEL, pa_at(r, s.start), r->flags | AP_ATTR_TABLE_OR_PAGE);
}

/* Whether a live entry may go from old to value in place; entries of
 * tables a split will create are not live. */
static inline bool may_write(const map_edit_t *me, const visit_t *v, uint64_t value)
{
	return !me->e.live || !v->entry ||
	       ap__live_change_ok(v->geo, me->e.m->format, v->level, v->old, value);
}

/* ------------------------------------------------------------ plan */

WALK_VISITOR ap_status_t map_plan_visit(walk_t *w, visit_t *v, step_t *step)
{
	map_edit_t *me = (map_edit_t *)w;
	uint64_t value = 0;
	switch (map_action(v->geo, &me->r, v->old, v->level, v->chunk,
			   pa_at(&me->r, v->chunk.start), &value)) {
	case MAP_SKIP:
		break;
	case MAP_WRITE:
		if (!may_write(me, v, value))
			return ap__edit_refuse(&me->e, AP_ERR_BREAK_BEFORE_MAKE, v->chunk);
		break;
	case MAP_FREE_TABLE:
		/* Every table it frees must translate: a leaf table is checked
		 * here, anything above by walking it. */
		if (v->level + 1 == AP_LEAF_LEVEL) {
			uint64_t *leaf;
			return walk_enter(w, v->geo, v->old, &leaf);
		}
		*step = STEP_DESCEND;
		break;
	case MAP_DESCEND:
		*step = STEP_DESCEND;
		break;
	case MAP_SPLIT:
		/* A walker may be using a live valid block right now: it
		 * cannot become a table in place. */
		if (!may_write(me, v, encode_table(v->geo, 0)))
			return ap__edit_refuse(&me->e, AP_ERR_BREAK_BEFORE_MAKE, v->chunk);
		me->e.needed++;
		/* A new leaf table needs nothing and its entries are not live. */
		if (v->level + 1 < AP_LEAF_LEVEL)
			*step = STEP_SIMULATE_SPLIT;
		break;
	}
	return AP_OK;
}

/* Pages of a live leaf table: each change must be allowed in place. */
WALK_VISITOR ap_status_t map_plan_pages(walk_t *w, const geometry_t *g, uint64_t *table, span_t s)
{
	map_edit_t *me = (map_edit_t *)w;
	if (!me->e.live)
		return AP_OK;
	uint64_t step, value = first_page_value(g, &me->r, s, &step);
	unsigned first = entry_index(g, s.start, AP_LEAF_LEVEL);
	unsigned count = (unsigned)((s.last - s.start) >> g->page_shift) + 1;
	for (unsigned i = 0; i < count; i++, value += step) {
		uint64_t old = load_desc(&table[first + i]);
		if (old != value &&
		    !ap__live_change_ok(g, me->e.m->format, AP_LEAF_LEVEL, old, value)) {
			span_t page = {s.start + ((uint64_t)i << g->page_shift), 0};
			page.last = page.start | page_mask(g);
			return ap__edit_refuse(&me->e, AP_ERR_BREAK_BEFORE_MAKE, page);
		}
	}
	return AP_OK;
}

static const walker_ops_t map_plan_ops = {.visit = map_plan_visit, .leaf_run = map_plan_pages};

/* ------------------------------------------------------------ apply */

/* Pages of one leaf table nobody walks: plain stores in a tight loop. */
static inline void fill_pages(const geometry_t *g, const map_request_t *r, uint64_t *table,
			      span_t s)
{
	uint64_t step, value = first_page_value(g, r, s, &step);
	uint64_t *entry = &table[entry_index(g, s.start, AP_LEAF_LEVEL)];
	uint64_t *end = entry + ((s.last - s.start) >> g->page_shift) + 1;
	for (; entry != end; entry++, value += step)
		store_desc(entry, value);
}

/* Remembers the leaf table of this region (2 MiB with 4 KiB pages) for the
 * next small edit. */
static inline void remember_leaf(ap_mapping_t *m, const geometry_t *g, uint64_t *table, span_t s)
{
	m->hint_va = s.start >> level_shift(g, AP_LEAF_LEVEL - 1);
	m->hint_leaf = table;
}

/* Pages of one leaf table: the hot loop of every large map. */
WALK_VISITOR ap_status_t map_apply_pages(walk_t *w, const geometry_t *g, uint64_t *table, span_t s)
{
	map_edit_t *me = (map_edit_t *)w;
	remember_leaf(me->e.m, g, table, s);
	if (!me->e.live) {
		fill_pages(g, &me->r, table, s);
		return AP_OK;
	}
	uint64_t step, value = first_page_value(g, &me->r, s, &step);
	uint64_t *entry = &table[entry_index(g, s.start, AP_LEAF_LEVEL)];
	for (uint64_t va = s.start;; va += page_size(g), value += step, entry++) {
		ap__edit_write(&me->e, entry, load_desc(entry), value, va, AP_LEAF_LEVEL);
		if (va == (s.last & ~page_mask(g)))
			break;
	}
	return AP_OK;
}

WALK_VISITOR ap_status_t map_apply_visit(walk_t *w, visit_t *v, step_t *step)
{
	map_edit_t *me = (map_edit_t *)w;
	uint64_t value = 0, va = v->chunk.start;
	switch (map_action(v->geo, &me->r, v->old, v->level, v->chunk, pa_at(&me->r, va),
			   &value)) {
	case MAP_SKIP:
		break;
	case MAP_WRITE:
		ap__edit_write(&me->e, v->entry, v->old, value, va, v->level);
		break;
	case MAP_FREE_TABLE:
		ap__edit_remove_subtable(&me->e, v->entry, v->old,
					 encode_leaf(v->geo, v->level, 0, me->r.flags), va,
					 v->level);
		break;
	case MAP_DESCEND:
		*step = STEP_DESCEND;
		break;
	case MAP_SPLIT:
		w->into = ap__edit_split(&me->e, v->entry, v->old, va, v->level);
		*step = STEP_INTO;
		break;
	}
	return AP_OK;
}

static const walker_ops_t map_apply_ops = {.visit = map_apply_visit, .leaf_run = map_apply_pages};

/* ------------------------------------------------------------ the edit */

/* Plan, allocate, apply, starting at table (a leaf table or the root). */
static inline __attribute__((always_inline)) ap_status_t
map_walks(map_edit_t *me, const geometry_t *g, uint64_t *table, unsigned level, span_t s)
{
	ap_status_t status = ap__walk(&me->e.walk, &map_plan_ops, g, table, level, s);
	if (status == AP_OK)
		status = ap__edit_allocate(&me->e);
	if (status == AP_OK) {
		/* The plan met every table already: nothing left to refuse. */
		me->e.walk.check_sharing = false;
		status = ap__walk(&me->e.walk, &map_apply_ops, g, table, level, s);
	}
	ap__edit_end(&me->e);
	return status;
}

/* The walks out of line, once per geometry, so that the common small edit
 * above them stays small. */
static __attribute__((noinline)) ap_status_t map_general_4k(map_edit_t *me, uint64_t *table,
							    unsigned level, span_t s)
{
	return map_walks(me, &GEOMETRY_4K, table, level, s);
}

static __attribute__((noinline)) ap_status_t map_general_any(map_edit_t *me, uint64_t *table,
							     unsigned level, span_t s)
{
	return map_walks(me, &me->e.m->geo, table, level, s);
}

static inline __attribute__((always_inline)) ap_status_t
map_general(map_edit_t *me, const geometry_t *g, uint64_t *table, unsigned level, span_t s)
{
	return g == &GEOMETRY_4K ? map_general_4k(me, table, level, s)
				 : map_general_any(me, table, level, s);
}

static inline __attribute__((always_inline)) ap_status_t
map_span(ap_mapping_t *m, const geometry_t *g, span_t s, ap_pa_t pa, ap_attrs_t flags,
	 ap_constraints_t constraints, error_detail_t *detail)
{
	map_edit_t me;
	me.r.va = s.start;
	me.r.pa = pa;
	me.r.flags = flags;
	me.r.valid = is_valid(flags);
	me.r.blocks = !(constraints & AP_CONSTRAINT_NO_BLOCK_MAPPINGS);
	/* The common small edit stays inside the leaf table the last edit
	 * used. An unmap of a whole leaf table's range frees that table,
	 * which the level above decides: no shortcut then. */
	const unsigned leaf_shift = level_shift(g, AP_LEAF_LEVEL - 1);
	bool in_hint = m->hint_leaf && !m->adopted && !((s.start ^ s.last) >> leaf_shift) &&
		       (s.start >> leaf_shift) == m->hint_va;
	if (in_hint && (me.r.valid || !covers_entry(g, s, AP_LEAF_LEVEL - 1))) {
		if (!mapping_live(m)) {
			fill_pages(g, &me.r, m->hint_leaf, s); /* nothing to check or allocate */
			return AP_OK;
		}
		ap__edit_begin(&me.e, m, detail);
		return map_general(&me, g, m->hint_leaf, AP_LEAF_LEVEL, s);
	}
	ap__edit_begin(&me.e, m, detail);
	return map_general(&me, g, m->root, m->geo.root_level, s);
}

/* One function per geometry. GCC paired the span's two words (and the
 * request's) into vectors through the stack: two 8-byte stores and a
 * 16-byte load, a store-forwarding stall that doubled the time of a
 * one-page map; AP_NO_SLP keeps them in registers. */
static AP_NO_SLP __attribute__((noinline)) ap_status_t
map_span_4k(ap_mapping_t *m, span_t s, ap_pa_t pa, ap_attrs_t flags, ap_constraints_t constraints,
	    error_detail_t *detail)
{
	return map_span(m, &GEOMETRY_4K, s, pa, flags, constraints, detail);
}

static AP_NO_SLP __attribute__((noinline)) ap_status_t
map_span_any(ap_mapping_t *m, span_t s, ap_pa_t pa, ap_attrs_t flags, ap_constraints_t constraints,
	     error_detail_t *detail)
{
	return map_span(m, &m->geo, s, pa, flags, constraints, detail);
}

ap_status_t ap__map_span(ap_mapping_t *m, span_t s, ap_pa_t pa, ap_attrs_t flags,
			 ap_constraints_t constraints, error_detail_t *detail)
{
	if (geometry_is_4k(&m->geo))
		return map_span_4k(m, s, pa, flags, constraints, detail);
	return map_span_any(m, s, pa, flags, constraints, detail);
}
