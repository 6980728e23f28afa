/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* A software table walk of one address, with the MMU's view of the result. */
#include "internal.h"

AP_EXPORT ap_status_t ap_mapping_translate(const ap_mapping_t *mapping, ap_va_t va,
					   ap_translate_result_t *result)
{
	ap_translate_result_t r;
	if (!mapping || !result || result->size < sizeof(size_t) || result->size > sizeof(r))
		return AP_ERR_INVALID_ARGUMENT;
	r.size = sizeof(r);
	if (!ap__va_in_range(mapping, va))
		return AP_ERR_ADDRESS_RANGE;
	const uint64_t *table = mapping->root;
	ap_attrs_t table_attributes = 0;
	for (unsigned level = mapping->root_level;; level++) {
		uint64_t bits = load_desc(&table[entry_index(va, level)]);
		uint64_t size = granule(level);
		if (is_table(bits, level)) {
			table_attributes |= bits & TABLE_ATTRIBUTE_MASK;
			table = table_at(mapping, bits & OA_FIELD_MASK);
			if (!table)
				return AP_ERR_BAD_TABLE_ADDRESS;
			continue;
		}
		r.descriptor = bits;
		r.level = level;
		r.block_size = size;
		r.table_attributes = table_attributes;
		/* Level 0 has no blocks with this granule, and at level 3 the
		 * encoding 0b01 is reserved: both fault as invalid would. */
		bool mapped = is_valid(bits) && level != 0 &&
			      (level != AP_LEAF_LEVEL || (bits & AP_ATTR_TABLE_OR_PAGE));
		r.attributes = mapped ? ap_pte_flags(bits, level) : 0;
		r.output_address = mapped ? ap_pte_output_address(bits, level) + (va & (size - 1)) : 0;
		ap__sized_store(result, &r, sizeof(r));
		return mapped ? AP_OK : AP_ERR_NOT_MAPPED;
	}
}
