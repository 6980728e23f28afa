/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The ap_descriptor_t a modify callback holds: an entry of a live or
 * inactive table, or a copy of one for a dry run.
 */
#ifndef AP_DESCRIPTOR_HANDLE_H
#define AP_DESCRIPTOR_HANDLE_H

#include "internal.h"

#pragma GCC visibility push(hidden)

/* What a modify callback holds: a real entry, or a copy for a dry run. */
struct ap_descriptor {
	uint64_t *entry; /* NULL for a copy */
	uint64_t value;  /* the copy's value, or the entry's value when last read */
	/* Live entries only: the AND and the OR of every valid value the entry
	 * held since the callback began (0 in held_or: none). Later values are
	 * judged against all of them, so a callback cannot get around
	 * break-before-make in steps (valid A, invalid, valid B). */
	uint64_t held_and;
	uint64_t held_or;
	const geometry_t *geo;
	/* From geo, for this level, so that the calls a callback makes per
	 * descriptor compute nothing from it: */
	uint64_t page_oa;   /* output-address field of a page or table */
	uint64_t block_oa;  /* ... of a block at this level */
	bool blocks_here;   /* the granule has blocks at this level */
	unsigned level;
	format_t format;
	bool live;
	bool updated;
};

/* A handle for entries of one level and mapping; point it at each entry. */
static inline void ap__descriptor_init(ap_descriptor_t *d, const geometry_t *g, format_t format,
				       unsigned level, bool live)
{
	d->geo = g;
	d->page_oa = oa_field(g);
	d->block_oa = oa_mask(g, 0, level);
	d->blocks_here = level >= g->first_block_level;
	d->level = level;
	d->format = format;
	d->live = live;
}

/* The output-address field of value at the handle's level. */
static inline uint64_t ap__descriptor_oa_mask(const ap_descriptor_t *d, uint64_t value)
{
	if (d->level == AP_LEAF_LEVEL) /* pages: the common case of a large modify */
		return d->page_oa;
	return value & AP_ATTR_TABLE_OR_PAGE ? d->page_oa : d->block_oa;
}

/* Points the handle at value, read from entry (or a copy when entry is
 * NULL). Kept small: a large modify does this once per page. */
static inline void ap__descriptor_point(ap_descriptor_t *d, uint64_t *entry, uint64_t value)
{
	d->entry = entry;
	d->value = value;
	d->updated = false;
	if (d->live) { /* only live entries are judged against their past */
		d->held_and = is_valid(value) ? value : ~UINT64_C(0);
		d->held_or = is_valid(value) ? value : 0;
	}
}

/* Whether, after the callback, walkers may still cache a value the entry
 * no longer holds: it held a valid value other than its final one. */
static inline bool ap__descriptor_needs_invalidation(const ap_descriptor_t *d)
{
	return d->live && d->held_or != 0 && (d->held_and != d->value || d->held_or != d->value);
}

#pragma GCC visibility pop

#endif
