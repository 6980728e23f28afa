/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The edits and the read-only walks of a mapping, each an operation on
 * the one walker (walk.c).
 */
#ifndef AP_EDIT_H
#define AP_EDIT_H

#include "internal.h"
#include "table_pages.h"

#pragma GCC visibility push(hidden)

/* The edit engine. */
ap_status_t ap__map_span(ap_mapping_t *m, span_t s, ap_pa_t pa, ap_attrs_t flags,
			 ap_constraints_t constraints, error_detail_t *detail);
ap_status_t ap__modify_span(ap_mapping_t *m, span_t s, ap_modify_fn fn, void *ctx,
			    error_detail_t *detail);
ap_status_t ap__walk_span(const ap_mapping_t *m, span_t s, ap_walk_fn fn, ap_walk_run_fn run_fn,
			  void *ctx, error_detail_t *detail);
void ap__compact(ap_mapping_t *m);

#pragma GCC visibility pop

#endif
