/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Getting and giving back table pages through the mapping's translation.
 * Every new table is checked: page-aligned pointer and physical address,
 * an address a descriptor can hold, and one that translates back.
 */
#include "table_pages.h"
#include "walk.h"

ap_status_t ap__table_new(ap_mapping_t *m, uint64_t **table, ap_pa_t *pa)
{
	ap_pa_t got_pa = 0;
	void *got = m->translation.ops.allocate_table(m->translation.ctx, &got_pa);
	if (!got)
		return AP_ERR_NO_MEMORY;
	if (((uintptr_t)got & PAGE_MASK) || (got_pa & PAGE_MASK) || got_pa >= PA_LIMIT ||
	    table_at(m, got_pa) != got) {
		m->translation.ops.free_table(m->translation.ctx, got, got_pa);
		*pa = got_pa;
		return AP_ERR_BAD_TABLE_ADDRESS;
	}
	m->table_count++;
	*table = got;
	*pa = got_pa;
	return AP_OK;
}

void ap__table_free(ap_mapping_t *m, uint64_t *table, ap_pa_t pa)
{
	m->hint_leaf = NULL;
	m->translation.ops.free_table(m->translation.ctx, table, pa);
	m->table_count--;
}

/* Freeing a tree is a post-order walk: each subtable goes once the walk
 * below it is done, the top table last. */
static ap_status_t free_visit(walk_t *w, visit_t *v, step_t *step)
{
	if (!is_table(v->old, v->level))
		return AP_OK;
	/* A table that does not translate leaves nothing safe to free. Tables
	 * of leaf tables are freed whole by free_scan. */
	if (table_at(w->m, v->old & OA_FIELD_MASK))
		*step = STEP_DESCEND;
	return AP_OK;
}

static ap_status_t free_post(walk_t *w, visit_t *v)
{
	ap__table_free((ap_mapping_t *)w->m, v->sub, v->old & OA_FIELD_MASK);
	return AP_OK;
}

/* A table whose entries point to leaf tables: those go in one loop. */
static ap_status_t free_scan(walk_t *w, uint64_t *table, unsigned level, span_t s AP_UNUSED,
			     bool *done)
{
	if (level + 1 != AP_LEAF_LEVEL)
		return AP_OK;
	for (unsigned i = 0; i < ENTRY_COUNT; i++) {
		uint64_t bits = table[i];
		ap_pa_t pa = bits & OA_FIELD_MASK;
		uint64_t *leaf = is_table(bits, level) ? table_at(w->m, pa) : NULL;
		if (leaf)
			ap__table_free((ap_mapping_t *)w->m, leaf, pa);
	}
	*done = true;
	return AP_OK;
}

static const walker_ops_t free_ops = {.visit = free_visit,
				      .leaf_run = walk_skip_leaves,
				      .post = free_post,
				      .scan = free_scan};

void ap__table_free_tree(ap_mapping_t *m, uint64_t *table, ap_pa_t pa, unsigned level)
{
	if (level == AP_LEAF_LEVEL) { /* nothing below: the common case of an unmap */
		ap__table_free(m, table, pa);
		return;
	}
	walk_t w;
	error_detail_t detail;
	ap__walk_begin(&w, m, &detail);
	w.check_sharing = false; /* only trees the library built are freed */
	(void)ap__walk(&w, &free_ops, table, level, whole_table(level));
	ap__walk_end(&w);
	ap__table_free(m, table, pa);
}

ap_status_t ap__prealloc_fill(ap_mapping_t *m, prealloc_t *p, size_t count, error_detail_t *detail)
{
	while (p->count < count) {
		uint64_t *table;
		ap_pa_t pa = 0;
		ap_status_t status = ap__table_new(m, &table, &pa);
		if (status != AP_OK) {
			detail->address = pa; /* the refused table's address */
			ap__prealloc_release(m, p);
			return status;
		}
		/* Unlinked tables are invisible to walkers, so their first
		 * words can carry the chain until they are handed out. The
		 * chain is first-in first-out so that tables are used in the
		 * order they were allocated, as a depth-first edit would. */
		table[0] = 0;
		table[1] = pa;
		if (p->tail)
			p->tail[0] = (uint64_t)(uintptr_t)table;
		else
			p->head = table;
		p->tail = table;
		p->count++;
	}
	return AP_OK;
}

uint64_t *ap__prealloc_take(prealloc_t *p, ap_pa_t *pa)
{
	uint64_t *table = p->head;
	p->head = (uint64_t *)(uintptr_t)table[0];
	if (!p->head)
		p->tail = NULL;
	*pa = table[1];
	table[0] = 0;
	table[1] = 0;
	p->count--;
	return table;
}

void ap__prealloc_release(ap_mapping_t *m, prealloc_t *p)
{
	while (p->count) {
		ap_pa_t pa;
		uint64_t *table = ap__prealloc_take(p, &pa);
		ap__table_free(m, table, pa);
	}
}
