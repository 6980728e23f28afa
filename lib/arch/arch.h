/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * What the built-in regimes ask of the processor. A hosted build (any host,
 * and AArch64 Linux user space) links host.c, where every operation only
 * touches memory; a freestanding AArch64 build links the real sequences.
 */
#ifndef AP_ARCH_H
#define AP_ARCH_H

void ap__arch_invalidate(ap_regime_kind_t kind, const ap_invalidation_t *inv);
void ap__arch_barrier(ap_regime_kind_t kind);
/* Makes table writes visible to the walker before a TTBR is written. */
void ap__arch_publish_tables(void);
uint64_t ap__arch_activate(ap_regime_kind_t kind, ap_pa_t root, uint16_t asid,
			   ap_va_range_t va_range);
void ap__arch_deactivate(ap_regime_kind_t kind, uint64_t previous, uint16_t asid,
			 ap_va_range_t va_range);

#endif
