/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The table walker and edit engine.
 *
 * Every edit runs in two passes over the same chunks. The first pass changes
 * nothing: it checks break-before-make on live tables, checks that every
 * subtable it will enter translates, and counts the tables the edit needs.
 * Those tables are then allocated up front, so the second pass, which writes,
 * cannot run out of memory half-way: an edit either happens whole or not at
 * all. Subtables that do not exist yet (the result of a split) are simulated
 * in the first pass from the descriptor they would replace.
 */
#include "descriptor_handle.h"
#include "edit.h"

typedef struct edit {
	ap_mapping_t *m;
	bool live;
	bool needs_barrier;
	prealloc_t tables;
	error_detail_t *detail;
} edit_t;

/* ------------------------------------------------------------ chunks */

/* The end of the chunk of s that starts at start and stays in one entry. */
static inline uint64_t chunk_last(uint64_t start, uint64_t last, unsigned level)
{
	uint64_t entry_last = start | (granule(level) - 1);
	return entry_last < last ? entry_last : last;
}

/* Whether a chunk covers its whole entry. last + 1 may wrap to 0 at the
 * top of the address space, which is aligned. */
static inline bool covers_entry(span_t c, unsigned level)
{
	uint64_t mask = granule(level) - 1;
	return (c.start & mask) == 0 && ((c.last + 1) & mask) == 0;
}

#define FOR_EACH_CHUNK(c, s, level)                                                        \
	for (span_t c = {(s).start, chunk_last((s).start, (s).last, (level))};;            \
	     c.start = c.last + 1, c.last = chunk_last(c.start, (s).last, (level)))

#define NEXT_CHUNK_OR_BREAK(c, s)                                                          \
	if ((c).last == (s).last)                                                          \
		break;

static ap_status_t fail_region(edit_t *e, ap_status_t status, span_t c)
{
	e->detail->region = ap__span_to_region(c);
	return status;
}

static ap_status_t fail_table(error_detail_t *detail, ap_pa_t pa)
{
	detail->address = pa;
	return AP_ERR_BAD_TABLE_ADDRESS;
}

/* ------------------------------------------------------------ maintenance */

static void invalidate(edit_t *e, uint64_t va, unsigned level, uint64_t old)
{
	ap_invalidation_t inv;
	inv.size = sizeof(inv);
	inv.va = va;
	inv.level = level;
	inv.kind = is_table(old, level) ? AP_INVALIDATE_TABLE : AP_INVALIDATE_LEAF;
	inv.asid = e->m->asid;
	inv.va_range = e->m->va_range;
	inv.range_size = granule(level);
	inv.range_start = va & ~(inv.range_size - 1);
	ap__regime_invalidate(e->m->regime, &inv);
	e->needs_barrier = true;
}

static void flush(edit_t *e)
{
	if (e->needs_barrier) {
		ap__regime_barrier(e->m->regime);
		e->needs_barrier = false;
	}
}

/* Writes one descriptor; a live one that was valid must leave the TLBs. */
static inline void write_entry(edit_t *e, uint64_t *entry, uint64_t old, uint64_t value,
			       uint64_t va, unsigned level)
{
	if (old == value)
		return;
	store_desc(entry, value);
	if (e->live && is_valid(old))
		invalidate(e, va, level, old);
}

/* Unlinks a subtable and frees it with everything below it. On a live
 * table the walk caches must drop it before its memory is reused. */
static void remove_subtable(edit_t *e, uint64_t *entry, uint64_t old, uint64_t value,
			    uint64_t va, unsigned level)
{
	ap_pa_t pa = old & OA_FIELD_MASK;
	uint64_t *sub = table_at(e->m, pa);
	store_desc(entry, value);
	if (e->live) {
		invalidate(e, va, level, old);
		flush(e);
	}
	if (sub)
		ap__table_free_tree(e->m, sub, pa, level + 1);
}

/* ------------------------------------------------------------ splits */

/* Entry i of the table that splitting `parent` (a block or an invalid entry
 * at parent_level) produces: the same range, the same attributes. */
static uint64_t split_value(uint64_t parent, unsigned parent_level, unsigned i)
{
	unsigned level = parent_level + 1;
	if (parent == 0 || (parent & AP_ATTR_TABLE_OR_PAGE))
		return 0;
	ap_attrs_t flags = ap_pte_flags(parent, parent_level);
	if (!is_valid(parent))
		return encode_leaf(level, 0, flags);
	if (level == AP_LEAF_LEVEL)
		flags |= AP_ATTR_TABLE_OR_PAGE;
	ap_pa_t pa = ap_pte_output_address(parent, parent_level) + (uint64_t)i * granule(level);
	return encode_leaf(level, pa, flags);
}

/* Replaces a non-table entry by a new table with the same meaning. The new
 * table is filled before it is linked, so a walker never sees it half-done. */
static uint64_t *split_into(edit_t *e, uint64_t *entry, uint64_t old, uint64_t va, unsigned level)
{
	ap_pa_t pa;
	uint64_t *sub = ap__prealloc_take(&e->tables, &pa);
	if (old != 0 && !(old & AP_ATTR_TABLE_OR_PAGE)) {
		uint64_t first = split_value(old, level, 0);
		uint64_t step = is_valid(old) ? granule(level + 1) : 0;
		for (unsigned i = 0; i < ENTRY_COUNT; i++)
			sub[i] = first + (uint64_t)i * step;
	}
	write_entry(e, entry, old, encode_table(pa), va, level);
	return sub;
}

/* The leaf table holding all of s when the path to it already exists, or
 * NULL. Edits inside one leaf table (the common page-sized edit) need no new
 * tables and no second descent, so they skip the planning pass. */
static inline __attribute__((always_inline)) uint64_t *existing_leaf_table(ap_mapping_t *m, span_t s)
{
	const unsigned leaf_shift = AP_PAGE_SHIFT + AP_BITS_PER_LEVEL;
	if ((s.start ^ s.last) >> leaf_shift)
		return NULL;
	if (m->hint_leaf && (s.start >> leaf_shift) == m->hint_va)
		return m->hint_leaf;
	uint64_t *table = m->root;
	for (unsigned level = m->root_level; level < AP_LEAF_LEVEL && table; level++) {
		uint64_t bits = load_desc(&table[entry_index(s.start, level)]);
		if (!is_table(bits, level))
			return NULL;
		table = table_at(m, bits & OA_FIELD_MASK);
	}
	if (m->root_level < AP_LEAF_LEVEL) {
		m->hint_va = s.start >> leaf_shift;
		m->hint_leaf = table;
	}
	return table;
}

/* ------------------------------------------------------------ map */

typedef struct map_request {
	uint64_t va;    /* start of the whole request */
	ap_pa_t pa;     /* output address of va */
	ap_attrs_t flags;
	bool valid;
	bool blocks;    /* block mappings allowed */
} map_request_t;

typedef enum map_action {
	MAP_SKIP,       /* already as requested */
	MAP_WRITE,      /* write one descriptor at this level */
	MAP_FREE_TABLE, /* unmap a whole entry that holds a subtable */
	MAP_DESCEND,    /* go into the existing subtable */
	MAP_SPLIT,      /* create a subtable, then go into it */
} map_action_t;

static map_action_t map_action(const map_request_t *r, uint64_t old, unsigned level, span_t c,
			       ap_pa_t pa, uint64_t *value)
{
	uint64_t mask = granule(level) - 1;
	if (is_table(old, level))
		return !r->valid && covers_entry(c, level) ? MAP_FREE_TABLE : MAP_DESCEND;
	if (!r->valid) {
		*value = encode_leaf(level, 0, r->flags);
		if (old == *value)
			return MAP_SKIP; /* nothing to unmap: in particular no allocation */
		return covers_entry(c, level) ? MAP_WRITE : MAP_SPLIT;
	}
	/* A block that already maps this chunk as asked is left alone. The
	 * output address of the block start must not wrap below zero. */
	uint64_t offset = c.start & mask;
	if (level > 0 && pa >= offset && ((pa - offset) & mask) == 0 &&
	    old == encode_leaf(level, pa - offset, r->flags))
		return MAP_SKIP;
	if (level == AP_LEAF_LEVEL) {
		*value = encode_leaf(level, pa, r->flags | AP_ATTR_TABLE_OR_PAGE);
		return MAP_WRITE;
	}
	if (level > 0 && r->blocks && covers_entry(c, level) && (pa & mask) == 0) {
		*value = encode_leaf(level, pa, r->flags);
		return MAP_WRITE;
	}
	return MAP_SPLIT;
}

/* Whether every table under a table descriptor translates, so that an edit
 * that frees them can free them all. */
static ap_status_t check_subtree(edit_t *e, uint64_t bits, unsigned level)
{
	const uint64_t *sub = table_at(e->m, bits & OA_FIELD_MASK);
	if (!sub)
		return fail_table(e->detail, bits & OA_FIELD_MASK);
	for (unsigned i = 0; level + 1 < AP_LEAF_LEVEL && i < ENTRY_COUNT; i++) {
		uint64_t entry = load_desc(&sub[i]);
		if (is_table(entry, level + 1)) {
			ap_status_t status = check_subtree(e, entry, level + 1);
			if (status != AP_OK)
				return status;
		}
	}
	return AP_OK;
}

/* Pass one of a map. table is NULL for a table a split would create, whose
 * entries follow from parent. */
static ap_status_t map_plan(edit_t *e, const map_request_t *r, const uint64_t *table,
			    uint64_t parent, unsigned level, span_t s, size_t *needed)
{
	bool real = table != NULL;
	/* Nothing at the leaves needs a table; only live ones need checking. */
	if (level == AP_LEAF_LEVEL && !(e->live && real))
		return AP_OK;
	FOR_EACH_CHUNK(c, s, level)
	{
		unsigned i = entry_index(c.start, level);
		uint64_t old = real ? load_desc(&table[i]) : split_value(parent, level - 1, i);
		ap_pa_t pa = r->pa + (c.start - r->va);
		uint64_t value = 0;
		ap_status_t status = AP_OK;
		switch (map_action(r, old, level, c, pa, &value)) {
		case MAP_SKIP:
			break;
		case MAP_FREE_TABLE:
			if (real)
				status = check_subtree(e, old, level);
			break;
		case MAP_WRITE:
			if (e->live && real && !ap__live_change_ok(e->m->format, level, old, value))
				return fail_region(e, AP_ERR_BREAK_BEFORE_MAKE, c);
			break;
		case MAP_DESCEND: {
			uint64_t *sub = table_at(e->m, old & OA_FIELD_MASK);
			if (!sub)
				return fail_table(e->detail, old & OA_FIELD_MASK);
			status = map_plan(e, r, sub, 0, level + 1, c, needed);
			break;
		}
		case MAP_SPLIT:
			/* A walker may be using a live valid block right now;
			 * swapping it for a table needs break-before-make. */
			if (e->live && real && is_valid(old))
				return fail_region(e, AP_ERR_BREAK_BEFORE_MAKE, c);
			(*needed)++;
			status = map_plan(e, r, NULL, old, level + 1, c, needed);
			break;
		}
		if (status != AP_OK)
			return status;
		NEXT_CHUNK_OR_BREAK(c, s);
	}
	return AP_OK;
}

/* The first leaf descriptor a map writes for s, and the step between them. */
static inline uint64_t first_page_value(const map_request_t *r, span_t s, uint64_t *step)
{
	*step = r->valid ? AP_PAGE_SIZE : 0;
	if (!r->valid)
		return encode_leaf(AP_LEAF_LEVEL, 0, r->flags);
	return encode_leaf(AP_LEAF_LEVEL, r->pa + (s.start - r->va), r->flags | AP_ATTR_TABLE_OR_PAGE);
}

/* Pages of one leaf table nobody walks: plain stores in a tight loop. */
static inline void fill_pages(const map_request_t *r, uint64_t *table, span_t s)
{
	uint64_t step, value = first_page_value(r, s, &step);
	uint64_t *entry = &table[entry_index(s.start, AP_LEAF_LEVEL)];
	uint64_t *end = entry + ((s.last - s.start) >> AP_PAGE_SHIFT) + 1;
	for (; entry != end; entry++, value += step)
		store_desc(entry, value);
}

/* Pages of one leaf table: the hot loop of every large map. */
static void map_pages(edit_t *e, const map_request_t *r, uint64_t *table, span_t s)
{
	if (!e->live) {
		fill_pages(r, table, s);
		return;
	}
	uint64_t step, value = first_page_value(r, s, &step);
	uint64_t *entry = &table[entry_index(s.start, AP_LEAF_LEVEL)];
	for (uint64_t va = s.start;; va += AP_PAGE_SIZE, value += step, entry++) {
		write_entry(e, entry, load_desc(entry), value, va, AP_LEAF_LEVEL);
		if (va == (s.last & ~PAGE_MASK))
			break;
	}
}

/* Pass two of a map: cannot fail. */
static void map_apply(edit_t *e, const map_request_t *r, uint64_t *table, unsigned level, span_t s)
{
	if (level == AP_LEAF_LEVEL) {
		map_pages(e, r, table, s);
		return;
	}
	FOR_EACH_CHUNK(c, s, level)
	{
		uint64_t *entry = &table[entry_index(c.start, level)];
		uint64_t old = load_desc(entry);
		ap_pa_t pa = r->pa + (c.start - r->va);
		uint64_t value = 0;
		switch (map_action(r, old, level, c, pa, &value)) {
		case MAP_SKIP:
			break;
		case MAP_WRITE:
			write_entry(e, entry, old, value, c.start, level);
			break;
		case MAP_FREE_TABLE:
			remove_subtable(e, entry, old, encode_leaf(level, 0, r->flags), c.start, level);
			break;
		case MAP_DESCEND:
			map_apply(e, r, table_at(e->m, old & OA_FIELD_MASK), level + 1, c);
			break;
		case MAP_SPLIT:
			map_apply(e, r, split_into(e, entry, old, c.start, level), level + 1, c);
			break;
		}
		NEXT_CHUNK_OR_BREAK(c, s);
	}
}

static void edit_begin(edit_t *e, ap_mapping_t *m, error_detail_t *detail)
{
	e->m = m;
	e->live = mapping_live(m);
	e->needs_barrier = false;
	e->tables.head = NULL;
	e->tables.tail = NULL;
	e->tables.count = 0;
	e->detail = detail;
}

static void edit_end(edit_t *e)
{
	ap__prealloc_release(e->m, &e->tables);
	flush(e);
}

/* Everything but the common small edit: plan, allocate, apply. Kept out of
 * line so the fast path below stays small. */
static __attribute__((noinline)) ap_status_t map_general(ap_mapping_t *m, const map_request_t *r,
							 uint64_t *leaf, span_t s,
							 error_detail_t *detail)
{
	edit_t e;
	edit_begin(&e, m, detail);
	size_t needed = 0;
	uint64_t *start = leaf ? leaf : m->root;
	unsigned level = leaf ? AP_LEAF_LEVEL : m->root_level;
	ap_status_t status = map_plan(&e, r, start, 0, level, s, &needed);
	if (status == AP_OK)
		status = ap__prealloc_fill(m, &e.tables, needed, detail);
	if (status != AP_OK)
		return status;
	map_apply(&e, r, start, level, s);
	edit_end(&e);
	return AP_OK;
}

ap_status_t ap__map_span(ap_mapping_t *m, span_t s, ap_pa_t pa, ap_attrs_t flags,
			 ap_constraints_t constraints, error_detail_t *detail)
{
	map_request_t r;
	r.va = s.start;
	r.pa = pa;
	r.flags = flags;
	r.valid = is_valid(flags);
	r.blocks = !(constraints & AP_CONSTRAINT_NO_BLOCK_MAPPINGS);
	/* An unmap of a whole leaf table's range frees that table, which the
	 * level above decides: no shortcut into the leaf table then. */
	bool frees_leaf_table = !r.valid && covers_entry(s, AP_LEAF_LEVEL - 1);
	uint64_t *leaf = frees_leaf_table ? NULL : existing_leaf_table(m, s);
	if (leaf && !mapping_live(m)) {
		/* The common small edit: nothing to allocate, nothing to check. */
		fill_pages(&r, leaf, s);
		return AP_OK;
	}
	return map_general(m, &r, leaf, s, detail);
}

/* ------------------------------------------------------------ modify */

typedef struct modify_request {
	ap_modify_fn fn;
	void *ctx;
} modify_request_t;

/* Runs the callback on a copy: what would it do to this descriptor? The
 * copy obeys the live rules, so a change they forbid never lands in it. */
static int dry_run(const edit_t *e, const modify_request_t *r, uint64_t old, unsigned level,
		   span_t c, bool *updated)
{
	ap_descriptor_t d;
	ap__descriptor_init(&d, level, e->m->format, true);
	ap__descriptor_point(&d, NULL, old);
	ap_region_t region = ap__span_to_region(c);
	int result = r->fn(r->ctx, &region, &d);
	*updated = d.updated;
	return result;
}

/* Pass one of a modify. On a live mapping it also dry-runs the callback on
 * every entry it will meet, those of tables a split will create included,
 * so that the second pass cannot fail part-way. */
static ap_status_t modify_plan(edit_t *e, const modify_request_t *r, const uint64_t *table,
			       uint64_t parent, unsigned level, span_t s, size_t *needed)
{
	bool real = table != NULL;
	if (level == AP_LEAF_LEVEL && !e->live)
		return AP_OK;
	FOR_EACH_CHUNK(c, s, level)
	{
		unsigned i = entry_index(c.start, level);
		uint64_t old = real ? load_desc(&table[i]) : split_value(parent, level - 1, i);
		ap_status_t status = AP_OK;
		bool updated = false;
		if (is_table(old, level)) {
			uint64_t *sub = table_at(e->m, old & OA_FIELD_MASK);
			if (!sub)
				return fail_table(e->detail, old & OA_FIELD_MASK);
			status = modify_plan(e, r, sub, 0, level + 1, c, needed);
		} else if (covers_entry(c, level) || (e->live && is_valid(old))) {
			/* The callback gets this entry whole: live valid blocks
			 * are never split, so it must leave one it covers only
			 * in part alone. */
			if (e->live && (dry_run(e, r, old, level, c, &updated) != 0 ||
					(updated && !covers_entry(c, level))))
				return fail_region(e, AP_ERR_BREAK_BEFORE_MAKE, c);
		} else {
			(*needed)++;
			status = modify_plan(e, r, NULL, old, level + 1, c, needed);
		}
		if (status != AP_OK)
			return status;
		NEXT_CHUNK_OR_BREAK(c, s);
	}
	return AP_OK;
}

static ap_status_t callback_failed(error_detail_t *detail, uint64_t bits)
{
	detail->descriptor = bits;
	return AP_ERR_PTE_UPDATE_FAULT;
}

/* Runs the callback on one entry for real; a live entry that held a value
 * it no longer holds leaves the TLBs. */
static inline ap_status_t modify_entry(edit_t *e, const modify_request_t *r, ap_descriptor_t *d,
				       uint64_t *entry, const ap_region_t *region)
{
	uint64_t old = load_desc(entry);
	ap__descriptor_point(d, entry, old);
	if (r->fn(r->ctx, region, d) != 0)
		return callback_failed(e->detail, old);
	if (ap__descriptor_needs_invalidation(d))
		invalidate(e, region->start, d->level, old);
	return AP_OK;
}

/* The pages of one leaf table: the hot loop of every large modify. */
static ap_status_t modify_pages(edit_t *e, const modify_request_t *r, uint64_t *table, span_t s)
{
	unsigned first = entry_index(s.start, AP_LEAF_LEVEL);
	unsigned count = (unsigned)((s.last - s.start) >> AP_PAGE_SHIFT) + 1;
	ap_region_t region = {s.start, AP_PAGE_SIZE};
	ap_descriptor_t d;
	ap__descriptor_init(&d, AP_LEAF_LEVEL, e->m->format, e->live);
	for (unsigned i = 0; i < count; i++, region.start += AP_PAGE_SIZE) {
		ap_status_t status = modify_entry(e, r, &d, &table[first + i], &region);
		if (status != AP_OK)
			return status;
	}
	return AP_OK;
}

/* Pass two of a modify. On a live mapping the dry run has seen every entry
 * and the callback gives the same answers (its contract), so only an
 * inactive mapping's callback can stop it part-way. */
static ap_status_t modify_apply(edit_t *e, const modify_request_t *r, uint64_t *table,
				unsigned level, span_t s)
{
	if (level == AP_LEAF_LEVEL)
		return modify_pages(e, r, table, s);
	FOR_EACH_CHUNK(c, s, level)
	{
		uint64_t *entry = &table[entry_index(c.start, level)];
		uint64_t old = load_desc(entry);
		ap_status_t status = AP_OK;
		if (is_table(old, level)) {
			status = modify_apply(e, r, table_at(e->m, old & OA_FIELD_MASK), level + 1, c);
		} else if (!covers_entry(c, level)) {
			bool updated = false;
			if (!(e->live && is_valid(old)))
				status = modify_apply(e, r, split_into(e, entry, old, c.start, level),
						      level + 1, c);
			else if (dry_run(e, r, old, level, c, &updated) != 0 || updated)
				/* Live valid blocks are never split; the dry run
				 * already saw this callback leave it alone. */
				status = fail_region(e, AP_ERR_BREAK_BEFORE_MAKE, c);
		} else {
			ap_region_t region = ap__span_to_region(c);
			ap_descriptor_t d;
			ap__descriptor_init(&d, level, e->m->format, e->live);
			status = modify_entry(e, r, &d, entry, &region);
		}
		if (status != AP_OK)
			return status;
		NEXT_CHUNK_OR_BREAK(c, s);
	}
	return AP_OK;
}

ap_status_t ap__modify_span(ap_mapping_t *m, span_t s, ap_modify_fn fn, void *ctx,
			    error_detail_t *detail)
{
	edit_t e;
	edit_begin(&e, m, detail);
	modify_request_t r = {fn, ctx};
	size_t needed = 0;
	ap_status_t status = modify_plan(&e, &r, m->root, 0, m->root_level, s, &needed);
	if (status == AP_OK)
		status = ap__prealloc_fill(m, &e.tables, needed, detail);
	if (status != AP_OK)
		return status;
	status = modify_apply(&e, &r, m->root, m->root_level, s);
	edit_end(&e);
	return status;
}

/* ------------------------------------------------------------ walk */

typedef struct walk_request {
	const ap_mapping_t *m;
	ap_walk_fn fn;
	ap_walk_run_fn run_fn;
	void *ctx;
	error_detail_t *detail;
} walk_request_t;

/* A walk callback asked to stop: not an error of the library's. */
static ap_status_t walk_stopped(error_detail_t *detail, uint64_t bits)
{
	detail->descriptor = bits;
	return AP_ERR_STOPPED;
}

/* Hands a run of non-table entries [first, first + count) to the run callback. */
static ap_status_t flush_run(const walk_request_t *w, const uint64_t *table, unsigned first,
			     unsigned count, span_t run, unsigned level)
{
	if (count == 0)
		return AP_OK;
	ap_region_t region = ap__span_to_region(run);
	if (w->run_fn(w->ctx, &region, &table[first], count, level) != 0)
		return walk_stopped(w->detail, table[first]);
	return AP_OK;
}

/* The entries of one leaf table: no subtables, so no per-entry branching. */
static ap_status_t walk_pages(const walk_request_t *w, const uint64_t *table, span_t s)
{
	unsigned first = entry_index(s.start, AP_LEAF_LEVEL);
	unsigned count = (unsigned)((s.last - s.start) >> AP_PAGE_SHIFT) + 1;
	if (!w->fn)
		return flush_run(w, table, first, count, s, AP_LEAF_LEVEL);
	ap_region_t region = {s.start, AP_PAGE_SIZE};
	for (unsigned i = first; i < first + count; i++, region.start += AP_PAGE_SIZE) {
		uint64_t bits = load_desc(&table[i]);
		if (w->fn(w->ctx, &region, bits, AP_LEAF_LEVEL) != 0)
			return walk_stopped(w->detail, bits);
	}
	return AP_OK;
}

static ap_status_t walk_table(const walk_request_t *w, const uint64_t *table, unsigned level,
			      span_t s)
{
	if (level == AP_LEAF_LEVEL)
		return walk_pages(w, table, s);
	unsigned run_first = 0, run_count = 0;
	span_t run = s;
	FOR_EACH_CHUNK(c, s, level)
	{
		unsigned i = entry_index(c.start, level);
		uint64_t bits = load_desc(&table[i]);
		ap_status_t status = AP_OK;
		if (is_table(bits, level)) {
			status = flush_run(w, table, run_first, run_count, run, level);
			run_count = 0;
			const uint64_t *sub = table_at(w->m, bits & OA_FIELD_MASK);
			if (status == AP_OK && !sub)
				status = fail_table(w->detail, bits & OA_FIELD_MASK);
			if (status == AP_OK)
				status = walk_table(w, sub, level + 1, c);
		} else if (w->fn) {
			ap_region_t region = ap__span_to_region(c);
			if (w->fn(w->ctx, &region, bits, level) != 0)
				status = walk_stopped(w->detail, bits);
		} else {
			if (run_count == 0) {
				run_first = i;
				run.start = c.start;
			}
			run.last = c.last;
			run_count++;
		}
		if (status != AP_OK)
			return status;
		NEXT_CHUNK_OR_BREAK(c, s);
	}
	return w->fn ? AP_OK : flush_run(w, table, run_first, run_count, run, level);
}

ap_status_t ap__walk_span(const ap_mapping_t *m, span_t s, ap_walk_fn fn, ap_walk_run_fn run_fn,
			  void *ctx, error_detail_t *detail)
{
	walk_request_t w = {m, fn, run_fn, ctx, detail};
	return walk_table(&w, m->root, m->root_level, s);
}

/* ------------------------------------------------------------ compact */

/* Returns whether the table is all zero after its empty subtables went. */
static bool compact_table(edit_t *e, uint64_t *table, unsigned level, uint64_t base)
{
	bool empty = true;
	for (unsigned i = 0; i < ENTRY_COUNT; i++) {
		uint64_t bits = load_desc(&table[i]);
		if (is_table(bits, level)) {
			uint64_t va = base + (uint64_t)i * granule(level);
			uint64_t *sub = table_at(e->m, bits & OA_FIELD_MASK);
			if (sub && compact_table(e, sub, level + 1, va)) {
				remove_subtable(e, &table[i], bits, 0, va, level);
				bits = 0;
			}
		}
		if (bits != 0)
			empty = false;
	}
	return empty;
}

void ap__compact(ap_mapping_t *m)
{
	edit_t e;
	edit_begin(&e, m, NULL); /* compaction cannot fail */
	compact_table(&e, m->root, m->root_level, m->va_base);
	edit_end(&e);
}
