/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Break-before-make: the one home of the rule that says which changes a
 * descriptor may go through while walkers may be using the table. Every
 * edit, the descriptor handle and the exported ap_bbm_safe() ask here.
 */
#include "internal.h"

format_t ap__format_of(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_EL2:
	case AP_REGIME_EL3:
		return FORMAT_EL23;
	case AP_REGIME_STAGE2:
		return FORMAT_STAGE2;
	default:
		return FORMAT_EL1;
	}
}

/* Whether changing a live valid descriptor's attributes from old to new is
 * allowed without break-before-make; the output address is
 * ap__live_change_ok()'s to compare. */
static bool bbm_safe(format_t format, ap_attrs_t old_flags, ap_attrs_t new_flags)
{
	if (format == FORMAT_STAGE2) {
		const ap_attrs_t may_change = AP_S2_VALID | AP_S2_S2AP_ACCESS_RW | AP_S2_ACCESS_FLAG |
					      AP_S2_XN | AP_S2_SWFLAG_0 | AP_S2_SWFLAG_1 |
					      AP_S2_SWFLAG_2 | AP_S2_SWFLAG_3;
		return ((old_flags ^ new_flags) & ~may_change) == 0;
	}
	/* Permissions, access/dirty state and software bits may change either
	 * way; a mapping may become non-global but not global again. */
	ap_attrs_t may_clear = AP_EL1_VALID | AP_EL1_READ_ONLY | AP_EL1_ACCESSED | AP_EL1_DBM |
			       AP_EL1_SWFLAG_0 | AP_EL1_SWFLAG_1 | AP_EL1_SWFLAG_2 |
			       AP_EL1_SWFLAG_3;
	may_clear |= format == FORMAT_EL1 ? (AP_EL1_PXN | AP_EL1_UXN) : AP_EL23_XN;
	ap_attrs_t may_set = may_clear | AP_EL1_NON_GLOBAL;
	ap_attrs_t set = ~old_flags & new_flags, cleared = old_flags & ~new_flags;
	return (set & ~may_set) == 0 && (cleared & ~may_clear) == 0;
}

bool ap__live_change_ok(const geometry_t *g, format_t format, unsigned level, uint64_t old,
			uint64_t value)
{
	/* Making an entry invalid is the "break"; filling an invalid one is
	 * the "make" (translation faults are not cached). Between two valid
	 * values only the output address must stay and the attributes may
	 * change only as the format allows. */
	if (!is_valid(old) || !is_valid(value))
		return true;
	/* A block never becomes a table in place (nor back): walkers may hold
	 * the block and the table's entries at once, which is a TLB conflict. */
	if (is_table(old, level) != is_table(value, level))
		return false;
	uint64_t old_oa = oa_mask(g, old, level), new_oa = oa_mask(g, value, level);
	return (old & old_oa) == (value & new_oa) &&
	       bbm_safe(format, old & ~old_oa, value & ~new_oa);
}

AP_EXPORT ap_status_t ap_bbm_safe(ap_regime_kind_t kind, unsigned level, uint64_t old,
				  uint64_t value, bool *safe)
{
	if (!safe || level > AP_LEAF_LEVEL || !ap__regime_kind_ok(kind))
		return AP_ERR_INVALID_ARGUMENT;
	*safe = ap__live_change_ok(&GEOMETRY_4K, ap__format_of(kind), level, old, value);
	return AP_OK;
}
