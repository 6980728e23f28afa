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

/* The whole stage 1 suite for @p kind at the current exception level. */
int run_stage1_suite(ap_regime_kind_t kind);

#endif
