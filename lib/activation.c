/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Activation: the count of CPUs that may be walking a mapping's tables
 * (which makes every later edit a live one), and the TTBR writes of the
 * built-in regimes.
 */
#include "internal.h"
#include "arch/arch.h"

AP_EXPORT ap_status_t ap_mapping_mark_active(ap_mapping_t *mapping)
{
	if (!mapping)
		return AP_ERR_INVALID_ARGUMENT;
	unsigned long count = __atomic_load_n(&mapping->active_count, __ATOMIC_ACQUIRE);
	do {
		if (count & ACTIVE_DESTROYING)
			return AP_ERR_INVALID_ARGUMENT;
	} while (!__atomic_compare_exchange_n(&mapping->active_count, &count, count + 1, true,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_mark_inactive(ap_mapping_t *mapping)
{
	if (!mapping)
		return AP_ERR_INVALID_ARGUMENT;
	unsigned long count = __atomic_load_n(&mapping->active_count, __ATOMIC_ACQUIRE);
	do {
		if ((count & ~ACTIVE_DESTROYING) == 0)
			return AP_ERR_NOT_ACTIVE;
	} while (!__atomic_compare_exchange_n(&mapping->active_count, &count, count - 1, true,
					      __ATOMIC_RELEASE, __ATOMIC_ACQUIRE));
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_activate(ap_mapping_t *mapping, uint64_t *previous_ttbr)
{
	if (!mapping)
		return AP_ERR_INVALID_ARGUMENT;
	/* Counted first: whoever sees a zero count may assume no CPU uses the
	 * table, so the count must never lag behind the TTBR write. */
	ap_status_t status = ap_mapping_mark_active(mapping);
	if (status != AP_OK)
		return status;
	ap__arch_publish_tables();
	uint64_t previous = ap__regime_activate(mapping->regime, mapping->root_pa, mapping->asid,
						mapping->va_range);
	if (previous_ttbr)
		*previous_ttbr = previous;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_deactivate(ap_mapping_t *mapping, uint64_t previous_ttbr)
{
	if (!mapping)
		return AP_ERR_INVALID_ARGUMENT;
	ap_regime_kind_t kind = mapping->regime->kind;
	if (kind == AP_REGIME_EL2 || kind == AP_REGIME_EL3)
		return AP_ERR_UNSUPPORTED;
	if (!mapping_live(mapping))
		return AP_ERR_NOT_ACTIVE;
	ap__regime_deactivate(mapping->regime, previous_ttbr, mapping->asid, mapping->va_range);
	return ap_mapping_mark_inactive(mapping);
}

/* ------------------------------------------------------------ getters */

