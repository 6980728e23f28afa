/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Ports of the reference's idmap.rs tests through the built-in identity
 * translation (ap_mapping_create_identity). The reference's IdMap maps each
 * address to itself: ap_mapping_map_auto() does the same here. "Activating"
 * a table in a hosted build only counts the activation, which is what makes
 * the break-before-make rules apply.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

/*
 * The suite is built once per granule: IDMAP_GRANULE is the ap_granule_t
 * value (0 or unset: 4 KiB, tests/check_idmap; 1: 16 KiB,
 * tests/check_idmap_16k; 2: 64 KiB, tests/check_idmap_64k). The
 * reference's tests are written for 4 KiB pages; their sizes come from the
 * granule's geometry here, which with 4 KiB gives the reference's numbers.
 */
#ifndef IDMAP_GRANULE
#define IDMAP_GRANULE 0
#endif
#if IDMAP_GRANULE == 0
#define IDMAP_PAGE_BITS 12u
#elif IDMAP_GRANULE == 1
#define IDMAP_PAGE_BITS 14u
#elif IDMAP_GRANULE == 2
#define IDMAP_PAGE_BITS 16u
#else
#error "IDMAP_GRANULE must be 0 (4 KiB), 1 (16 KiB) or 2 (64 KiB)"
#endif
#define IDMAP_GRANULE_VALUE ((ap_granule_t)IDMAP_GRANULE)
/* Bits each level resolves: 9, 11, 13. */
#define IDMAP_BITS (IDMAP_PAGE_BITS - 3u)
/* The page (and table) size: 4, 16, 64 KiB. */
#define IDMAP_PAGE (UINT64_C(1) << IDMAP_PAGE_BITS)
/* Entries in a whole table: 512, 2048, 8192. */
#define IDMAP_ENTRIES (1u << IDMAP_BITS)
/* log2 of the bytes an entry at @level covers. */
#define IDMAP_SHIFT(level) (IDMAP_PAGE_BITS + (3u - (level)) * IDMAP_BITS)
/* A level-2 entry (a level-2 block): 2 MiB, 32 MiB, 512 MiB. */
#define IDMAP_BLOCK_L2 (UINT64_C(1) << IDMAP_SHIFT(2))
/* A level-1 entry: 1 GiB (a block), 64 GiB, 4 TiB (tables only). */
#define IDMAP_L1_ENTRY (UINT64_C(1) << IDMAP_SHIFT(1))
/* The space of a mapping whose root is one whole table at @level, capped
 * at 48 bits: min(2^48, 2^(page bits + (4 - level) * bits per level)). */
#define IDMAP_SPACE(level)                                                                 \
	(IDMAP_SHIFT(level) + IDMAP_BITS >= 48u ? UINT64_C(1) << 48                         \
						: UINT64_C(1) << (IDMAP_SHIFT(level) + IDMAP_BITS))
/* The shallowest level with blocks: 1 with 4 KiB, 2 with 16 and 64 KiB. */
#define IDMAP_FIRST_BLOCK_LEVEL (IDMAP_GRANULE == 0 ? 1 : 2)

#define MAX_ADDRESS_FOR_ROOT_LEVEL_1 IDMAP_SPACE(1)
#define DEVICE_NGNRE AP_EL1_ATTRIBUTE_INDEX_0
#define NORMAL_CACHEABLE (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE)
#define NORMAL_VALID (NORMAL_CACHEABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

/* IdMap::with_asid(1, level, El1And0) */
static ap_status_t try_new_idmap(unsigned root_level, ap_mapping_t **m)
{
	ap_mapping_options_t o = opts(NULL, root_level, 1, AP_VA_RANGE_LOWER);
	o.granule = IDMAP_GRANULE_VALUE;
	*m = NULL;
	return ap_mapping_create_identity(&o, m);
}

static ap_mapping_t *new_idmap(unsigned root_level)
{
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(try_new_idmap(root_level, &m), AP_OK);
	ck_assert_ptr_nonnull(m);
	ap_translation_control_t tc = AP_TRANSLATION_CONTROL_INIT;
	ck_assert_int_eq(ap_mapping_translation_control(m, &tc), AP_OK);
	ck_assert_int_eq(tc.granule, IDMAP_GRANULE_VALUE);
	return m;
}

static uint64_t activate(ap_mapping_t *m)
{
	uint64_t ttbr = 0;
	ck_assert_int_eq(ap_mapping_activate(m, &ttbr), AP_OK);
	bool active = false;
	ck_assert_int_eq(ap_mapping_is_active(m, &active), AP_OK);
	ck_assert(active);
	return ttbr;
}

static void deactivate(ap_mapping_t *m, uint64_t ttbr)
{
	ck_assert_int_eq(ap_mapping_deactivate(m, ttbr), AP_OK);
	bool active = true;
	ck_assert_int_eq(ap_mapping_is_active(m, &active), AP_OK);
	ck_assert(!active);
}

static void destroy(ap_mapping_t *m)
{
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

/* idmap.map_range(&MemoryRegion::new(start, end), flags) */
static ap_status_t map_range(ap_mapping_t *m, uint64_t start, uint64_t end, ap_attrs_t flags,
			     ap_error_t *err)
{
	ap_region_t r = R(start, end);
	return ap_mapping_map_auto(m, &r, flags, AP_CONSTRAINT_NONE, err);
}

static void expect_bbm(ap_status_t status, const ap_error_t *err, uint64_t start, uint64_t end)
{
	ap_region_t expected = R(start, end);
	ck_assert_int_eq(status, AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(err->status, AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err->region.start, expected.start);
	ck_assert_uint_eq(err->region.size, expected.size);
}

static uint64_t mapping_size(const ap_mapping_t *m)
{
	uint64_t size = 0;
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	return size;
}

/* The level of the descriptor that maps @va, or -1 if it is not mapped
 * (the reference's mapping_level). */
static int mapping_level(const ap_mapping_t *m, uint64_t va)
{
	ap_translate_result_t t;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	ap_status_t st = ap_mapping_translate(m, va, &t);
	if (st == AP_ERR_NOT_MAPPED)
		return -1;
	ck_assert_int_eq(st, AP_OK);
	ck_assert_uint_eq(t.output_address, va);
	return (int)t.level;
}

/* Every entry of the level 1 root is empty: 512 of 1 GiB with 4 KiB pages,
 * 2048 of 64 GiB with 16 KiB, 64 of 4 TiB with 64 KiB (2^48 bytes). */
struct root_check {
	unsigned count;
};

static int expect_empty_root_entry(void *ctx, const ap_region_t *region, uint64_t descriptor,
				   unsigned level)
{
	struct root_check *c = ctx;
	ck_assert_uint_eq(region->size, IDMAP_L1_ENTRY);
	ck_assert_uint_eq(descriptor, 0);
	ck_assert_uint_eq(level, 1);
	c->count++;
	return 0;
}

static void expect_root_empty(const ap_mapping_t *m)
{
	struct root_check c = {0};
	ap_region_t all = RS(0, mapping_size(m));
	ck_assert_int_eq(ap_mapping_walk(m, &all, expect_empty_root_entry, &c, NULL), AP_OK);
	ck_assert_uint_eq(c.count, IDMAP_SPACE(1) / IDMAP_L1_ENTRY);
	size_t tables = 0;
	ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
	ck_assert_uint_eq(tables, 1);
}

/* ------------------------------------------------------------------ */

static void map_valid_case(uint64_t start, uint64_t end)
{
	ap_mapping_t *m = new_idmap(1);
	uint64_t ttbr = activate(m);
	ck_assert_int_eq(map_range(m, start, end, NORMAL_VALID, NULL), AP_OK);
	/* Both ends of the range translate to themselves. */
	ck_assert_int_ge(mapping_level(m, start), 1);
	ck_assert_int_ge(mapping_level(m, end - 1), 1);
	deactivate(m, ttbr);
	destroy(m);
}

/* idmap::tests::map_valid */
START_TEST(map_valid)
{
	/* A single byte at the start of the address space. */
	map_valid_case(0, 1);
	/* Two pages at the start of the address space. */
	map_valid_case(0, IDMAP_PAGE * 2);
	/* A single byte at the end of the address space. */
	map_valid_case(MAX_ADDRESS_FOR_ROOT_LEVEL_1 - 1, MAX_ADDRESS_FOR_ROOT_LEVEL_1);
	/* Two pages, on the boundary between two subtables. */
	map_valid_case(IDMAP_PAGE * (2 * IDMAP_ENTRIES - 1), IDMAP_PAGE * (2 * IDMAP_ENTRIES + 1));
	/* The entire valid address space. */
	map_valid_case(0, MAX_ADDRESS_FOR_ROOT_LEVEL_1);
}
END_TEST

/* idmap::tests::map_break_before_make */
START_TEST(map_break_before_make)
{
	const uint64_t BLOCK = IDMAP_BLOCK_L2;
	ap_error_t err = new_error();

	ap_mapping_t *m = new_idmap(1);
	ap_region_t r = R(BLOCK, 2 * BLOCK);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, NORMAL_VALID, AP_CONSTRAINT_NO_BLOCK_MAPPINGS,
					     NULL),
			 AP_OK);
	uint64_t ttbr = activate(m);
	/* Splitting a range is permitted if it was mapped down to pages. */
	ck_assert_int_eq(map_range(m, BLOCK, BLOCK + IDMAP_PAGE, NORMAL_VALID, NULL), AP_OK);
	deactivate(m, ttbr);
	destroy(m);

	m = new_idmap(1);
	ck_assert_int_eq(map_range(m, BLOCK, 2 * BLOCK, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(mapping_level(m, BLOCK), 2);
	ttbr = activate(m);

	/* Extending a range is fine even if there are block mappings in the middle. */
	ck_assert_int_eq(map_range(m, BLOCK - IDMAP_PAGE, 2 * BLOCK + IDMAP_PAGE, NORMAL_VALID, NULL),
			 AP_OK);
	ck_assert_int_eq(mapping_level(m, BLOCK), 2);

	/* Remapping a region that intersects a block mapping is permitted if
	 * it does not result in a split. */
	ck_assert_int_eq(map_range(m, BLOCK, BLOCK + IDMAP_PAGE, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(mapping_level(m, BLOCK), 2);

	/* Splitting a range is not permitted. */
	err = new_error();
	expect_bbm(map_range(m, BLOCK, BLOCK + IDMAP_PAGE, NORMAL_VALID | AP_EL1_READ_ONLY, &err), &err,
		   BLOCK, BLOCK + IDMAP_PAGE);

	/* Partially remapping a live range read-only is only permitted if it
	 * does not require splitting. */
	err = new_error();
	expect_bbm(map_range(m, 0, BLOCK + IDMAP_PAGE, NORMAL_VALID | AP_EL1_READ_ONLY, &err), &err,
		   BLOCK, BLOCK + IDMAP_PAGE);
	ck_assert_int_eq(map_range(m, 0, BLOCK, NORMAL_VALID | AP_EL1_READ_ONLY, NULL), AP_OK);

	/* Changing the memory type is not permitted. */
	err = new_error();
	expect_bbm(map_range(m, 0, BLOCK,
			     DEVICE_NGNRE | AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_NON_GLOBAL, &err),
		   &err, 0, IDMAP_PAGE);

	/* Making a range invalid is only permitted if it does not require splitting. */
	err = new_error();
	expect_bbm(map_range(m, IDMAP_PAGE, BLOCK + IDMAP_PAGE, NORMAL_CACHEABLE, &err), &err, BLOCK,
		   BLOCK + IDMAP_PAGE);
	ck_assert_int_eq(map_range(m, IDMAP_PAGE, BLOCK, NORMAL_CACHEABLE, NULL), AP_OK);

	/* Creating a new valid entry is always permitted. */
	ck_assert_int_eq(map_range(m, 0, 2 * IDMAP_PAGE, NORMAL_VALID, NULL), AP_OK);

	/* Setting the non-global attribute is permitted. */
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE, NORMAL_VALID | AP_EL1_NON_GLOBAL, NULL), AP_OK);

	/* Removing the non-global attribute from a live mapping is not permitted. */
	err = new_error();
	expect_bbm(map_range(m, 0, IDMAP_PAGE, NORMAL_VALID, &err), &err, 0, IDMAP_PAGE);

	deactivate(m, ttbr);
	/* Removing the non-global attribute from an inactive mapping is permitted. */
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE, NORMAL_VALID, NULL), AP_OK);
	destroy(m);
}
END_TEST

/* idmap::tests::map_out_of_range */
START_TEST(map_out_of_range)
{
	ap_mapping_t *m = new_idmap(1);
	ap_error_t err = new_error();
	/* One byte, just past the edge of the valid range. */
	ck_assert_int_eq(map_range(m, MAX_ADDRESS_FOR_ROOT_LEVEL_1, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + 1,
				   NORMAL_VALID, &err),
			 AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(err.status, AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + IDMAP_PAGE);
	/* From 0 to just past the valid range. */
	err = new_error();
	ck_assert_int_eq(map_range(m, 0, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + 1, NORMAL_VALID, &err),
			 AP_ERR_ADDRESS_RANGE);
	ck_assert_uint_eq(err.address, MAX_ADDRESS_FOR_ROOT_LEVEL_1 + IDMAP_PAGE);
	/* Nothing was mapped. */
	ck_assert_int_eq(mapping_level(m, 0), -1);
	destroy(m);
}
END_TEST

/* idmap::tests::split_live_block_mapping (should_panic in the reference):
 * the final remap needs the live block split, and is refused. */
START_TEST(split_live_block_mapping)
{
	const ap_attrs_t flags = NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_READ_ONLY |
				 AP_EL1_VALID | AP_EL1_ACCESSED;
	ap_mapping_t *m = new_idmap(1);
	ck_assert_int_eq(map_range(m, 0, IDMAP_BLOCK_L2, flags, NULL), AP_OK);
	uint64_t ttbr = activate(m);
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE, flags, NULL), AP_OK);
	ap_error_t err = new_error();
	ap_status_t st = map_range(m, IDMAP_PAGE, 2 * IDMAP_PAGE,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_VALID | AP_EL1_ACCESSED,
				   &err);
	deactivate(m, ttbr);
	expect_bbm(st, &err, IDMAP_PAGE, 2 * IDMAP_PAGE);
	/* The block is still whole. */
	ck_assert_int_eq(mapping_level(m, IDMAP_PAGE), 2);
	destroy(m);
}
END_TEST

/* make_map(): two read-only non-global pages at 0, then activated. */
static ap_mapping_t *make_map(uint64_t *ttbr)
{
	ap_mapping_t *m = new_idmap(1);
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE * 2,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_READ_ONLY |
					   AP_EL1_VALID | AP_EL1_ACCESSED,
				   NULL),
			 AP_OK);
	*ttbr = activate(m);
	return m;
}

struct flag_update {
	ap_attrs_t set, clear;
	unsigned calls;
	ap_status_t last;
};

static int update_flags(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct flag_update *u = ctx;
	u->calls++;
	if (!ap_descriptor_is_table(d)) {
		u->last = ap_descriptor_modify_flags(d, u->set, u->clear);
		if (u->last != AP_OK)
			return 1;
	}
	return 0;
}

/* idmap::tests::update_backwards_range: MemoryRegion::new(2 pages, 1) ends
 * before it starts. A C region that does so wraps past 2^64. */
START_TEST(update_backwards_range)
{
	uint64_t ttbr;
	ap_mapping_t *m = make_map(&ttbr);
	ap_region_t r;
	ck_assert_int_eq(ap_region_from_range(IDMAP_PAGE * 2, 1, &r), AP_ERR_REGION_BACKWARDS);
	/* start two pages, "end" 1: a size that takes the end past 2^64 to 1. */
	ap_region_t backwards = {IDMAP_PAGE * 2, (uint64_t)1 - IDMAP_PAGE * 2};
	struct flag_update u = {AP_EL1_SWFLAG_0, 0, 0, AP_OK};
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(m, &backwards, update_flags, &u, &err),
			 AP_ERR_REGION_BACKWARDS);
	ck_assert_int_eq(err.status, AP_ERR_REGION_BACKWARDS);
	ck_assert_uint_eq(u.calls, 0);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

struct range_check {
	unsigned calls;
};

static int expect_swflag_page(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	struct range_check *c = ctx;
	if (!ap_descriptor_is_table(d)) {
		ck_assert(ap_descriptor_flags(d) & AP_EL1_SWFLAG_0);
		ck_assert_uint_eq(region->size, IDMAP_PAGE);
	}
	c->calls++;
	return 0;
}

/* idmap::tests::update_range */
START_TEST(update_range)
{
	uint64_t ttbr;
	ap_mapping_t *m = make_map(&ttbr);
	ap_region_t r = R(1, IDMAP_PAGE);

	/* Clearing NON_GLOBAL on a live page is refused (and nothing changes). */
	struct flag_update u = {AP_EL1_SWFLAG_0, AP_EL1_NON_GLOBAL, 0, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(m, &r, update_flags, &u, NULL), AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(u.last, AP_ERR_BREAK_BEFORE_MAKE);

	struct flag_update ok = {AP_EL1_SWFLAG_0, 0, 0, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(m, &r, update_flags, &ok, NULL), AP_OK);

	struct range_check c = {0};
	ck_assert_int_eq(ap_mapping_modify(m, &r, expect_swflag_page, &c, NULL), AP_OK);
	ck_assert_uint_ge(c.calls, 1);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

struct swflag_check {
	unsigned leaf_calls;
	unsigned char seen[IDMAP_ENTRIES]; /* the callback runs twice per page on a live table */
};

static int expect_swflag_except_first(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	struct swflag_check *c = ctx;
	if (ap_descriptor_level(d) == 3) {
		bool has_swflag = (ap_descriptor_flags(d) & AP_EL1_SWFLAG_0) != 0;
		bool is_first_page = region->start == 0;
		ck_assert_msg(has_swflag != is_first_page, "page at 0x%llx: swflag %d",
			      (unsigned long long)region->start, (int)has_swflag);
		c->leaf_calls++;
		c->seen[(region->start / IDMAP_PAGE) % IDMAP_ENTRIES] = 1;
	}
	return 0;
}

/* idmap::tests::breakup_invalid_block */
START_TEST(breakup_invalid_block)
{
	const uint64_t BLOCK_RANGE = IDMAP_BLOCK_L2;
	ap_mapping_t *m = new_idmap(1);
	uint64_t ttbr = activate(m);
	ck_assert_int_eq(map_range(m, 0, BLOCK_RANGE,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_SWFLAG_0, NULL),
			 AP_OK);
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE,
				   NORMAL_CACHEABLE | AP_EL1_NON_GLOBAL | AP_EL1_VALID |
					   AP_EL1_ACCESSED,
				   NULL),
			 AP_OK);
	struct swflag_check c;
	memset(&c, 0, sizeof(c));
	ap_region_t r = R(0, BLOCK_RANGE);
	ck_assert_int_eq(ap_mapping_modify(m, &r, expect_swflag_except_first, &c, NULL), AP_OK);
	ck_assert_uint_ge(c.leaf_calls, IDMAP_ENTRIES);
	for (unsigned i = 0; i < IDMAP_ENTRIES; i++)
		ck_assert_msg(c.seen[i], "page %u was not visited", i);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

/* idmap::tests::unmap_subtable */
START_TEST(unmap_subtable)
{
	ap_mapping_t *m = new_idmap(1);
	ck_assert_uint_eq(mapping_size(m), IDMAP_SPACE(1));
	uint64_t ttbr = activate(m);
	/* Map one page, which will cause subtables to be split out. */
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE, NORMAL_VALID, NULL), AP_OK);
	/* Unmap the whole table's worth of address space. */
	ck_assert_int_eq(map_range(m, 0, IDMAP_L1_ENTRY, 0, NULL), AP_OK);
	expect_root_empty(m);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

/* idmap::tests::unmap_subtable_higher */
START_TEST(unmap_subtable_higher)
{
	const uint64_t ROOT_GRANULARITY = IDMAP_L1_ENTRY;
	ap_mapping_t *m = new_idmap(1);
	ck_assert_uint_eq(mapping_size(m), IDMAP_SPACE(1));
	uint64_t ttbr = activate(m);
	/* Map one page in the second entry of the root table. */
	ck_assert_int_eq(map_range(m, ROOT_GRANULARITY, ROOT_GRANULARITY + IDMAP_PAGE, NORMAL_VALID, NULL),
			 AP_OK);
	/* Unmap the second entry of the root table. */
	ck_assert_int_eq(map_range(m, ROOT_GRANULARITY, ROOT_GRANULARITY * 2, 0, NULL), AP_OK);
	expect_root_empty(m);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

/* idmap::tests::compact */
START_TEST(compact)
{
	ap_mapping_t *m = new_idmap(1);
	ck_assert_uint_eq(mapping_size(m), IDMAP_SPACE(1));
	uint64_t ttbr = activate(m);
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE * 2, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE * 2, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(m), AP_OK);
	expect_root_empty(m);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

/* idmap::tests::compact_blocks */
START_TEST(compact_blocks)
{
	const uint64_t BLOCK = IDMAP_BLOCK_L2;
	ap_mapping_t *m = new_idmap(1);
	ck_assert_uint_eq(mapping_size(m), IDMAP_SPACE(1));
	uint64_t ttbr = activate(m);
	/* Two level 2 blocks, which need a level 2 table. */
	ck_assert_int_eq(map_range(m, 0, BLOCK * 2, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(mapping_level(m, 0), 2);
	ck_assert_int_eq(map_range(m, 0, BLOCK * 2, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(m), AP_OK);
	expect_root_empty(m);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

struct zero_check {
	unsigned count;
};

static int expect_zero_descriptor(void *ctx, const ap_region_t *region, uint64_t descriptor,
				  unsigned level)
{
	(void)region;
	struct zero_check *c = ctx;
	ck_assert(!ap_pte_is_valid(descriptor));
	ck_assert_uint_eq(descriptor, 0);
	ck_assert_uint_eq(ap_pte_flags(descriptor, level), 0);
	ck_assert_uint_eq(ap_pte_output_address(descriptor, level), 0);
	c->count++;
	return 0;
}

/* idmap::tests::split_table_zero: when an unmapped entry is split into a
 * table, all its entries are zero. */
START_TEST(split_table_zero)
{
	ap_mapping_t *m = new_idmap(1);
	ck_assert_int_eq(map_range(m, 0, IDMAP_PAGE, NORMAL_VALID, NULL), AP_OK);
	struct zero_check c = {0};
	ap_region_t r = R(IDMAP_PAGE, IDMAP_PAGE * 20);
	ck_assert_int_eq(ap_mapping_walk(m, &r, expect_zero_descriptor, &c, NULL), AP_OK);
	ck_assert_uint_eq(c.count, 19);
	destroy(m);
}
END_TEST

static int clear_descriptor(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)ctx;
	(void)region;
	return ap_descriptor_set(d, 0, 0) != AP_OK;
}

/* idmap::tests::modify_unmap_compact */
START_TEST(modify_unmap_compact)
{
	ap_mapping_t *m = new_idmap(1);
	ck_assert_uint_eq(mapping_size(m), IDMAP_SPACE(1));
	uint64_t ttbr = activate(m);
	ck_assert_int_eq(map_range(m, IDMAP_PAGE, IDMAP_PAGE * 3, NORMAL_VALID, NULL), AP_OK);
	ap_region_t r = R(IDMAP_PAGE, IDMAP_PAGE * 3);
	ck_assert_int_eq(ap_mapping_modify(m, &r, clear_descriptor, NULL, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(m), AP_OK);
	expect_root_empty(m);
	deactivate(m, ttbr);
	destroy(m);
}
END_TEST

/* idmap::tests::table_sizes: the space of a root that is one whole table
 * at each level, min(2^48, 2^(page bits + (4 - level) * bits per level)),
 * written out per granule. 64 KiB walks have no level 0: a root there is
 * refused. */
START_TEST(table_sizes)
{
#if IDMAP_GRANULE == 0
	static const uint64_t expected[4] = {UINT64_C(1) << 48, UINT64_C(1) << 39,
					     UINT64_C(1) << 30, UINT64_C(1) << 21};
#elif IDMAP_GRANULE == 1
	static const uint64_t expected[4] = {UINT64_C(1) << 48, UINT64_C(1) << 47,
					     UINT64_C(1) << 36, UINT64_C(1) << 25};
#else
	/* 0: no mapping can be made at level 0. */
	static const uint64_t expected[4] = {0, UINT64_C(1) << 48, UINT64_C(1) << 42,
					     UINT64_C(1) << 29};
#endif
	for (unsigned level = 0; level < 4; level++) {
		if (expected[level] == 0) {
			ap_mapping_t *m = NULL;
			ck_assert_int_eq(try_new_idmap(level, &m), AP_ERR_INVALID_ARGUMENT);
			ck_assert_ptr_null(m);
			continue;
		}
		ap_mapping_t *m = new_idmap(level);
		ck_assert_uint_eq(mapping_size(m), expected[level]);
		ck_assert_uint_eq(mapping_size(m), IDMAP_SPACE(level));
		unsigned root_level = 99;
		ck_assert_int_eq(ap_mapping_root_level(m, &root_level), AP_OK);
		ck_assert_uint_eq(root_level, level);
		destroy(m);
	}
}
END_TEST

/* idmap::tests::dont_use_l0_block_mapping: a range as large as a root
 * entry that cannot be a block maps with the largest blocks the granule
 * has below it: level 1 (1 GiB) under a 512 GiB level-0 entry with 4 KiB
 * pages, level 2 (32 MiB) under a 128 TiB level-0 entry with 16 KiB. With
 * 64 KiB there is no level 0: a root there is refused, and the same is
 * checked one level down, where a 4 TiB level-1 root entry cannot be a
 * block either and the range maps with 512 MiB level-2 blocks. */
START_TEST(dont_use_l0_block_mapping)
{
#if IDMAP_GRANULE == 2
	ap_mapping_t *refused = NULL;
	ck_assert_int_eq(try_new_idmap(0, &refused), AP_ERR_INVALID_ARGUMENT);
	ck_assert_ptr_null(refused);
	const unsigned root_level = 1;
#else
	const unsigned root_level = 0;
#endif
	ap_mapping_t *m = new_idmap(root_level);
	const uint64_t block_size = UINT64_C(1) << IDMAP_SHIFT(root_level); /* a root entry */
	/* The range maps at the first block level even though it is big
	 * enough for a root entry. */
	ck_assert_int_eq(map_range(m, 0, block_size, NORMAL_VALID, NULL), AP_OK);
	ck_assert_int_eq(mapping_level(m, 0), IDMAP_FIRST_BLOCK_LEVEL);
	ck_assert_int_eq(mapping_level(m, block_size - IDMAP_PAGE), IDMAP_FIRST_BLOCK_LEVEL);
	ck_assert_int_eq(mapping_level(m, block_size), -1);
	/* The subtable is cleaned up after unmapping. */
	ck_assert_int_eq(map_range(m, 0, block_size, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(m), AP_OK);
	ck_assert_int_eq(mapping_level(m, 0), -1);
	size_t tables = 0;
	ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
	ck_assert_uint_eq(tables, 1);
	destroy(m);
}
END_TEST

static Suite *idmap_suite(void)
{
	Suite *s = suite_create("idmap");
	TCase *tc = tcase_create("reference");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, map_valid);
	tcase_add_test(tc, map_break_before_make);
	tcase_add_test(tc, map_out_of_range);
	tcase_add_test(tc, split_live_block_mapping);
	tcase_add_test(tc, update_backwards_range);
	tcase_add_test(tc, update_range);
	tcase_add_test(tc, breakup_invalid_block);
	tcase_add_test(tc, unmap_subtable);
	tcase_add_test(tc, unmap_subtable_higher);
	tcase_add_test(tc, compact);
	tcase_add_test(tc, compact_blocks);
	tcase_add_test(tc, split_table_zero);
	tcase_add_test(tc, modify_unmap_compact);
	tcase_add_test(tc, table_sizes);
	tcase_add_test(tc, dont_use_l0_block_mapping);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(idmap_suite());
}
