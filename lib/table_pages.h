/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The life of a table page: taken from the mapping's translation and
 * checked, freed alone or with everything below it, and allocated before
 * an edit starts so that the edit cannot fail half-way.
 */
#ifndef AP_TABLE_PAGES_H
#define AP_TABLE_PAGES_H

#include "internal.h"

#pragma GCC visibility push(hidden)

/* Where and why a call failed: what ap_error_t reports to the caller. */
typedef struct error_detail {
	ap_va_t address;
	ap_region_t region;
	uint64_t descriptor;
	ap_attrs_t flags;
} error_detail_t;

/* Tables allocated before an edit starts, so that the edit cannot fail
 * half-way. They are chained through their own first two words. */
typedef struct prealloc {
	uint64_t *head;
	uint64_t *tail;
	size_t count;
} prealloc_t;

/* Gets a zeroed table from the translation; on AP_ERR_BAD_TABLE_ADDRESS *pa
 * holds the address that was refused (and the table went back). */
ap_status_t ap__table_new(ap_mapping_t *m, uint64_t **table, ap_pa_t *pa);
/* Gets the mapping's root: one table, or its concatenated tables. */
ap_status_t ap__root_new(ap_mapping_t *m);
size_t ap__root_bytes(const ap_mapping_t *m);
/* Gives back a table (the root too) from ap__table_new or ap__root_new. */
void ap__table_free(ap_mapping_t *m, uint64_t *table, ap_pa_t pa);
/* Frees a table and every table below it. */
void ap__table_free_tree(ap_mapping_t *m, uint64_t *table, ap_pa_t pa, unsigned level);
ap_status_t ap__prealloc_fill(ap_mapping_t *m, prealloc_t *p, size_t count, error_detail_t *detail);
uint64_t *ap__prealloc_take(prealloc_t *p, ap_pa_t *pa);
void ap__prealloc_release(ap_mapping_t *m, prealloc_t *p);

#pragma GCC visibility pop

#endif
