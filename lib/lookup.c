/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* A software table walk of one address, with the MMU's view of the result. */
#include "internal.h"

/* Fields are written one by one: copying a just-built local struct with
 * wide moves defeats store forwarding and costs more than the walk. */
static void store_result(ap_translate_result_t *result, const ap_translate_result_t *r)
{
	if (result->size == sizeof(*r)) {
		result->output_address = r->output_address;
		result->attributes = r->attributes;
		result->table_attributes = r->table_attributes;
		result->descriptor = r->descriptor;
		result->level = r->level;
		result->block_size = r->block_size;
	} else {
		ap__sized_store(result, r, sizeof(*r));
	}
}

AP_EXPORT ap_status_t ap_mapping_translate(const ap_mapping_t *mapping, ap_va_t va,
					   ap_translate_result_t *result)
{
	if (AP_UNLIKELY(!mapping || !result || result->size < sizeof(size_t) ||
			result->size > sizeof(*result)))
		return AP_ERR_INVALID_ARGUMENT;
	if (AP_UNLIKELY(!ap__va_in_range(mapping, va)))
		return AP_ERR_ADDRESS_RANGE;
	const uint64_t *table = mapping->root;
	unsigned level = mapping->root_level;
	unsigned shift = AP_PAGE_SHIFT + (AP_LEAF_LEVEL - level) * AP_BITS_PER_LEVEL;
	ap_attrs_t table_attributes = 0;
	uint64_t bits;
	for (;;) {
		bits = load_desc(&table[(va >> shift) & (ENTRY_COUNT - 1)]);
		if ((bits & 3) != 3 || level == AP_LEAF_LEVEL)
			break;
		table_attributes |= bits;
		table = table_at(mapping, bits & OA_FIELD_MASK);
		if (AP_UNLIKELY(!table))
			return AP_ERR_BAD_TABLE_ADDRESS;
		level++;
		shift -= AP_BITS_PER_LEVEL;
	}
	ap_translate_result_t r;
	r.size = sizeof(r);
	r.descriptor = bits;
	r.level = level;
	r.block_size = (uint64_t)1 << shift;
	r.table_attributes = table_attributes & TABLE_ATTRIBUTE_MASK;
	/* Level 0 has no blocks with this granule, and at level 3 the
	 * encoding 0b01 is reserved: both fault as an invalid entry would. */
	bool mapped = is_valid(bits) && level != 0 &&
		      (level != AP_LEAF_LEVEL || (bits & AP_ATTR_TABLE_OR_PAGE));
	uint64_t mask = oa_mask(bits, level);
	r.attributes = mapped ? bits & ~mask : 0;
	r.output_address = mapped ? (bits & mask) + (va & (r.block_size - 1)) : 0;
	store_result(result, &r);
	return mapped ? AP_OK : AP_ERR_NOT_MAPPED;
}
