/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The stage 1 checks every exception level runs with its own regime: build
 * the image's map with the library, activate it, then alias, fault, live
 * read-only, live unmap, walker-against-AT and (where the regime allows)
 * deactivation checks.
 */
#ifndef RT_STAGE1_SUITE_H
#define RT_STAGE1_SUITE_H

#include <aarch64_paging.h>

#include "mmu.h"

/* A mapping's translation geometry, from the library's own answers. */
typedef struct suite_geometry {
	ap_granule_t granule;
	uint64_t page;         /* bytes of a page: 4, 16 or 64 KiB */
	unsigned page_shift;   /* 12, 14 or 16 */
	unsigned level_bits;   /* input bits a (non-root) table resolves: 9, 11 or 13 */
	unsigned root_level;   /* the level the walk starts at */
	unsigned input_bits;   /* the space covers 2^input_bits bytes */
	uint64_t base;         /* its lowest address: 0, or 2^64 - 2^input_bits (upper range) */
} suite_geometry_t;

suite_geometry_t suite_geometry(const ap_mapping_t *map);
/* The lowest input bit a descriptor at @p level resolves. */
unsigned suite_shift(const suite_geometry_t *g, unsigned level);
/* Bytes of input space one entry at @p level covers. */
uint64_t suite_span(const suite_geometry_t *g, unsigned level);

/* What the suite runs on. */
typedef struct suite_config {
	ap_granule_t granule;
	/* 0: the tests' usual 39-bit space with 4 KiB pages (root level 1);
	 * else ap_mapping_options_t.input_bits, at least 35 (the image must
	 * fit in a sixteenth of the space). */
	unsigned input_bits;
	/* The upper range needs EL1&0 or EL2&0; the code then runs through
	 * TTBR0 on a table of the same granule and boot_input_bits. */
	ap_va_range_t range;
	unsigned boot_input_bits;
} suite_config_t;

/* Maps [va, va + size) to pa with @p flags; a failure stops the test. */
void suite_map(ap_mapping_t *map, uint64_t va, uint64_t size, uint64_t pa, ap_attrs_t flags);

/* The address of the descriptor at @p level for @p va in an identity
 * mapping, where a table's physical address is where the test reads and
 * writes it. The entries above @p level must be tables. */
volatile uint64_t *suite_descriptor_at(const ap_mapping_t *map, uint64_t va, unsigned level);

/* Maps the image (code read-only and executable, read-only data, data and
 * stack read-write and never executable) and the UART, each at its own
 * address plus @p va_offset. */
void suite_map_image(ap_mapping_t *map, ap_regime_kind_t kind, uint64_t va_offset);

/* Checks that the hardware walk of @p va agrees with ap_mapping_translate():
 * AT's PAR_EL1 and, for unmapped addresses, the fault level. */
void suite_check_at(const ap_mapping_t *map, uint64_t va);

/* Checks that loading from @p va faults as the library's walker predicts. */
void suite_check_load_faults(const ap_mapping_t *map, uint64_t va);

/* Makes the page at @p va read-only through ap_mapping_modify(). */
void suite_make_read_only(ap_mapping_t *map, ap_regime_kind_t kind, uint64_t va);

/* The whole stage 1 suite for @p kind at the current exception level:
 * 4 KiB pages, 39 bits, lower range. */
int run_stage1_suite(ap_regime_kind_t kind);

/* The same on the granule, input size and range of @p config. The MMU is
 * off again after it; with EL2 or EL3 the table stays active (it cannot be
 * deactivated) and its pages are not given back. */
int run_stage1_suite_config(ap_regime_kind_t kind, const suite_config_t *config);

#endif
