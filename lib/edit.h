/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The edits of a mapping. Each is a pure decision per entry (an action,
 * as TF-A's xlat tables return them) and two visitors of the one walker:
 * a plan that changes nothing (it checks break-before-make and counts the
 * tables the edit needs, which are then allocated up front) and an apply
 * that writes and invalidates, and so cannot fail half-way for want of
 * memory. This header holds what the edits share: the writer.
 */
#ifndef AP_EDIT_H
#define AP_EDIT_H

#include "internal.h"
#include "table_pages.h"
#include "walk.h"

#pragma GCC visibility push(hidden)

/* The state of one edit; the walk comes first so visitors can get back
 * from the walk_t they are given. */
typedef struct edit {
	walk_t walk;
	ap_mapping_t *m;
	bool live;          /* walkers may be using the tables */
	bool needs_barrier; /* invalidations wait for a barrier */
	size_t needed;      /* plan: tables the apply will take */
	prealloc_t tables;  /* apply: the tables the plan asked for */
} edit_t;

void ap__edit_begin(edit_t *e, ap_mapping_t *m, error_detail_t *detail);
/* Gives back unused tables and waits for outstanding invalidations. */
void ap__edit_end(edit_t *e);
/* Allocates what the plan counted. */
ap_status_t ap__edit_allocate(edit_t *e);

/* Refuses an edit for the chunk of an entry (detail: the region). */
ap_status_t ap__edit_refuse(edit_t *e, ap_status_t status, span_t chunk);

/* Writes one descriptor; a live one that was valid leaves the TLBs. */
void ap__edit_write(edit_t *e, uint64_t *entry, uint64_t old, uint64_t value, uint64_t va,
		    unsigned level);
/* Invalidates what walkers may cache of old at va (a leaf or a table). */
void ap__edit_invalidate(edit_t *e, uint64_t va, unsigned level, uint64_t old);
/* Unlinks a subtable (value replaces it) and frees it with all below. */
void ap__edit_remove_subtable(edit_t *e, uint64_t *entry, uint64_t old, uint64_t value,
			      uint64_t va, unsigned level);
/* Replaces a non-table entry by a table of the same meaning, taken from the
 * edit's tables and filled before it is linked; returns the new table. */
uint64_t *ap__edit_split(edit_t *e, uint64_t *entry, uint64_t old, uint64_t va, unsigned level);

/* The operations on spans the public functions run. */
ap_status_t ap__map_span(ap_mapping_t *m, span_t s, ap_pa_t pa, ap_attrs_t flags,
			 ap_constraints_t constraints, error_detail_t *detail);
ap_status_t ap__modify_span(ap_mapping_t *m, span_t s, ap_modify_fn fn, void *ctx,
			    error_detail_t *detail);
ap_status_t ap__walk_span(const ap_mapping_t *m, span_t s, ap_walk_fn fn, ap_walk_run_fn run_fn,
			  void *ctx, error_detail_t *detail);
void ap__compact(ap_mapping_t *m);
/* Counts the tables of m (count may be NULL), checking every one on the
 * way: BAD_TABLE_ADDRESS, MALFORMED_TABLE (adopted tables met twice) or
 * NO_MEMORY for the set of tables met. */
ap_status_t ap__count_tables(const ap_mapping_t *m, size_t *count, error_detail_t *detail);

#pragma GCC visibility pop

#endif
