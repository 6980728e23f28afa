/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Mappings: creation and destruction, the argument checks in front of the
 * edit engine, and the getters.
 */
#include "edit.h"

/* ------------------------------------------------------------ creation */

/* Options from a caller built against an older header have a smaller
 * size: ap__sized_copy leaves the newer fields zero, which asks for the
 * 4 KiB granule and the root level rule, as those callers expect. */
static ap_status_t check_options(const ap_mapping_options_t *options, ap_mapping_options_t *o,
				 const ap_regime_t **regime, geometry_t *geo)
{
	if (!options || !ap__sized_copy(o, sizeof(*o), options))
		return AP_ERR_INVALID_ARGUMENT;
	*regime = o->regime;
	if (!*regime && ap_regime_get(AP_REGIME_EL1AND0, regime) != AP_OK)
		return AP_ERR_INVALID_ARGUMENT;
	if ((unsigned)o->va_range > AP_VA_RANGE_UPPER || o->reserved != 0)
		return AP_ERR_INVALID_ARGUMENT;
	if (!ap__regime_has_asid((*regime)->kind) && (o->asid != 0 || o->va_range != AP_VA_RANGE_LOWER))
		return AP_ERR_INVALID_ARGUMENT;
	if ((*regime)->kind == AP_REGIME_STAGE2 && o->mair != 0)
		return AP_ERR_INVALID_ARGUMENT;
	return ap__geometry_make(o, (*regime)->kind, geo);
}

/* Tables larger than 4 KiB need the ops that allocate them (a read-only
 * mapping allocates nothing: it has no allocation op). */
static bool ops_fit_geometry(const ap_translation_ops_t *ops, const geometry_t *g)
{
	bool large = g->page_shift != AP_PAGE_SHIFT || g->root_tables > 1;
	return !large || !ops->allocate_table || (ops->allocate_tables && ops->free_tables);
}

/* A mapping without its root table, from checked options. */
static ap_status_t mapping_new(const ap_mapping_options_t *options, const translation_t *translation,
			       ap_mapping_t **out)
{
	ap_mapping_options_t o;
	const ap_regime_t *regime;
	geometry_t geo;
	ap_status_t status = check_options(options, &o, &regime, &geo);
	if (status != AP_OK)
		return status;
	if (!ops_fit_geometry(&translation->ops, &geo))
		return AP_ERR_UNSUPPORTED;
	ap_mapping_t *m = ap__object_alloc(sizeof(*m));
	if (!m)
		return AP_ERR_NO_MEMORY;
	m->regime = regime;
	m->format = ap__format_of(regime->kind);
	m->map_flags_allowed = ap__map_flags_allowed(regime->kind); /* asked on every map */
	m->geo = geo;
	m->asid = o.asid;
	m->va_range = o.va_range;
	m->mair = o.mair;
	m->va_size = (uint64_t)1 << geo.input_bits;
	m->va_base = o.va_range == AP_VA_RANGE_UPPER ? (uint64_t)0 - m->va_size : 0;
	m->translation = *translation;
	*out = m;
	return AP_OK;
}

ap_status_t ap__mapping_create(const ap_mapping_options_t *options, const translation_t *translation,
			       ap_mapping_t **out)
{
	ap_mapping_t *m;
	if (!out)
		return AP_ERR_INVALID_ARGUMENT;
	ap_status_t status = mapping_new(options, translation, &m);
	if (status != AP_OK)
		return status;
	status = ap__root_new(m);
	if (status != AP_OK) {
		ap__object_free(m);
		return status;
	}
	ap__regime_acquire(m->regime);
	*out = m;
	return AP_OK;
}

/* Copies a caller's translation ops; allocation is needed only to edit. */
static ap_status_t custom_translation(const ap_translation_ops_t *ops, void *ctx, bool allocates,
				      translation_t *t)
{
	__builtin_memset(t, 0, sizeof(*t));
	if (!ops || !ap__sized_copy(&t->ops, sizeof(t->ops), ops) || !t->ops.physical_to_virtual)
		return AP_ERR_INVALID_ARGUMENT;
	if (allocates && (!t->ops.allocate_table || !t->ops.free_table))
		return AP_ERR_INVALID_ARGUMENT;
	if (!allocates) {
		t->ops.allocate_table = NULL;
		t->ops.allocate_tables = NULL;
	}
	t->ctx = ctx;
	t->kind = TRANSLATION_CUSTOM;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_create(const ap_mapping_options_t *options,
					const ap_translation_ops_t *ops, void *ctx,
					ap_mapping_t **out)
{
	translation_t t;
	ap_status_t status = custom_translation(ops, ctx, true, &t);
	return status == AP_OK ? ap__mapping_create(options, &t, out) : status;
}

AP_EXPORT ap_status_t ap_mapping_open(const ap_mapping_options_t *options,
				      const ap_translation_ops_t *ops, void *ctx, ap_pa_t root,
				      ap_open_flags_t flags, ap_mapping_t **out)
{
	translation_t t;
	if (!out || (flags & ~(ap_open_flags_t)AP_OPEN_EDITABLE) || root >= PA_LIMIT)
		return AP_ERR_INVALID_ARGUMENT;
	bool editable = (flags & AP_OPEN_EDITABLE) != 0;
	ap_status_t status = custom_translation(ops, ctx, editable, &t);
	ap_mapping_t *m = NULL;
	if (status == AP_OK)
		status = mapping_new(options, &t, &m);
	if (status != AP_OK)
		return status;
	m->adopted = true;
	m->editable = editable;
	m->root_pa = root;
	/* TTBR and VTTBR want the root aligned to its size, 64 bytes at least. */
	uint64_t root_bytes = (uint64_t)m->geo.root_entries * sizeof(uint64_t);
	if (root & ((root_bytes < 64 ? 64 : root_bytes) - 1)) {
		ap__object_free(m);
		return AP_ERR_INVALID_ARGUMENT;
	}
	m->root = table_at(m, root);
	if (!m->root) {
		ap__object_free(m);
		return AP_ERR_BAD_TABLE_ADDRESS;
	}
	ap__regime_acquire(m->regime);
	*out = m;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_destroy(ap_mapping_t *mapping)
{
	if (!mapping)
		return AP_ERR_INVALID_ARGUMENT;
	/* From an inactive count straight to "being destroyed", so that no
	 * activation can slip in between the check and the free. */
	unsigned long inactive = 0;
	if (!__atomic_compare_exchange_n(&mapping->active_count, &inactive, ACTIVE_DESTROYING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return (inactive & ACTIVE_DESTROYING) ? AP_ERR_INVALID_ARGUMENT : AP_ERR_STILL_ACTIVE;
	/* Adopted tables stay the caller's, with the ones edits added. */
	if (!mapping->adopted)
		ap__table_free_tree(mapping, mapping->root, mapping->root_pa,
				    mapping->geo.root_level);
	if (mapping->translation.release)
		mapping->translation.release(mapping->translation.ctx);
	ap__regime_release(mapping->regime);
	ap__object_free(mapping);
	return AP_OK;
}

/* ------------------------------------------------------------ edits */

static bool error_arg_ok(const ap_error_t *err)
{
	return !err || (err->size >= sizeof(size_t) && err->size <= sizeof(ap_error_t));
}

/* Hands detail to the caller, keeping the caller's size field. Only the
 * field that belongs to the status is copied; the others stay zero, so
 * callers need not initialise the detail on paths that succeed. */
static ap_status_t report(ap_error_t *err, const error_detail_t *detail, ap_status_t status)
{
	if (!err)
		return status;
	ap_error_t full;
	__builtin_memset(&full, 0, sizeof(full));
	full.size = sizeof(full);
	full.status = status;
	switch (status) {
	case AP_ERR_ADDRESS_RANGE:
	case AP_ERR_INVALID_VIRTUAL_ADDRESS:
	case AP_ERR_BAD_TABLE_ADDRESS:
	case AP_ERR_MALFORMED_TABLE:
		full.address = detail->address;
		break;
	case AP_ERR_REGION_BACKWARDS:
	case AP_ERR_BREAK_BEFORE_MAKE:
		full.region = detail->region;
		break;
	case AP_ERR_PTE_UPDATE_FAULT:
	case AP_ERR_STOPPED:
		full.descriptor = detail->descriptor;
		break;
	case AP_ERR_INVALID_FLAGS:
		full.flags = detail->flags;
		break;
	default:
		break;
	}
	ap__sized_store(err, &full, sizeof(full));
	return status;
}

/* Rounds the region and checks it against the table; empty regions only
 * need their start to be in range. */
static inline __attribute__((always_inline)) ap_status_t
prepare_span(const ap_mapping_t *m, const ap_region_t *region, span_t *s, bool *empty,
	     error_detail_t *detail)
{
	ap_status_t status = ap__region_to_span(region, page_mask(&m->geo), s, empty);
	if (status != AP_OK) {
		detail->region = *region;
		return status;
	}
	uint64_t size = m->va_size;
	uint64_t start = region->start & ~page_mask(&m->geo);
	if (m->va_range == AP_VA_RANGE_UPPER) {
		if (start < m->va_base) {
			detail->address = start;
			return AP_ERR_ADDRESS_RANGE;
		}
	} else if (start >> 63) {
		detail->address = start;
		return AP_ERR_ADDRESS_RANGE;
	} else if (!*empty && s->last >= size) {
		detail->address = s->last + 1; /* the end, as the reference reports it */
		return AP_ERR_ADDRESS_RANGE;
	} else if (*empty && start > size) {
		detail->address = start;
		return AP_ERR_ADDRESS_RANGE;
	}
	return AP_OK;
}

/* Adopted tables are edited only when the caller allowed it, and only
 * once the whole tree is known to be a tree: a subtable reached from two
 * places could otherwise be freed under one of them. */
static ap_status_t adopted_edit_ok(const ap_mapping_t *m, error_detail_t *detail)
{
	if (!m->editable)
		return AP_ERR_READ_ONLY;
	return ap__count_tables(m, NULL, detail);
}

static inline __attribute__((always_inline)) ap_status_t
map_checked(ap_mapping_t *m, const ap_region_t *region, ap_pa_t pa, ap_attrs_t flags,
	    ap_constraints_t constraints, ap_error_t *err)
{
	error_detail_t detail;
	span_t s;
	bool empty;
	/* One check for every bit a block or page of this regime cannot hold:
	 * TABLE_OR_PAGE, the address field (nT aside), RES0 bits and bits the
	 * format does not define. */
	if (flags & ~m->map_flags_allowed) {
		detail.flags = flags;
		return report(err, &detail, AP_ERR_INVALID_FLAGS);
	}
	ap_status_t status = prepare_span(m, region, &s, &empty, &detail);
	if (status == AP_OK && AP_UNLIKELY(m->adopted))
		status = adopted_edit_ok(m, &detail);
	if (status != AP_OK || empty)
		return report(err, &detail, status);
	pa &= ~page_mask(&m->geo);
	/* The output range must fit in the 48-bit output-address field. */
	if (is_valid(flags) && (pa >= PA_LIMIT || s.last - s.start > PA_LIMIT - 1 - pa)) {
		detail.address = s.start;
		return report(err, &detail, AP_ERR_INVALID_VIRTUAL_ADDRESS);
	}
	return report(err, &detail, ap__map_span(m, s, pa, flags, constraints, &detail));
}

#define KNOWN_CONSTRAINTS (AP_CONSTRAINT_NO_BLOCK_MAPPINGS | AP_CONSTRAINT_NO_CONTIGUOUS_HINT)

AP_EXPORT ap_status_t ap_mapping_map(ap_mapping_t *mapping, const ap_region_t *region, ap_pa_t pa,
				     ap_attrs_t flags, ap_constraints_t constraints, ap_error_t *err)
{
	if (!mapping || !region || !error_arg_ok(err) || (constraints & ~KNOWN_CONSTRAINTS))
		return AP_ERR_INVALID_ARGUMENT;
	return map_checked(mapping, region, pa, flags, constraints, err);
}

AP_EXPORT ap_status_t ap_mapping_unmap(ap_mapping_t *mapping, const ap_region_t *region,
				       ap_error_t *err)
{
	return ap_mapping_map(mapping, region, 0, 0, AP_CONSTRAINT_NONE, err);
}

/* The linear translation's address arithmetic: signed, never wrapping. */
static ap_status_t linear_va_to_pa(const ap_mapping_t *m, ap_va_t va, ap_pa_t *pa)
{
	int64_t result;
	if (__builtin_add_overflow((int64_t)va, m->translation.offset, &result) || result < 0)
		return AP_ERR_INVALID_VIRTUAL_ADDRESS;
	*pa = (uint64_t)result;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_va_to_pa(const ap_mapping_t *mapping, ap_va_t va, ap_pa_t *pa)
{
	if (!mapping || !pa)
		return AP_ERR_INVALID_ARGUMENT;
	if (mapping->translation.kind != TRANSLATION_LINEAR)
		return AP_ERR_UNSUPPORTED;
	return linear_va_to_pa(mapping, va, pa);
}

AP_EXPORT ap_status_t ap_mapping_map_auto(ap_mapping_t *mapping, const ap_region_t *region,
					  ap_attrs_t flags, ap_constraints_t constraints,
					  ap_error_t *err)
{
	if (!mapping || !region || !error_arg_ok(err) || (constraints & ~KNOWN_CONSTRAINTS))
		return AP_ERR_INVALID_ARGUMENT;
	if (mapping->translation.kind != TRANSLATION_LINEAR)
		return AP_ERR_UNSUPPORTED;
	ap_pa_t pa;
	uint64_t start = region->start & ~page_mask(&mapping->geo);
	if (linear_va_to_pa(mapping, start, &pa) != AP_OK) {
		error_detail_t detail;
		__builtin_memset(&detail, 0, sizeof(detail));
		detail.address = start;
		return report(err, &detail, AP_ERR_INVALID_VIRTUAL_ADDRESS);
	}
	return map_checked(mapping, region, pa, flags, constraints, err);
}

AP_EXPORT ap_status_t ap_mapping_modify(ap_mapping_t *mapping, const ap_region_t *region,
					ap_modify_fn fn, void *ctx, ap_error_t *err)
{
	if (!mapping || !region || !fn || !error_arg_ok(err))
		return AP_ERR_INVALID_ARGUMENT;
	error_detail_t detail;
	span_t s;
	bool empty;
	ap_status_t status = prepare_span(mapping, region, &s, &empty, &detail);
	if (status == AP_OK && mapping->adopted)
		status = adopted_edit_ok(mapping, &detail);
	if (status != AP_OK || empty)
		return report(err, &detail, status);
	return report(err, &detail, ap__modify_span(mapping, s, fn, ctx, &detail));
}

static ap_status_t walk_checked(const ap_mapping_t *mapping, const ap_region_t *region,
				ap_walk_fn fn, ap_walk_run_fn run_fn, void *ctx, ap_error_t *err)
{
	error_detail_t detail;
	span_t s;
	bool empty;
	ap_status_t status = prepare_span(mapping, region, &s, &empty, &detail);
	if (status != AP_OK || empty)
		return report(err, &detail, status);
	return report(err, &detail, ap__walk_span(mapping, s, fn, run_fn, ctx, &detail));
}

AP_EXPORT ap_status_t ap_mapping_walk(const ap_mapping_t *mapping, const ap_region_t *region,
				      ap_walk_fn fn, void *ctx, ap_error_t *err)
{
	if (!mapping || !region || !fn || !error_arg_ok(err))
		return AP_ERR_INVALID_ARGUMENT;
	return walk_checked(mapping, region, fn, NULL, ctx, err);
}

AP_EXPORT ap_status_t ap_mapping_walk_runs(const ap_mapping_t *mapping, const ap_region_t *region,
					   ap_walk_run_fn fn, void *ctx, ap_error_t *err)
{
	if (!mapping || !region || !fn || !error_arg_ok(err))
		return AP_ERR_INVALID_ARGUMENT;
	return walk_checked(mapping, region, NULL, fn, ctx, err);
}

AP_EXPORT ap_status_t ap_mapping_compact(ap_mapping_t *mapping)
{
	if (!mapping)
		return AP_ERR_INVALID_ARGUMENT;
	if (mapping->adopted) {
		error_detail_t detail;
		ap_status_t status = adopted_edit_ok(mapping, &detail);
		if (status != AP_OK)
			return status;
	}
	ap__compact(mapping);
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_is_active(const ap_mapping_t *mapping, bool *active)
{
	if (!mapping || !active)
		return AP_ERR_INVALID_ARGUMENT;
	*active = mapping_live(mapping);
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_root_address(const ap_mapping_t *mapping, ap_pa_t *root)
{
	if (!mapping || !root)
		return AP_ERR_INVALID_ARGUMENT;
	*root = mapping->root_pa;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_ttbr(const ap_mapping_t *mapping, uint64_t *ttbr)
{
	if (!mapping || !ttbr)
		return AP_ERR_INVALID_ARGUMENT;
	*ttbr = mapping->root_pa | ((uint64_t)mapping->asid << 48);
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_size(const ap_mapping_t *mapping, uint64_t *size)
{
	if (!mapping || !size)
		return AP_ERR_INVALID_ARGUMENT;
	*size = mapping->va_size;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_root_level(const ap_mapping_t *mapping, unsigned *level)
{
	if (!mapping || !level)
		return AP_ERR_INVALID_ARGUMENT;
	*level = mapping->geo.root_level;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_asid(const ap_mapping_t *mapping, uint16_t *asid)
{
	if (!mapping || !asid)
		return AP_ERR_INVALID_ARGUMENT;
	if (!ap__regime_has_asid(mapping->regime->kind))
		return AP_ERR_UNSUPPORTED;
	*asid = mapping->asid;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_va_range(const ap_mapping_t *mapping, ap_va_range_t *va_range)
{
	if (!mapping || !va_range)
		return AP_ERR_INVALID_ARGUMENT;
	*va_range = mapping->va_range;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_regime(const ap_mapping_t *mapping, const ap_regime_t **regime)
{
	if (!mapping || !regime)
		return AP_ERR_INVALID_ARGUMENT;
	*regime = mapping->regime;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_mapping_table_count(const ap_mapping_t *mapping, size_t *count)
{
	if (!mapping || !count)
		return AP_ERR_INVALID_ARGUMENT;
	if (!mapping->adopted) {
		*count = mapping->table_count;
		return AP_OK;
	}
	error_detail_t detail;
	return ap__count_tables(mapping, count, &detail);
}

AP_EXPORT ap_status_t ap_mapping_pa_to_table(const ap_mapping_t *mapping, ap_pa_t pa, uint64_t *va)
{
	if (!mapping || !va)
		return AP_ERR_INVALID_ARGUMENT;
	void *table;
	if (mapping->translation.kind == TRANSLATION_LINEAR) {
		int64_t result;
		/* As the reference: negative physical addresses, arithmetic
		 * overflow and address 0 have no table. */
		if ((int64_t)pa < 0 ||
		    __builtin_sub_overflow((int64_t)pa, mapping->translation.offset, &result) ||
		    result == 0)
			return AP_ERR_BAD_TABLE_ADDRESS;
		table = (void *)(uintptr_t)(uint64_t)result;
	} else {
		table = mapping->translation.ops.physical_to_virtual(mapping->translation.ctx, pa);
	}
	if (!table)
		return AP_ERR_BAD_TABLE_ADDRESS;
	*va = (uint64_t)(uintptr_t)table;
	return AP_OK;
}
