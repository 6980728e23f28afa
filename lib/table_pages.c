/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Getting and giving back table pages through the mapping's translation.
 * Every new table is checked: pointer and physical address aligned to its
 * size, an address a descriptor can hold, and one that translates back.
 * 4 KiB tables come from allocate_table, larger ones (16 and 64 KiB
 * granules, concatenated roots) from allocate_tables.
 */
#include "table_pages.h"
#include "walk.h"

static void *tables_alloc(const ap_mapping_t *m, size_t bytes, ap_pa_t *pa)
{
	const ap_translation_ops_t *ops = &m->translation.ops;
	if (bytes == AP_PAGE_SIZE)
		return ops->allocate_table(m->translation.ctx, pa);
	return ops->allocate_tables(m->translation.ctx, bytes, pa);
}

static void tables_free(const ap_mapping_t *m, void *table, ap_pa_t pa, size_t bytes)
{
	const ap_translation_ops_t *ops = &m->translation.ops;
	if (bytes == AP_PAGE_SIZE)
		ops->free_table(m->translation.ctx, table, pa);
	else
		ops->free_tables(m->translation.ctx, table, pa, bytes);
}

size_t ap__root_bytes(const ap_mapping_t *m)
{
	return (size_t)m->geo.root_tables << m->geo.page_shift;
}

static ap_status_t tables_new(ap_mapping_t *m, size_t bytes, uint64_t **table, ap_pa_t *pa)
{
	ap_pa_t got_pa = 0;
	void *got = tables_alloc(m, bytes, &got_pa);
	if (!got)
		return AP_ERR_NO_MEMORY;
	uint64_t misaligned = bytes - 1;
	if (((uintptr_t)got & misaligned) || (got_pa & misaligned) || got_pa >= PA_LIMIT ||
	    table_at(m, got_pa) != got) {
		tables_free(m, got, got_pa, bytes);
		*pa = got_pa;
		return AP_ERR_BAD_TABLE_ADDRESS;
	}
	m->table_count++;
	*table = got;
	*pa = got_pa;
	return AP_OK;
}

ap_status_t ap__table_new(ap_mapping_t *m, uint64_t **table, ap_pa_t *pa)
{
	return tables_new(m, page_size(&m->geo), table, pa);
}

ap_status_t ap__root_new(ap_mapping_t *m)
{
	return tables_new(m, ap__root_bytes(m), &m->root, &m->root_pa);
}

void ap__table_free(ap_mapping_t *m, uint64_t *table, ap_pa_t pa)
{
	m->hint_leaf = NULL;
	tables_free(m, table, pa, table == m->root ? ap__root_bytes(m) : page_size(&m->geo));
	m->table_count--;
}

/* Freeing a tree is a post-order walk: each subtable goes once the walk
 * below it is done, the top table last. */
WALK_VISITOR ap_status_t free_visit(walk_t *w, visit_t *v, step_t *step)
{
	if (!is_table(v->old, v->level))
		return AP_OK;
	/* A table that does not translate leaves nothing safe to free. Tables
	 * of leaf tables are freed whole by free_scan. */
	if (table_at(w->m, table_address(v->geo, v->old)))
		*step = STEP_DESCEND;
	return AP_OK;
}

WALK_VISITOR ap_status_t free_post(walk_t *w, visit_t *v)
{
	ap__table_free((ap_mapping_t *)w->m, v->sub, table_address(v->geo, v->old));
	return AP_OK;
}

/* A table whose entries point to leaf tables: those go in one loop. */
WALK_VISITOR ap_status_t free_scan(walk_t *w, const geometry_t *g, uint64_t *table, unsigned level,
			     span_t s AP_UNUSED, bool *done)
{
	if (level + 1 != AP_LEAF_LEVEL)
		return AP_OK;
	unsigned count = table_entries(g, level);
	for (unsigned i = 0; i < count; i++) {
		uint64_t bits = table[i];
		ap_pa_t pa = table_address(g, bits);
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
	/* The 4 KiB walk with constant shifts: an unmap of a large range
	 * frees hundreds of tables here. */
	span_t all = whole_table(&m->geo, level);
	if (geometry_is_4k(&m->geo))
		(void)ap__walk(&w, &free_ops, &GEOMETRY_4K, table, level, all);
	else
		(void)ap__walk(&w, &free_ops, &m->geo, table, level, all);
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
