/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The writer all edits share: descriptor stores, TLB invalidation on live
 * tables, splits and the removal of subtables; and compaction, the edit
 * that only removes.
 */
#include "edit.h"

void ap__edit_begin(edit_t *e, ap_mapping_t *m, error_detail_t *detail)
{
	ap__walk_begin(&e->walk, m, detail);
	e->m = m;
	e->live = mapping_live(m);
	e->needs_barrier = false;
	e->needed = 0;
	e->tables.head = NULL;
	e->tables.tail = NULL;
	e->tables.count = 0;
}

static void flush(edit_t *e)
{
	if (e->needs_barrier) {
		ap__regime_barrier(e->m->regime);
		e->needs_barrier = false;
	}
}

void ap__edit_end(edit_t *e)
{
	ap__prealloc_release(e->m, &e->tables);
	flush(e);
	ap__walk_end(&e->walk);
}

ap_status_t ap__edit_allocate(edit_t *e)
{
	return ap__prealloc_fill(e->m, &e->tables, e->needed, e->walk.detail);
}

ap_status_t ap__edit_refuse(edit_t *e, ap_status_t status, span_t chunk)
{
	e->walk.detail->region = ap__span_to_region(chunk);
	return status;
}

void ap__edit_invalidate(edit_t *e, uint64_t va, unsigned level, uint64_t old)
{
	ap_invalidation_t inv;
	inv.size = sizeof(inv);
	inv.va = va;
	inv.level = level;
	inv.kind = is_table(old, level) ? AP_INVALIDATE_TABLE : AP_INVALIDATE_LEAF;
	inv.asid = e->m->asid;
	inv.va_range = e->m->va_range;
	inv.range_size = entry_size(&e->m->geo, level);
	inv.granule = e->m->geo.granule;
	inv.range_start = va & ~(inv.range_size - 1);
	ap__regime_invalidate(e->m->regime, &inv);
	e->needs_barrier = true;
}

void ap__edit_write(edit_t *e, uint64_t *entry, uint64_t old, uint64_t value, uint64_t va,
		    unsigned level)
{
	if (old == value)
		return;
	store_desc(entry, value);
	if (e->live && is_valid(old))
		ap__edit_invalidate(e, va, level, old);
}

void ap__edit_remove_subtable(edit_t *e, uint64_t *entry, uint64_t old, uint64_t value,
			      uint64_t va, unsigned level)
{
	ap_pa_t pa = table_address(&e->m->geo, old);
	uint64_t *sub = table_at(e->m, pa);
	store_desc(entry, value);
	/* On a live table the walk caches must drop the subtable before its
	 * memory can be reused. */
	if (e->live) {
		ap__edit_invalidate(e, va, level, old);
		flush(e);
	}
	if (sub)
		ap__table_free_tree(e->m, sub, pa, level + 1);
}

uint64_t *ap__edit_split(edit_t *e, uint64_t *entry, uint64_t old, uint64_t va, unsigned level)
{
	const geometry_t *g = &e->m->geo;
	ap_pa_t pa;
	uint64_t *sub = ap__prealloc_take(&e->tables, &pa);
	if (old != 0 && !(old & AP_ATTR_TABLE_OR_PAGE)) {
		uint64_t first = split_value(g, old, level, 0);
		uint64_t step = is_valid(old) ? entry_size(g, level + 1) : 0;
		unsigned count = table_entries(g, level + 1);
		for (unsigned i = 0; i < count; i++)
			sub[i] = first + (uint64_t)i * step;
	}
	ap__edit_write(e, entry, old, encode_table(g, pa), va, level);
	return sub;
}

/* ------------------------------------------------------------ compact */

/* Per level: whether the table being walked there keeps an entry. */
typedef struct compact {
	edit_t e;
	bool kept[AP_LEAF_LEVEL + 1];
} compact_t;

WALK_VISITOR ap_status_t compact_visit(walk_t *w, visit_t *v, step_t *step)
{
	compact_t *c = (compact_t *)w;
	if (is_table(v->old, v->level)) {
		c->kept[v->level + 1] = false;
		*step = STEP_DESCEND;
	} else if (v->old != 0) {
		c->kept[v->level] = true;
	}
	return AP_OK;
}

/* After a subtable's walk: it goes if nothing in it was kept. */
WALK_VISITOR ap_status_t compact_post(walk_t *w, visit_t *v)
{
	compact_t *c = (compact_t *)w;
	if (c->kept[v->level + 1])
		c->kept[v->level] = true;
	else
		ap__edit_remove_subtable(&c->e, v->entry, v->old, 0, v->chunk.start, v->level);
	return AP_OK;
}

/* A table without subtables in one loop: only whether it keeps anything
 * matters (every leaf table, and the root or a level 2 table of blocks). */
WALK_VISITOR ap_status_t compact_scan(walk_t *w, const geometry_t *g, uint64_t *table, unsigned level,
				span_t s AP_UNUSED, bool *done)
{
	compact_t *c = (compact_t *)w;
	bool kept = false;
	unsigned count = table_entries(g, level);
	for (unsigned i = 0; i < count; i++) {
		uint64_t bits = load_desc(&table[i]);
		if (is_table(bits, level))
			return AP_OK; /* the walker visits it entry by entry */
		kept |= bits != 0;
		if (kept && level == AP_LEAF_LEVEL)
			break; /* no subtable can follow */
	}
	c->kept[level] |= kept;
	*done = true;
	return AP_OK;
}

static const walker_ops_t compact_ops = {.visit = compact_visit,
					 .post = compact_post,
					 .scan = compact_scan};

void ap__compact(ap_mapping_t *m)
{
	compact_t c;
	error_detail_t detail;
	ap__edit_begin(&c.e, m, &detail);
	for (unsigned i = 0; i <= AP_LEAF_LEVEL; i++)
		c.kept[i] = false; /* a root at level 3 is scanned before any descent */
	/* A subtable that does not translate ends the walk: compaction only
	 * ever removes, so stopping early leaves a correct table. */
	(void)ap__walk(&c.e.walk, &compact_ops, &m->geo, m->root, m->geo.root_level, whole_range(m));
	ap__edit_end(&c.e);
}
