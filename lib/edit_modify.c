/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Modify: the caller's callback edits each descriptor of a range. One
 * decision per entry (modify_action), a plan visitor and an apply visitor.
 * On a live mapping the plan runs the callback on a copy of every entry it
 * will meet (dry run), so that the apply pass cannot be refused part-way;
 * on an inactive one only the callback itself can stop the apply, and what
 * it changed before stays changed.
 */
#include "descriptor_handle.h"
#include "edit.h"

typedef struct modify_edit {
	edit_t e;
	ap_modify_fn fn;
	void *ctx;
} modify_edit_t;

typedef enum modify_action {
	MODIFY_DESCEND,    /* a table: the callback sees its entries */
	MODIFY_CALL,       /* the callback gets this entry whole */
	MODIFY_KEEP_BLOCK, /* partly covered but cannot be split: must stay */
	MODIFY_SPLIT,      /* partly covered: split, the callback sees its part */
} modify_action_t;

/* What modifying chunk c does to an entry holding old. Pure: both passes
 * ask it. A live valid block cannot become a table in place, so the
 * callback must leave one it covers only in part alone. */
static modify_action_t modify_action(const modify_edit_t *me, const visit_t *v)
{
	if (is_table(v->old, v->level))
		return MODIFY_DESCEND;
	const geometry_t *g = v->geo;
	if (covers_entry(g, v->chunk, v->level))
		return MODIFY_CALL;
	if (me->e.live && v->entry &&
	    !ap__live_change_ok(g, me->e.m->format, v->level, v->old, encode_table(g, 0)))
		return MODIFY_KEEP_BLOCK;
	return MODIFY_SPLIT;
}

/* Runs the callback on a copy: what would it do to this descriptor? The
 * copy obeys the live rules, so a change they forbid never lands in it. */
static int dry_run(const modify_edit_t *me, const geometry_t *g, uint64_t old, unsigned level,
		   span_t c, bool *updated)
{
	ap_descriptor_t d;
	ap__descriptor_init(&d, g, me->e.m->format, level, true);
	ap__descriptor_point(&d, NULL, old);
	ap_region_t region = ap__span_to_region(c);
	int result = me->fn(me->ctx, &region, &d);
	*updated = d.updated;
	return result;
}

/* ------------------------------------------------------------ plan */

WALK_VISITOR ap_status_t modify_plan_visit(walk_t *w, visit_t *v, step_t *step)
{
	modify_edit_t *me = (modify_edit_t *)w;
	bool updated = false;
	switch (modify_action(me, v)) {
	case MODIFY_DESCEND:
		*step = STEP_DESCEND;
		break;
	case MODIFY_CALL:
		if (me->e.live && dry_run(me, v->geo, v->old, v->level, v->chunk, &updated) != 0)
			return ap__edit_refuse(&me->e, AP_ERR_BREAK_BEFORE_MAKE, v->chunk);
		break;
	case MODIFY_KEEP_BLOCK:
		if (dry_run(me, v->geo, v->old, v->level, v->chunk, &updated) != 0 || updated)
			return ap__edit_refuse(&me->e, AP_ERR_BREAK_BEFORE_MAKE, v->chunk);
		break;
	case MODIFY_SPLIT:
		me->e.needed++;
		/* Live: the callback's answers for the new entries are checked
		 * too. Otherwise only a split of a split needs counting. */
		if (me->e.live || v->level + 1 < AP_LEAF_LEVEL)
			*step = STEP_SIMULATE_SPLIT;
		break;
	}
	return AP_OK;
}

/* The pages of a live leaf table, dry-run one by one. */
WALK_VISITOR ap_status_t modify_plan_pages(walk_t *w, const geometry_t *g, uint64_t *table, span_t s)
{
	modify_edit_t *me = (modify_edit_t *)w;
	if (!me->e.live)
		return AP_OK;
	span_t page = {s.start, s.start | page_mask(g)};
	for (unsigned i = entry_index(g, s.start, AP_LEAF_LEVEL);; i++) {
		bool updated;
		if (dry_run(me, g, load_desc(&table[i]), AP_LEAF_LEVEL, page, &updated) != 0)
			return ap__edit_refuse(&me->e, AP_ERR_BREAK_BEFORE_MAKE, page);
		if (page.last >= s.last)
			return AP_OK;
		page.start += page_size(g);
		page.last += page_size(g);
	}
}

static const walker_ops_t modify_plan_ops = {.visit = modify_plan_visit, .leaf_run = modify_plan_pages};

/* ------------------------------------------------------------ apply */

static ap_status_t callback_failed(error_detail_t *detail, uint64_t bits)
{
	detail->descriptor = bits;
	return AP_ERR_PTE_UPDATE_FAULT;
}

/* Runs the callback on one entry for real; a live entry that held a value
 * it no longer holds leaves the TLBs. */
static inline ap_status_t modify_entry(modify_edit_t *me, ap_descriptor_t *d, uint64_t *entry,
				       const ap_region_t *region)
{
	uint64_t old = load_desc(entry);
	ap__descriptor_point(d, entry, old);
	if (me->fn(me->ctx, region, d) != 0)
		return callback_failed(me->e.walk.detail, old);
	if (ap__descriptor_needs_invalidation(d))
		ap__edit_invalidate(&me->e, region->start, d->level, old);
	return AP_OK;
}

/* The pages of one leaf table: the hot loop of every large modify. */
WALK_VISITOR ap_status_t modify_apply_pages(walk_t *w, const geometry_t *g, uint64_t *table, span_t s)
{
	modify_edit_t *me = (modify_edit_t *)w;
	unsigned first = entry_index(g, s.start, AP_LEAF_LEVEL);
	unsigned count = (unsigned)((s.last - s.start) >> g->page_shift) + 1;
	const uint64_t step = page_size(g); /* not region.size: see callback_pages() */
	ap_region_t region = {s.start, step};
	ap_descriptor_t d;
	ap__descriptor_init(&d, g, me->e.m->format, AP_LEAF_LEVEL, me->e.live);
	for (unsigned i = 0; i < count; i++, region.start += step) {
		ap_status_t status = modify_entry(me, &d, &table[first + i], &region);
		if (status != AP_OK)
			return status;
	}
	return AP_OK;
}

WALK_VISITOR ap_status_t modify_apply_visit(walk_t *w, visit_t *v, step_t *step)
{
	modify_edit_t *me = (modify_edit_t *)w;
	switch (modify_action(me, v)) {
	case MODIFY_DESCEND:
		*step = STEP_DESCEND;
		break;
	case MODIFY_CALL: {
		ap_region_t region = ap__span_to_region(v->chunk);
		ap_descriptor_t d;
		ap__descriptor_init(&d, v->geo, me->e.m->format, v->level, me->e.live);
		return modify_entry(me, &d, v->entry, &region);
	}
	case MODIFY_KEEP_BLOCK:
		break; /* the plan's dry run saw the callback leave it alone */
	case MODIFY_SPLIT:
		w->into = ap__edit_split(&me->e, v->entry, v->old, v->chunk.start, v->level);
		*step = STEP_INTO;
		break;
	}
	return AP_OK;
}

static const walker_ops_t modify_apply_ops = {.visit = modify_apply_visit, .leaf_run = modify_apply_pages};

static inline __attribute__((always_inline)) ap_status_t
modify_span(ap_mapping_t *m, const geometry_t *g, span_t s, ap_modify_fn fn, void *ctx,
	    error_detail_t *detail)
{
	modify_edit_t me;
	ap__edit_begin(&me.e, m, detail);
	me.fn = fn;
	me.ctx = ctx;
	ap_status_t status = ap__walk(&me.e.walk, &modify_plan_ops, g, m->root, m->geo.root_level, s);
	if (status == AP_OK)
		status = ap__edit_allocate(&me.e);
	if (status == AP_OK) {
		me.e.walk.check_sharing = false; /* the plan met every table */
		status = ap__walk(&me.e.walk, &modify_apply_ops, g, m->root, m->geo.root_level, s);
	}
	ap__edit_end(&me.e);
	return status;
}

ap_status_t ap__modify_span(ap_mapping_t *m, span_t s, ap_modify_fn fn, void *ctx,
			    error_detail_t *detail)
{
	if (geometry_is_4k(&m->geo))
		return modify_span(m, &GEOMETRY_4K, s, fn, ctx, detail);
	return modify_span(m, &m->geo, s, fn, ctx, detail);
}
