/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * One scenario, two ways of calling the library: directly (linked as usual)
 * or through libffi only, with libffi closures as callbacks. The scenario
 * sees the library through this table of functions and writes what it
 * observes (statuses, error detail, walks, translations, table bytes, dump
 * text, hook calls) into a trace; the two traces must be identical.
 */
#ifndef FFI_SCENARIO_H
#define FFI_SCENARIO_H

#include <aarch64_paging.h>
#include <stddef.h>

typedef struct api {
	ap_status_t (*regime_get)(ap_regime_kind_t, const ap_regime_t **);
	ap_status_t (*regime_create)(ap_regime_kind_t, const ap_regime_hooks_t *, void *,
				     ap_regime_t **);
	ap_status_t (*regime_destroy)(ap_regime_t *);
	ap_status_t (*mapping_create)(const ap_mapping_options_t *, const ap_translation_ops_t *,
				      void *, ap_mapping_t **);
	ap_status_t (*create_identity)(const ap_mapping_options_t *, ap_mapping_t **);
	ap_status_t (*create_target)(const ap_mapping_options_t *, ap_pa_t, ap_mapping_t **);
	ap_status_t (*destroy)(ap_mapping_t *);
	ap_status_t (*region_from_range)(uint64_t, uint64_t, ap_region_t *);
	ap_status_t (*map)(ap_mapping_t *, const ap_region_t *, ap_pa_t, ap_attrs_t,
			   ap_constraints_t, ap_error_t *);
	ap_status_t (*map_auto)(ap_mapping_t *, const ap_region_t *, ap_attrs_t, ap_constraints_t,
				ap_error_t *);
	ap_status_t (*unmap)(ap_mapping_t *, const ap_region_t *, ap_error_t *);
	ap_status_t (*modify)(ap_mapping_t *, const ap_region_t *, ap_modify_fn, void *,
			      ap_error_t *);
	ap_status_t (*modify_flags)(ap_descriptor_t *, ap_attrs_t, ap_attrs_t);
	uint64_t (*descriptor_bits)(const ap_descriptor_t *);
	ap_status_t (*walk)(const ap_mapping_t *, const ap_region_t *, ap_walk_fn, void *,
			    ap_error_t *);
	ap_status_t (*walk_runs)(const ap_mapping_t *, const ap_region_t *, ap_walk_run_fn, void *,
				 ap_error_t *);
	ap_status_t (*compact)(ap_mapping_t *);
	ap_status_t (*translate)(const ap_mapping_t *, ap_va_t, ap_translate_result_t *);
	ap_status_t (*activate)(ap_mapping_t *, uint64_t *);
	ap_status_t (*deactivate)(ap_mapping_t *, uint64_t);
	ap_status_t (*image_size)(const ap_mapping_t *, size_t *);
	ap_status_t (*image_write)(const ap_mapping_t *, void *, size_t);
	ap_status_t (*dump)(const ap_mapping_t *, ap_write_fn, void *);
	ap_status_t (*translation_control)(const ap_mapping_t *, ap_translation_control_t *);

	/* The callbacks handed to the library, made by each way of calling. */
	ap_translation_ops_t arena_ops;
	ap_modify_fn make_read_only;
	ap_modify_fn refuse;
	ap_walk_fn record_walk;
	ap_walk_run_fn record_runs;
	ap_write_fn record_text;
	ap_regime_hooks_t recording_hooks;
} api_t;

/* What the scenario saw; text, compared byte for byte. */
typedef struct trace {
	char text[1 << 20];
	size_t length;
	int overflowed;
} trace_t;

void trace_add(trace_t *trace, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* Callback context: the scenario's state, passed as every ctx. */
typedef struct context {
	const api_t *api;
	trace_t *trace;
	unsigned char *arena;  /* 4 KiB pages from a 1 MiB-aligned block, physical base ARENA_PA */
	unsigned arena_pages;
	unsigned char used[256];
	unsigned live_tables;  /* tables from allocate_table plus blocks from allocate_tables */
	int granule_seen;      /* the granule of the last invalidation, -1 for none */
} context_t;

#define ARENA_PA 0x80000000ull
#define ARENA_PAGES 256u
#define ARENA_ALIGN (1u << 20)

/* The callbacks' logic, shared by both ways of calling. */
void *logic_allocate(void *ctx, ap_pa_t *pa);
void logic_free(void *ctx, void *table, ap_pa_t pa);
void *logic_to_virtual(void *ctx, ap_pa_t pa);
void *logic_allocate_tables(void *ctx, size_t bytes, ap_pa_t *pa);
void logic_free_tables(void *ctx, void *tables, ap_pa_t pa, size_t bytes);
int logic_make_read_only(void *ctx, const ap_region_t *region, ap_descriptor_t *d);
int logic_refuse(void *ctx, const ap_region_t *region, ap_descriptor_t *d);
int logic_record_walk(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level);
int logic_record_runs(void *ctx, const ap_region_t *region, const uint64_t *descriptors,
		      size_t count, unsigned level);
int logic_record_text(void *ctx, const char *text, size_t length);
void logic_invalidate(void *ctx, const ap_invalidation_t *inv);
void logic_barrier(void *ctx);
uint64_t logic_activate(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t range);
void logic_deactivate(void *ctx, uint64_t previous, uint16_t asid, ap_va_range_t range);

/* Runs everything; returns the number of expectations that failed. */
int run_scenario(const api_t *api, trace_t *trace);

/* The direct way (direct.c). */
void direct_api(api_t *api);

#endif
