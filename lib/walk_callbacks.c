/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The read-only walks of a range: ap_mapping_walk() and
 * ap_mapping_walk_runs(), the caller's callbacks as a visitor of the one
 * walker (runs gather consecutive non-table entries of one table, so that
 * per-descriptor work needs no call per descriptor), and the count of
 * tables that also checks a whole tree.
 */
#include "edit.h"

typedef struct run {
	const uint64_t *first; /* NULL: no run open */
	size_t count;
	span_t span;
} run_t;

typedef struct callback_walk {
	walk_t walk;
	ap_walk_fn fn;
	ap_walk_run_fn run_fn;
	void *ctx;
	run_t runs[AP_LEAF_LEVEL + 1]; /* the open run of each level */
} callback_walk_t;

/* A callback asked to stop: not an error of the library's. */
static ap_status_t stopped(walk_t *w, uint64_t bits)
{
	w->detail->descriptor = bits;
	return AP_ERR_STOPPED;
}

static ap_status_t hand_over(callback_walk_t *cw, const uint64_t *first, size_t count, span_t s,
			     unsigned level)
{
	ap_region_t region = ap__span_to_region(s);
	if (cw->run_fn(cw->ctx, &region, first, count, level) != 0)
		return stopped(&cw->walk, load_desc(first));
	return AP_OK;
}

static ap_status_t close_run(walk_t *w, unsigned level)
{
	callback_walk_t *cw = (callback_walk_t *)w;
	run_t *run = &cw->runs[level];
	if (!run->first)
		return AP_OK;
	const uint64_t *first = run->first;
	run->first = NULL;
	return hand_over(cw, first, run->count, run->span, level);
}

WALK_VISITOR ap_status_t callback_visit(walk_t *w, visit_t *v, step_t *step)
{
	callback_walk_t *cw = (callback_walk_t *)w;
	if (is_table(v->old, v->level)) {
		*step = STEP_DESCEND;
		return cw->fn ? AP_OK : close_run(w, v->level);
	}
	if (cw->fn) {
		ap_region_t region = ap__span_to_region(v->chunk);
		return cw->fn(cw->ctx, &region, v->old, v->level) != 0 ? stopped(w, v->old) : AP_OK;
	}
	run_t *run = &cw->runs[v->level];
	if (!run->first) {
		run->first = v->entry;
		run->count = 0;
		run->span.start = v->chunk.start;
	}
	run->count++;
	run->span.last = v->chunk.last;
	return AP_OK;
}

/* The entries of one leaf table: no subtables, so no per-entry branching. */
WALK_VISITOR ap_status_t callback_pages(walk_t *w, const geometry_t *g, uint64_t *table, span_t s)
{
	callback_walk_t *cw = (callback_walk_t *)w;
	unsigned first = entry_index(g, s.start, AP_LEAF_LEVEL);
	unsigned count = (unsigned)((s.last - s.start) >> g->page_shift) + 1;
	if (!cw->fn)
		return hand_over(cw, &table[first], count, s, AP_LEAF_LEVEL);
	/* The callback and its context in locals: registers across the calls,
	 * not loads from the walk's state for every page. */
	ap_walk_fn fn = cw->fn;
	void *ctx = cw->ctx;
	/* The step in a local: the callback may write to the region it is
	 * handed, so region.size would be read again after every call. */
	const uint64_t step = page_size(g);
	ap_region_t region = {s.start, step};
	const uint64_t *entry = &table[first], *end = entry + count;
	for (; entry != end; entry++, region.start += step) {
		uint64_t bits = load_desc(entry);
		if (AP_UNLIKELY(fn(ctx, &region, bits, AP_LEAF_LEVEL) != 0))
			return stopped(w, bits);
	}
	return AP_OK;
}

static const walker_ops_t callback_ops = {.visit = callback_visit, .leaf_run = callback_pages, .table_end = close_run};

static inline __attribute__((always_inline)) ap_status_t
walk_span(const ap_mapping_t *m, const geometry_t *g, span_t s, ap_walk_fn fn,
	  ap_walk_run_fn run_fn, void *ctx, error_detail_t *detail)
{
	callback_walk_t cw;
	ap__walk_begin(&cw.walk, m, detail);
	cw.fn = fn;
	cw.run_fn = run_fn;
	cw.ctx = ctx;
	for (unsigned i = 0; i <= AP_LEAF_LEVEL; i++)
		cw.runs[i].first = NULL;
	ap_status_t status = ap__walk(&cw.walk, &callback_ops, g, m->root, m->geo.root_level, s);
	ap__walk_end(&cw.walk);
	return status;
}

ap_status_t ap__walk_span(const ap_mapping_t *m, span_t s, ap_walk_fn fn, ap_walk_run_fn run_fn,
			  void *ctx, error_detail_t *detail)
{
	if (geometry_is_4k(&m->geo))
		return walk_span(m, &GEOMETRY_4K, s, fn, run_fn, ctx, detail);
	return walk_span(m, &m->geo, s, fn, run_fn, ctx, detail);
}

/* ------------------------------------------------------------ counting */

typedef struct counting {
	walk_t walk;
	size_t tables;
} counting_t;

WALK_VISITOR ap_status_t count_visit(walk_t *w, visit_t *v, step_t *step)
{
	if (is_table(v->old, v->level)) {
		((counting_t *)w)->tables++;
		*step = STEP_DESCEND;
	}
	return AP_OK;
}

static const walker_ops_t count_ops = {.visit = count_visit, .leaf_run = walk_skip_leaves};

ap_status_t ap__count_tables(const ap_mapping_t *m, size_t *count, error_detail_t *detail)
{
	counting_t c;
	ap__walk_begin(&c.walk, m, detail);
	c.tables = 1; /* the root */
	ap_status_t status =
		ap__walk(&c.walk, &count_ops, &m->geo, m->root, m->geo.root_level, whole_range(m));
	ap__walk_end(&c.walk);
	if (status == AP_OK && count)
		*count = c.tables;
	return status;
}
