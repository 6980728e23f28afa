/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The walk of one address, with the MMU's view of the result. */
#include "walk.h"

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

/* The walk of one address: down through tables, collecting their
 * attributes, to the entry that ends it. */
typedef struct lookup {
	walk_t walk;
	ap_attrs_t table_attributes;
	uint64_t bits;
	unsigned level;
} lookup_t;

WALK_VISITOR ap_status_t lookup_visit(walk_t *w, visit_t *v, step_t *step)
{
	lookup_t *l = (lookup_t *)w;
	if (is_table(v->old, v->level)) {
		l->table_attributes |= v->old;
		*step = STEP_DESCEND;
	} else {
		l->bits = v->old;
		l->level = v->level;
	}
	return AP_OK;
}

static const walker_ops_t lookup_ops = {.visit = lookup_visit};

static inline __attribute__((always_inline)) ap_status_t
translate(const ap_mapping_t *mapping, const geometry_t *g, ap_va_t va, ap_translate_result_t *result)
{
	lookup_t l;
	error_detail_t detail;
	l.walk.m = mapping;
	l.walk.detail = &detail;
	l.table_attributes = 0;
	ap_status_t status =
		ap__walk_address(&l.walk, &lookup_ops, g, mapping->root, mapping->geo.root_level, va);
	if (AP_UNLIKELY(status != AP_OK))
		return status;
	uint64_t bits = l.bits;
	unsigned level = l.level;
	ap_translate_result_t r;
	r.size = sizeof(r);
	r.descriptor = bits;
	r.level = level;
	r.block_size = entry_size(g, level);
	r.table_attributes = l.table_attributes & TABLE_ATTRIBUTE_MASK;
	bool mapped = leaf_maps(g, bits, level);
	uint64_t mask = oa_mask(g, bits, level);
	r.attributes = mapped ? bits & ~mask : 0;
	r.output_address = mapped ? (bits & mask) + (va & (r.block_size - 1)) : 0;
	store_result(result, &r);
	return mapped ? AP_OK : AP_ERR_NOT_MAPPED;
}

AP_EXPORT ap_status_t ap_mapping_translate(const ap_mapping_t *mapping, ap_va_t va,
					   ap_translate_result_t *result)
{
	if (AP_UNLIKELY(!mapping || !result || result->size < sizeof(size_t) ||
			result->size > sizeof(*result)))
		return AP_ERR_INVALID_ARGUMENT;
	if (AP_UNLIKELY(!ap__va_in_range(mapping, va)))
		return AP_ERR_ADDRESS_RANGE;
	if (geometry_is_4k(&mapping->geo))
		return translate(mapping, &GEOMETRY_4K, va, result);
	return translate(mapping, &mapping->geo, va, result);
}
