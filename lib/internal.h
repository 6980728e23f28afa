/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Internal declarations shared by the library's source files. Nothing here
 * is part of the ABI. The core (everything outside lib/hosted/) must stay
 * freestanding: no libc calls, no malloc, no stdio.
 */
#ifndef AP_INTERNAL_H
#define AP_INTERNAL_H

#include <aarch64_paging.h>

/* Everything declared here stays inside the library: calls and addresses of
 * these functions need no GOT or PLT, in the shared object as in a
 * freestanding image. */
#pragma GCC visibility push(hidden)

/* Marks the definition of an exported function; everything else is hidden. */
#define AP_EXPORT __attribute__((visibility("default")))

#define AP_UNUSED __attribute__((unused))
/* For a function whose arguments GCC's basic-block vectoriser would pair
 * through the stack (two 8-byte stores, one 16-byte load: a store-
 * forwarding stall on every call). Clang does not do this and has no such
 * attribute. */
#if defined(__clang__)
#define AP_NO_SLP
#else
#define AP_NO_SLP __attribute__((optimize("no-tree-slp-vectorize")))
#endif
#define AP_LIKELY(x) __builtin_expect(!!(x), 1)
#define AP_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Largest physical address a descriptor can hold, plus one. */
#define PA_LIMIT (UINT64_C(1) << 48)
/* Table attributes (bits 59..63) that only table descriptors carry. */
#define TABLE_ATTRIBUTE_MASK UINT64_C(0xf800000000000000)

/* ---------------------------------------------------------------- regions */

/* A non-empty inclusive span of input addresses; inclusive so that the top
 * page (last = 2^64 - 1) needs no 65-bit arithmetic. */
typedef struct span {
	uint64_t start;
	uint64_t last;
} span_t;

/* Rounds a caller's region out to pages of page_mask + 1 bytes. Returns
 * AP_OK with *empty set when the region has no bytes, or
 * AP_ERR_REGION_BACKWARDS when it wraps. */
static inline ap_status_t ap__region_to_span(const ap_region_t *region, uint64_t page_mask,
					     span_t *out, bool *empty)
{
	*empty = region->size == 0;
	if (*empty)
		return AP_OK;
	if (region->size - 1 > UINT64_MAX - region->start)
		return AP_ERR_REGION_BACKWARDS;
	out->start = region->start & ~page_mask;
	out->last = (region->start + (region->size - 1)) | page_mask;
	return AP_OK;
}
/* The region a span describes. */
ap_region_t ap__span_to_region(span_t s);

/* ---------------------------------------------------------------- geometry */

/*
 * The shape of a mapping's tables: its granule and where its walk starts.
 * Every rule that depends on the granule reads it from here; the rules
 * themselves (which sizes and starting levels the architecture allows) are
 * in geometry.c. Level 3 holds pages with every granule.
 */
typedef struct geometry {
	unsigned page_shift;        /* 12, 14 or 16 */
	unsigned bits;              /* resolved per level: page_shift - 3 */
	unsigned root_level;        /* where the walk starts */
	unsigned first_block_level; /* the shallowest level with blocks */
	unsigned input_bits;        /* 2^input_bits bytes of input space */
	unsigned root_entries;      /* entries of the (maybe concatenated) root */
	unsigned root_tables;       /* tables the root is made of */
	ap_granule_t granule;
	/* Derived, so that the walks' index and mask arithmetic is a load
	 * instead of a computation: */
	bool is_4k;                             /* geometry_is_4k() */
	uint64_t page_mask;                     /* page_size() - 1 */
	uint8_t shift[AP_LEAF_LEVEL + 1];       /* level_shift() */
	uint32_t index_mask[AP_LEAF_LEVEL + 1]; /* table_entries() - 1 */
	uint64_t oa_field;                      /* oa_field() */
	uint64_t block_oa[AP_LEAF_LEVEL + 1];   /* a block's output-address field */
} geometry_t;

/* The geometry options ask for, checked against the architecture's rules. */
ap_status_t ap__geometry_make(const ap_mapping_options_t *options, ap_regime_kind_t kind,
			      geometry_t *g);
/*
 * The 4 KiB geometry with a whole table at the root, as a constant the
 * compiler can see: the hot operations (map, modify, walk, translate) are
 * compiled once with it, for every mapping made without choosing a granule
 * or size, and once with the mapping's own geometry for the rest, so that
 * 4 KiB walks keep constant shifts and masks. Its root_level and
 * input_bits describe no mapping: code handed it reads those from the
 * mapping. The functions of the ABI that take a level but no mapping
 * (ap_pte_*, ap_bbm_safe) use it too: they describe the 4 KiB granule.
 */
static const geometry_t GEOMETRY_4K = {
	.page_shift = 12,
	.bits = 9,
	.root_level = 0,
	.first_block_level = 1,
	.input_bits = 48,
	.root_entries = 512,
	.root_tables = 1,
	.granule = AP_GRANULE_4K,
	.is_4k = true,
	.page_mask = 4095,
	.shift = {39, 30, 21, 12},
	.index_mask = {511, 511, 511, 511},
	.oa_field = UINT64_C(0x0000fffffffff000),
	.block_oa = {UINT64_C(0x0000ff8000000000), UINT64_C(0x0000ffffc0000000),
		     UINT64_C(0x0000ffffffe00000), UINT64_C(0x0000fffffffff000)},
};

/* Whether g walks exactly as GEOMETRY_4K does: 4 KiB pages, and a root
 * that is one whole table. */
static inline bool geometry_is_4k(const geometry_t *g)
{
	return g->is_4k;
}
/* log2 of a granule's page size, or 0 for a value that names none. */
unsigned ap__granule_page_shift(ap_granule_t granule);

static inline uint64_t page_mask(const geometry_t *g)
{
	return g->page_mask;
}

static inline uint64_t page_size(const geometry_t *g)
{
	return page_mask(g) + 1;
}

/* Levels inside the library are 0..3 by construction (the ABI's entry
 * points check theirs); saying so lets the compiler drop bounds it cannot
 * prove, such as a split's level + 1. */
static inline unsigned known_level(unsigned level)
{
	if (level > AP_LEAF_LEVEL)
		__builtin_unreachable();
	return level;
}

/* log2 of the bytes one entry of a table at level covers. */
static inline unsigned level_shift(const geometry_t *g, unsigned level)
{
	return g->shift[known_level(level)];
}

static inline uint64_t entry_size(const geometry_t *g, unsigned level)
{
	return (uint64_t)1 << level_shift(g, level);
}

/* Entries of a table at level: the root may have fewer (a small top
 * level) or more (concatenated stage 2 tables) than a table's page. */
static inline unsigned table_entries(const geometry_t *g, unsigned level)
{
	return g->index_mask[known_level(level)] + 1;
}

static inline unsigned entry_index(const geometry_t *g, uint64_t va, unsigned level)
{
	return (unsigned)(va >> level_shift(g, level)) & g->index_mask[known_level(level)];
}

/* The output-address field of tables and pages: bits 47 down to the page
 * size (with 64 KiB pages bits 15:12 are RES0, OA[51:48] with FEAT_LPA). */
static inline uint64_t oa_field(const geometry_t *g)
{
	return g->oa_field;
}

/* ---------------------------------------------------------------- objects */

/* Memory for library objects (mappings, regimes, the state of the built-in
 * translations): malloc in hosted builds, a static pool in freestanding
 * ones. Returns zeroed memory or NULL. */
void *ap__object_alloc(size_t size);
void ap__object_free(void *object);

/* ---------------------------------------------------------------- formats */

/* The three descriptor formats and their attribute rules. */
typedef enum format {
	FORMAT_EL1 = 0,  /* EL1&0 and EL2&0 */
	FORMAT_EL23 = 1, /* EL2, EL3 */
	FORMAT_STAGE2 = 2,
} format_t;

format_t ap__format_of(ap_regime_kind_t kind);
/* The one rule for live tables: whether an entry at level that walkers may
 * have cached as old may be overwritten with value without a break. */
bool ap__live_change_ok(const struct geometry *g, format_t format, unsigned level, uint64_t old,
			uint64_t value);
/* Bits a caller may pass as mapping flags in the output-address field:
 * nT (bit 16) is an attribute of stage 1 block descriptors. */
static inline uint64_t ap__flags_allowed_in_oa_field(format_t format)
{
	return format == FORMAT_STAGE2 ? 0 : AP_EL1_NT;
}

/* The flags a map may write into a block or page of a regime: the bits the
 * Arm ARM gives a meaning there (including those of optional features, which
 * the library cannot see), as the header documents at AP_ATTR_VALID.
 * TABLE_OR_PAGE is the library's choice, the address field is pa's. */
static inline ap_attrs_t ap__map_flags_allowed(ap_regime_kind_t kind)
{
	const ap_attrs_t lower = UINT64_C(0xffc);                 /* bits 11:2 */
	const ap_attrs_t upper = UINT64_C(0x7ffc000000000000);    /* bits 62:50 */
	ap_attrs_t allowed = AP_ATTR_VALID | lower | upper;
	switch (kind) {
	case AP_REGIME_STAGE2:
		return allowed & ~AP_EL1_GP; /* no guarded pages in stage 2 */
	case AP_REGIME_EL2:
		/* One VA range: nG is RES0. One privilege level: PXN is RES0. */
		return (allowed | AP_EL1_NT) & ~(AP_EL23_NON_GLOBAL | AP_EL1_PXN);
	case AP_REGIME_EL3:
		/* Bit 11 is NSE with FEAT_RME; PXN is RES0 as at EL2. */
		return (allowed | AP_EL1_NT) & ~AP_EL1_PXN;
	default:
		return allowed | AP_EL1_NT;
	}
}

/* Output-address field of a descriptor at a level (depends on whether it is
 * a table/page or a block). */
static inline uint64_t oa_mask(const geometry_t *g, uint64_t bits, unsigned level)
{
	if (level == AP_LEAF_LEVEL || (bits & AP_ATTR_TABLE_OR_PAGE))
		return oa_field(g);
	return g->block_oa[known_level(level)];
}

static inline bool is_valid(uint64_t bits)
{
	return (bits & AP_ATTR_VALID) != 0;
}

/* A valid descriptor pointing to a next-level table. */
static inline bool is_table(uint64_t bits, unsigned level)
{
	return level < AP_LEAF_LEVEL && (bits & 3) == 3;
}

/* Encodings: the address is masked to the field of the level, and flags
 * never leak into it (so NT cannot shift a page's address). */
static inline uint64_t encode_leaf(const geometry_t *g, unsigned level, ap_pa_t pa, ap_attrs_t flags)
{
	uint64_t mask = oa_mask(g, flags, level);
	return (pa & mask) | (flags & ~mask);
}

static inline uint64_t encode_table(const geometry_t *g, ap_pa_t pa)
{
	return (pa & oa_field(g)) | AP_ATTR_TABLE_OR_PAGE | AP_ATTR_VALID;
}

/* The table a table descriptor points to. */
static inline ap_pa_t table_address(const geometry_t *g, uint64_t descriptor)
{
	return descriptor & oa_field(g);
}

/* Whether a valid non-table entry at level maps its range, as the MMU
 * reads it: levels above the granule's first block level have no blocks
 * (level 0 with 4 KiB, levels 0 and 1 with 16 and 64 KiB), and at level 3
 * the encoding 0b01 is reserved. Both fault as an invalid entry would. */
static inline bool leaf_maps(const geometry_t *g, uint64_t bits, unsigned level)
{
	return is_valid(bits) && level >= g->first_block_level &&
	       (level != AP_LEAF_LEVEL || (bits & AP_ATTR_TABLE_OR_PAGE));
}

/* Single-copy-atomic descriptor accesses. Stores use release ordering so a
 * walker that sees a new table pointer also sees the table's contents. */
static inline uint64_t load_desc(const uint64_t *entry)
{
	return __atomic_load_n(entry, __ATOMIC_ACQUIRE);
}

static inline void store_desc(uint64_t *entry, uint64_t value)
{
	__atomic_store_n(entry, value, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------------- regimes */

struct ap_regime {
	ap_regime_kind_t kind;
	bool builtin;
	ap_regime_hooks_t hooks;
	void *ctx;
	unsigned long users; /* mappings using a custom regime (atomic) */
};

/* Whether attribute @p index of @p mair is Device memory (mair.c). */
bool ap__mair_is_device(ap_mair_t mair, unsigned index);
/* Whether stage 2 attributes @p flags name Device memory (mair.c). */
bool ap__s2_memattr_is_device(ap_attrs_t flags);

/* Whether kind is one of the ap_regime_kind_t values. */
bool ap__regime_kind_ok(ap_regime_kind_t kind);
bool ap__regime_has_asid(ap_regime_kind_t kind);
void ap__regime_invalidate(const ap_regime_t *regime, const ap_invalidation_t *inv);
void ap__regime_barrier(const ap_regime_t *regime);
uint64_t ap__regime_activate(const ap_regime_t *regime, ap_pa_t root, uint16_t asid,
			     ap_va_range_t va_range);
void ap__regime_deactivate(const ap_regime_t *regime, uint64_t previous, uint16_t asid,
			   ap_va_range_t va_range);
void ap__regime_acquire(const ap_regime_t *regime);
void ap__regime_release(const ap_regime_t *regime);

/* ---------------------------------------------------------------- mappings */

/* How a mapping's translation turns addresses around; lets hot paths avoid
 * an indirect call for the built-in linear translations. */
typedef enum translation_kind {
	TRANSLATION_CUSTOM = 0,
	TRANSLATION_LINEAR = 1, /* identity is linear with offset 0 */
	TRANSLATION_TARGET = 2,
} translation_kind_t;

/* What the hosted translations hand to the core. */
typedef struct translation {
	ap_translation_ops_t ops;
	void *ctx;
	translation_kind_t kind;
	int64_t offset;             /* linear: pa = va + offset */
	void (*release)(void *ctx); /* frees ctx when the mapping goes */
} translation_t;

struct ap_mapping {
	const ap_regime_t *regime;
	format_t format;
	geometry_t geo;
	uint16_t asid;
	ap_va_range_t va_range;
	ap_mair_t mair; /* stage 1, 0 if not told: names memory types in dumps */
	uint64_t *root;
	ap_pa_t root_pa;
	uint64_t va_base; /* lowest input address covered */
	uint64_t va_size; /* bytes of input address space covered */
	translation_t translation;
	/* The leaf table of the region last edited, a hint that spares
	 * page-by-page edits the walk down; dropped whenever a table is freed. */
	uint64_t hint_va;
	uint64_t *hint_leaf;
	size_t table_count;
	unsigned long active_count; /* atomic */
	/* Tables adopted with ap_mapping_open(): they may be malformed (shared
	 * or looping), edits need `editable`, and destroy frees none of them. */
	bool adopted;
	bool editable;
	ap_attrs_t map_flags_allowed; /* ap__map_flags_allowed() of the regime */
};

ap_status_t ap__mapping_create(const ap_mapping_options_t *options, const translation_t *translation,
			       ap_mapping_t **out);

/* Set in active_count by ap_mapping_destroy once it has begun: activation
 * calls that arrive later are refused instead of counting a mapping that is
 * being freed. */
#define ACTIVE_DESTROYING (~0UL ^ (~0UL >> 1))

static inline bool mapping_live(const ap_mapping_t *m)
{
	return (__atomic_load_n(&m->active_count, __ATOMIC_ACQUIRE) & ~ACTIVE_DESTROYING) != 0;
}

/* The table behind a table descriptor's output address, or NULL. */
static inline uint64_t *table_at(const ap_mapping_t *m, ap_pa_t pa)
{
	if (AP_LIKELY(m->translation.kind == TRANSLATION_LINEAR))
		return (uint64_t *)(uintptr_t)(pa - (uint64_t)m->translation.offset);
	return (uint64_t *)m->translation.ops.physical_to_virtual(m->translation.ctx, pa);
}

/* Whether an input address lies in the mapping's VA range. */
static inline bool ap__va_in_range(const ap_mapping_t *m, ap_va_t va)
{
	return va - m->va_base < m->va_size;
}

/* Copies a caller struct that starts with a size field into a zeroed local,
 * rejecting sizes of 0 or beyond what this library knows. */
bool ap__sized_copy(void *dst, size_t dst_size, const void *src);
/* Writes a result struct back honouring the caller's size field. */
void ap__sized_store(void *dst, const void *src, size_t src_size);

#pragma GCC visibility pop

#endif
