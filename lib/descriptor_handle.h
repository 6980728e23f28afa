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
	unsigned level;
	format_t format;
	bool live;
	bool updated;
};

/* A handle for entries of one level and mapping; point it at each entry. */
static inline void ap__descriptor_init(ap_descriptor_t *d, const ap_mapping_t *m, unsigned level,
				       bool live)
{
	d->geo = &m->geo;
	d->level = level;
	d->format = m->format;
	d->live = live;
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
