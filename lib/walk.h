/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The one table walker. Every operation that reads or writes a table (map,
 * unmap, modify, compact, freeing, walk, translate, dump) is a visitor of
 * this walk, in the manner of KVM's pgtable walker: the walker owns the
 * chunking of a range into entries, the descent, and the checks of each
 * table it enters; the visitor decides, per entry, what to do and whether
 * to go down.
 *
 * A visitor may go down into an existing table, into a table it has just
 * linked (a split being applied), or into a table that does not exist yet
 * (a split being planned): the walker then makes up its entries from the
 * descriptor the split would replace. Leaf tables can be handed over whole
 * as runs, which keeps the page loops of large edits tight.
 *
 * The walker is inline and iterative, so each operation gets its own copy
 * with its visitor calls resolved at compile time: the generality costs no
 * indirect call per entry.
 */
#ifndef AP_WALK_H
#define AP_WALK_H

#include "internal.h"
#include "table_pages.h"

#pragma GCC visibility push(hidden)

/* One entry, as the walker shows it to a visitor. */
typedef struct visit {
	const geometry_t *geo; /* the walk's geometry (see ap__walk) */
	uint64_t *entry; /* NULL in a table that a planned split would create */
	uint64_t old;    /* the entry's value, read once (or made up) */
	uint64_t *sub;   /* after going down into a real table: that table */
	span_t chunk;    /* the part of the walk under this entry */
	unsigned level;
} visit_t;

/* What the walker does after a visit. */
typedef enum step {
	STEP_NEXT,           /* on to the next entry */
	STEP_DESCEND,        /* into the table the entry points to */
	STEP_SIMULATE_SPLIT, /* into the table a split of the entry would create */
	STEP_INTO,           /* into walk->into, a table the visitor just linked */
} step_t;

typedef struct table_set table_set_t;

/* The state every walk has; a visitor's own state embeds it first. */
typedef struct walk {
	const ap_mapping_t *m;
	error_detail_t *detail;
	uint64_t *into;     /* for STEP_INTO */
	table_set_t *seen;  /* adopted tables: the tables met so far */
	bool check_sharing; /* adopted tables: refuse a table met twice */
} walk_t;

/* For the visitors of the hot operations: inlined into each instance of
 * the walk (one per geometry), which GCC's heuristics stop doing once a
 * visitor is used by two of them. */
#define WALK_VISITOR static inline __attribute__((always_inline))

typedef struct walker_ops {
	/* Every entry of the range, in address order (pre-order). */
	ap_status_t (*visit)(walk_t *w, visit_t *v, step_t *step);
	/* A real leaf table's part of the range in one call; NULL: the
	 * walker visits its entries one by one. */
	ap_status_t (*leaf_run)(walk_t *w, const geometry_t *g, uint64_t *table, span_t s);
	/* After the walk below a real table (post-order); NULL: none. */
	ap_status_t (*post)(walk_t *w, visit_t *v);
	/* When the walk leaves a table, with that table's level; NULL: none. */
	ap_status_t (*table_end)(walk_t *w, unsigned level);
	/* A real table, before its entries are visited (or its leaf run): the
	 * visitor may do its part of the walk in one loop and set *done, and
	 * the walker then visits none of its entries. NULL: never. */
	ap_status_t (*scan)(walk_t *w, const geometry_t *g, uint64_t *table, unsigned level, span_t s,
			    bool *done);
} walker_ops_t;

/* Starts a walk of m's tables; detail must not be NULL. Tables the library
 * did not build are checked for sharing and loops. */
void ap__walk_begin(walk_t *w, const ap_mapping_t *m, error_detail_t *detail);
/* Releases what the walk kept (its set of tables met). */
void ap__walk_end(walk_t *w);
/* Records a table of an adopted mapping; MALFORMED_TABLE when met before. */
ap_status_t ap__walk_note_table(walk_t *w, ap_pa_t pa);

/* ------------------------------------------------------------ geometry */

/* Whether a chunk covers its whole entry. last + 1 may wrap to 0 at the
 * top of the address space, which is aligned. */
static inline bool covers_entry(const geometry_t *g, span_t c, unsigned level)
{
	uint64_t mask = entry_size(g, level) - 1;
	return (c.start & mask) == 0 && ((c.last + 1) & mask) == 0;
}

/* Entry i of the table that splitting `parent` (a block or an invalid
 * entry at parent_level) produces: the same range, the same attributes. */
static inline uint64_t split_value(const geometry_t *g, uint64_t parent, unsigned parent_level,
				   unsigned i)
{
	unsigned level = parent_level + 1;
	if (parent == 0 || (parent & AP_ATTR_TABLE_OR_PAGE))
		return 0;
	ap_attrs_t flags = parent & ~oa_mask(g, parent, parent_level);
	if (!is_valid(parent))
		return encode_leaf(g, level, 0, flags);
	if (level == AP_LEAF_LEVEL)
		flags |= AP_ATTR_TABLE_OR_PAGE;
	ap_pa_t pa = (parent & oa_mask(g, parent, parent_level)) + (uint64_t)i * entry_size(g, level);
	return encode_leaf(g, level, pa, flags);
}

/* The table a table descriptor points to; BAD_TABLE_ADDRESS (detail: its
 * address) when the translation has none. */
static inline ap_status_t walk_table_at(walk_t *w, const geometry_t *g, uint64_t descriptor,
					uint64_t **sub)
{
	ap_pa_t pa = table_address(g, descriptor);
	*sub = table_at(w->m, pa);
	if (AP_UNLIKELY(!*sub)) {
		w->detail->address = pa;
		return AP_ERR_BAD_TABLE_ADDRESS;
	}
	return AP_OK;
}

/* The same, checked: in adopted tables it must not have been met before in
 * this walk. */
static inline ap_status_t walk_enter(walk_t *w, const geometry_t *g, uint64_t descriptor,
				     uint64_t **sub)
{
	ap_status_t status = walk_table_at(w, g, descriptor, sub);
	if (status != AP_OK || AP_LIKELY(!w->check_sharing))
		return status;
	return ap__walk_note_table(w, table_address(g, descriptor));
}

/* A leaf_run for walks that have nothing to do in leaf tables: the walker
 * still checks that each of them translates before handing it over. */
static inline ap_status_t walk_skip_leaves(walk_t *w AP_UNUSED, const geometry_t *g AP_UNUSED,
					   uint64_t *table AP_UNUSED, span_t s AP_UNUSED)
{
	return AP_OK;
}

/* ------------------------------------------------------------ the walk */

/* Walks s (which must lie inside table, a table at level) with ops. The
 * entries of one table are visited in a tight loop, the visit held in
 * registers; a frame per level keeps only what the way back up needs.
 *
 * g is the mapping's geometry, passed apart from it so that the hot
 * operations can pass walk_geometry()'s constant for 4 KiB mappings: the
 * walk and its inlined visitors are then compiled with constant shifts
 * and masks, as before granules could be chosen. */
static inline __attribute__((always_inline)) ap_status_t
ap__walk(walk_t *w, const walker_ops_t *ops, const geometry_t *g, uint64_t *table, unsigned level,
	 span_t s)
{
	struct frame {
		uint64_t *table; /* NULL: made up from parent */
		uint64_t parent;
		span_t s;      /* the part of the walk inside this table */
		uint64_t next; /* the first address of it not visited yet */
		visit_t v;     /* the entry gone down into */
	} f[AP_LEAF_LEVEL + 1];
	const unsigned top = level;
	struct frame *fr = &f[level];
	fr->table = table;
	fr->parent = 0;
	fr->s = s;
	fr->next = s.start;
	for (;;) {
		ap_status_t status = AP_OK;
		bool down = false, scanned = false;
		if (ops->scan && fr->table && fr->next == fr->s.start) {
			status = ops->scan(w, g, fr->table, level, fr->s, &scanned);
			if (status != AP_OK)
				return status;
		}
		if (scanned) {
			/* the visitor did this table's part in one loop */
		} else if (level == AP_LEAF_LEVEL && fr->table && ops->leaf_run) {
			span_t rest = {fr->next, fr->s.last};
			status = ops->leaf_run(w, g, fr->table, rest);
			if (status != AP_OK)
				return status;
		} else {
			uint64_t *entries = fr->table, parent = fr->parent, last = fr->s.last;
			const uint64_t size_mask = entry_size(g, level) - 1;
			unsigned i = entry_index(g, fr->next, level);
			for (uint64_t start = fr->next;; i++) {
				visit_t v;
				v.geo = g;
				uint64_t entry_last = start | size_mask;
				v.chunk.start = start;
				v.chunk.last = entry_last < last ? entry_last : last;
				v.entry = entries ? &entries[i] : NULL;
				v.old = entries ? load_desc(v.entry) : split_value(g, parent, level - 1, i);
				v.sub = NULL;
				v.level = level;
				step_t step = STEP_NEXT;
				status = ops->visit(w, &v, &step);
				if (status != AP_OK)
					return status;
				if (step != STEP_NEXT && level < AP_LEAF_LEVEL) {
					if (step == STEP_DESCEND)
						status = walk_enter(w, g, v.old, &v.sub);
					else if (step == STEP_INTO)
						v.sub = w->into;
					if (status != AP_OK)
						return status;
					fr->v = v;
					fr->next = v.chunk.last + 1;
					down = true;
					break;
				}
				if (v.chunk.last == last)
					break;
				start = v.chunk.last + 1;
			}
		}
		if (down) {
			struct frame *child = &f[level + 1];
			child->table = fr->v.sub;
			child->parent = fr->v.old;
			child->s = fr->v.chunk;
			child->next = fr->v.chunk.start;
			fr = child;
			level++;
			continue;
		}
		/* Leave this table, and every table whose last entry led here. */
		for (;;) {
			if (ops->table_end && (status = ops->table_end(w, level)) != AP_OK)
				return status;
			if (level == top)
				return AP_OK;
			fr = &f[--level];
			if (ops->post && fr->v.sub && (status = ops->post(w, &fr->v)) != AP_OK)
				return status;
			if (fr->v.chunk.last != fr->s.last)
				break;
		}
	}
}

/* The walk of a single address: the same visits as ap__walk() over the
 * span [va, va], without the bookkeeping for ranges, frames and the way
 * back up (no post or table_end visits, no leaf runs, no planned splits),
 * which would double the cost of a lookup. Tables met twice are not looked
 * for: one path ends at level 3 whatever the tables hold, as the MMU's. */
static inline __attribute__((always_inline)) ap_status_t
ap__walk_address(walk_t *w, const walker_ops_t *ops, const geometry_t *g, uint64_t *table,
		 unsigned level, uint64_t va)
{
	visit_t v;
	v.geo = g;
	v.chunk.start = va;
	v.chunk.last = va;
	for (;;) {
		v.entry = &table[entry_index(g, va, level)];
		v.old = load_desc(v.entry);
		v.sub = NULL;
		v.level = level;
		step_t step = STEP_NEXT;
		ap_status_t status = ops->visit(w, &v, &step);
		if (status != AP_OK || step != STEP_DESCEND || level == AP_LEAF_LEVEL)
			return status;
		status = walk_table_at(w, g, v.old, &table);
		if (status != AP_OK)
			return status;
		level++;
	}
}

/* The span of every entry of a table at level (its own addresses do not
 * matter to walks that only free or inspect it). */
static inline span_t whole_table(const geometry_t *g, unsigned level)
{
	span_t s = {0, (uint64_t)table_entries(g, level) * entry_size(g, level) - 1};
	return s;
}

/* The span of a mapping's whole input range. */
static inline span_t whole_range(const ap_mapping_t *m)
{
	span_t s = {m->va_base, m->va_base + (m->va_size - 1)};
	return s;
}

#pragma GCC visibility pop

#endif
