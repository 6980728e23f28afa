/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The raw descriptor accessors, and the descriptor handle given to modify
 * callbacks (every value it stores is judged by break_before_make.c).
 */
#include "descriptor_handle.h"

/* ------------------------------------------------------------ raw helpers */

/* Bits 47:12, the widest output-address field (4 KiB pages and tables):
 * never flags, whatever the granule (with 64 KiB pages bits 15:12 are
 * RES0). */
#define ADDRESS_BITS oa_field(&GEOMETRY_4K)

AP_EXPORT ap_pa_t ap_pte_output_address(uint64_t bits, unsigned level)
{
	if (level > AP_LEAF_LEVEL)
		return 0;
	return bits & oa_mask(&GEOMETRY_4K, bits, level);
}

AP_EXPORT ap_attrs_t ap_pte_flags(uint64_t bits, unsigned level)
{
	if (level > AP_LEAF_LEVEL)
		return 0;
	return bits & ~oa_mask(&GEOMETRY_4K, bits, level);
}

AP_EXPORT bool ap_pte_is_valid(uint64_t bits)
{
	return is_valid(bits);
}

AP_EXPORT bool ap_pte_is_table_or_page(uint64_t bits)
{
	return (bits & 3) == 3;
}

AP_EXPORT bool ap_pte_is_table(uint64_t bits, unsigned level)
{
	return is_table(bits, level);
}

/* ------------------------------------------------------------ handles */

AP_EXPORT unsigned ap_descriptor_level(const ap_descriptor_t *d)
{
	return d ? d->level : 0;
}

/* The current value: a live entry may change under us (hardware access and
 * dirty updates), anything else is exactly what was last read or written. */
static inline uint64_t current_value(const ap_descriptor_t *d)
{
	return d->live && d->entry ? load_desc(d->entry) : d->value;
}

AP_EXPORT uint64_t ap_descriptor_bits(const ap_descriptor_t *d)
{
	return d ? current_value(d) : 0;
}

AP_EXPORT ap_pa_t ap_descriptor_output_address(const ap_descriptor_t *d)
{
	if (!d)
		return 0;
	uint64_t bits = ap_descriptor_bits(d);
	return bits & ap__descriptor_oa_mask(d, bits);
}

AP_EXPORT ap_attrs_t ap_descriptor_flags(const ap_descriptor_t *d)
{
	if (!d)
		return 0;
	uint64_t bits = ap_descriptor_bits(d);
	return bits & ~ap__descriptor_oa_mask(d, bits);
}

AP_EXPORT bool ap_descriptor_is_valid(const ap_descriptor_t *d)
{
	return d ? is_valid(ap_descriptor_bits(d)) : false;
}

AP_EXPORT bool ap_descriptor_is_table(const ap_descriptor_t *d)
{
	return d ? is_table(ap_descriptor_bits(d), d->level) : false;
}

AP_EXPORT bool ap_descriptor_updated(const ap_descriptor_t *d)
{
	return d ? d->updated : false;
}

/* Whether a live entry may take value after every valid value it held
 * during this callback. Checking against the AND and the OR of those values
 * is the same as checking against each of them: the rule looks only at the
 * bits set and the bits cleared, and at the output address. */
static bool live_value_ok(const ap_descriptor_t *d, uint64_t value)
{
	if (!d->live || d->held_or == 0)
		return true;
	return ap__live_change_ok(d->geo, d->format, d->level, d->held_and, value) &&
	       ap__live_change_ok(d->geo, d->format, d->level, d->held_or, value);
}

/* Whether value is an encoding a non-table entry of the handle's level may
 * hold: no table (bits[1:0] = 0b11 below level 3), no block where the
 * granule has none, no reserved 0b01 page, and no attribute bits inside a
 * block's output-address field. Inline: every descriptor write of a
 * modify callback passes here. */
static inline bool encoding_ok(const ap_descriptor_t *d, uint64_t value)
{
	if (d->level < AP_LEAF_LEVEL) {
		/* Bit 1 would make the entry a table pointer once it is valid:
		 * only the library links tables. */
		if (value & AP_ATTR_TABLE_OR_PAGE)
			return false;
		/* Bits from the page size up to the block size are RES0 in a
		 * block (bit 16 is nT in the stage 1 formats). */
		uint64_t res0 = d->page_oa & ~d->block_oa;
		if (value & res0 & ~ap__flags_allowed_in_oa_field(d->format))
			return false;
		return d->blocks_here || !is_valid(value);
	}
	/* At level 3, 0b01 is reserved: a valid page has bit 1 set. */
	return !is_valid(value) || (value & AP_ATTR_TABLE_OR_PAGE);
}

/* Stores a new value after the rules every write by a callback obeys,
 * keeping a hardware update of the access or dirty state that raced with
 * us on a live descriptor out of the picture: the compare-exchange only
 * succeeds against the value the rules were checked on. */
static inline __attribute__((always_inline)) ap_status_t
store_checked(ap_descriptor_t *d, uint64_t old, uint64_t value)
{
	if (value == old)
		return AP_OK;
	if (!encoding_ok(d, value))
		return AP_ERR_INVALID_FLAGS;
	if (!live_value_ok(d, value))
		return AP_ERR_BREAK_BEFORE_MAKE;
	if (!d->entry) {
		/* a copy for a dry run: only d->value changes */
	} else if (d->live) {
		uint64_t expected = old;
		if (!__atomic_compare_exchange_n(d->entry, &expected, value, false, __ATOMIC_RELEASE,
						 __ATOMIC_ACQUIRE)) {
			d->value = expected; /* what a retry builds on */
			return AP_ERR_BREAK_BEFORE_MAKE;
		}
	} else {
		store_desc(d->entry, value);
	}
	d->value = value;
	d->updated = true;
	if (d->live && is_valid(value)) {
		d->held_and &= value;
		d->held_or |= value;
	}
	return AP_OK;
}

/* The flags a callback may pass inside the output-address field: nT in a
 * stage 1 block; nothing at level 3, where bit 16 is an address bit (a map
 * ignores nT there, but a descriptor edit would silently drop it). */
static inline uint64_t oa_field_flags(const ap_descriptor_t *d)
{
	return d->level < AP_LEAF_LEVEL ? ap__flags_allowed_in_oa_field(d->format) : 0;
}

AP_EXPORT ap_status_t ap_descriptor_set(ap_descriptor_t *d, ap_pa_t pa, ap_attrs_t flags)
{
	if (!d)
		return AP_ERR_INVALID_ARGUMENT;
	/* Flags never reach into the output-address field, as for a map. */
	if (flags & ADDRESS_BITS & ~oa_field_flags(d))
		return AP_ERR_INVALID_FLAGS;
	/* Checked against the value the callback was handed (or last wrote):
	 * a caller that built flags from it must not erase an access-flag or
	 * dirty update the hardware made since. */
	uint64_t mask = ap__descriptor_oa_mask(d, flags);
	return store_checked(d, d->value, (pa & mask) | (flags & ~mask));
}

AP_EXPORT ap_status_t ap_descriptor_modify_flags(ap_descriptor_t *d, ap_attrs_t set,
						 ap_attrs_t clear)
{
	if (!d)
		return AP_ERR_INVALID_ARGUMENT;
	/* A bit both set and cleared is ambiguous; whichever we applied last
	 * would silently win (set-RO plus clear-RW gave S2AP none). */
	if (set & clear)
		return AP_ERR_INVALID_FLAGS;
	uint64_t old = current_value(d);
	uint64_t mask = ap__descriptor_oa_mask(d, old);
	ap_attrs_t old_flags = old & ~mask;
	ap_attrs_t flags = (old_flags | set) & ~clear;
	/* Turning a table into a block or the reverse would corrupt the
	 * hierarchy, live or not; and no flag may land in the address field. */
	if (((old_flags ^ flags) & AP_ATTR_TABLE_OR_PAGE) |
	    ((set | clear) & (mask | ADDRESS_BITS) & ~oa_field_flags(d)))
		return AP_ERR_INVALID_FLAGS;
	/* The same mask applies: TABLE_OR_PAGE did not change. */
	return store_checked(d, old, (old & mask) | (flags & ~mask));
}
