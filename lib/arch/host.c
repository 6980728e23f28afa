/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Memory-only arch layer: a hosted process may not execute TLBI or write
 * TTBRs, so maintenance is a no-op and activation installs nothing.
 */
#include "../internal.h"
#include "arch.h"

void ap__arch_invalidate(ap_regime_kind_t kind AP_UNUSED, const ap_invalidation_t *inv AP_UNUSED)
{
}

void ap__arch_barrier(ap_regime_kind_t kind AP_UNUSED)
{
}

void ap__arch_publish_tables(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

uint64_t ap__arch_activate(ap_regime_kind_t kind AP_UNUSED, ap_pa_t root AP_UNUSED,
			   uint16_t asid AP_UNUSED, ap_va_range_t va_range AP_UNUSED)
{
	return UINT64_MAX; /* nothing was installed, so there is nothing to restore */
}

void ap__arch_deactivate(ap_regime_kind_t kind AP_UNUSED, uint64_t previous AP_UNUSED,
			 uint16_t asid AP_UNUSED, ap_va_range_t va_range AP_UNUSED)
{
}
