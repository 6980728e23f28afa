/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Granules and input sizes, fact by fact against the Arm ARM: the starting
 * level, root entries and concatenated tables each size gives, the levels
 * that hold blocks, the TCR/VTCR fields, the options the architecture does
 * not allow, the ops larger tables need, callers built against the 0.3
 * header, tables adopted with every granule, and target images of larger
 * tables. The model suite (check_model) runs the edits themselves over the
 * same matrix.
 */
#define _GNU_SOURCE
#include "test_util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)
#define S2_NORMAL                                                                              \
	(AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_MEMATTR_NORMAL_INNER_WB |                     \
	 AP_S2_MEMATTR_NORMAL_OUTER_WB | AP_S2_SH_INNER | AP_S2_S2AP_ACCESS_RW)

static const uint64_t page_bytes[] = {4096, 16384, 65536};

/* A region to pass by pointer. */
#define RSP(start, size) ((const ap_region_t[]){RS(start, size)})

static ap_mapping_t *identity(ap_regime_kind_t kind, ap_granule_t granule, unsigned bits,
			      unsigned max_tables, ap_va_range_t range)
{
	ap_mapping_options_t o = granule_opts(regime_of(kind), granule, bits, 0, range);
	o.max_root_tables = max_tables;
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	return m;
}

static ap_translation_control_t control(const ap_mapping_t *m)
{
	ap_translation_control_t c = AP_TRANSLATION_CONTROL_INIT;
	ck_assert_int_eq(ap_mapping_translation_control(m, &c), AP_OK);
	return c;
}

/* ------------------------------------------------------------ shapes */

/* What the Arm ARM gives for each size: stage 1 starts where the top bit
 * is resolved; stage 2 at the deepest level SL0 can select, with up to 16
 * concatenated tables (KVM's choice of fewest lookups). */
static const struct shape_case {
	ap_regime_kind_t kind;
	ap_granule_t granule;
	unsigned bits, max_tables;
	unsigned level, entries, tables, sl0;
} shapes[] = {
	{AP_REGIME_EL1AND0, AP_GRANULE_4K, 48, 0, 0, 512, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_4K, 40, 0, 0, 2, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_4K, 39, 0, 1, 512, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_4K, 25, 0, 2, 16, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_16K, 48, 0, 0, 2, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_16K, 47, 0, 1, 2048, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_16K, 36, 0, 2, 2048, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_16K, 25, 0, 3, 2048, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_64K, 48, 0, 1, 64, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_64K, 42, 0, 2, 8192, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_64K, 29, 0, 3, 8192, 1, 0},
	{AP_REGIME_EL1AND0, AP_GRANULE_64K, 25, 0, 3, 512, 1, 0},
	{AP_REGIME_EL3, AP_GRANULE_64K, 43, 0, 1, 2, 1, 0},
	/* Stage 2, 4 KiB: SL0 2 = level 0, 1 = level 1, 0 = level 2. */
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 48, 0, 0, 512, 1, 2},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 44, 0, 0, 32, 1, 2},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 43, 0, 1, 8192, 16, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 40, 0, 1, 1024, 2, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 40, 1, 0, 2, 1, 2},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 40, 2, 1, 1024, 2, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 39, 0, 1, 512, 1, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 32, 0, 2, 2048, 4, 0},
	{AP_REGIME_STAGE2, AP_GRANULE_4K, 25, 0, 2, 16, 1, 0},
	/* Stage 2, 16 and 64 KiB: SL0 2 = level 1, 1 = level 2, 0 = level 3. */
	{AP_REGIME_STAGE2, AP_GRANULE_16K, 48, 0, 1, 4096, 2, 2},
	{AP_REGIME_STAGE2, AP_GRANULE_16K, 40, 0, 2, 32768, 16, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_16K, 40, 8, 1, 16, 1, 2},
	{AP_REGIME_STAGE2, AP_GRANULE_16K, 29, 0, 3, 32768, 16, 0},
	{AP_REGIME_STAGE2, AP_GRANULE_64K, 48, 0, 1, 64, 1, 2},
	{AP_REGIME_STAGE2, AP_GRANULE_64K, 46, 0, 2, 131072, 16, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_64K, 42, 0, 2, 8192, 1, 1},
	{AP_REGIME_STAGE2, AP_GRANULE_64K, 33, 0, 3, 131072, 16, 0},
	{AP_REGIME_STAGE2, AP_GRANULE_64K, 30, 1, 2, 2, 1, 1},
};

START_TEST(starting_level_root_entries_and_concatenation)
{
	const struct shape_case *c = &shapes[_i];
	ap_mapping_t *m = identity(c->kind, c->granule, c->bits, c->max_tables, AP_VA_RANGE_LOWER);
	ap_translation_control_t t = control(m);
	ck_assert_uint_eq(t.granule, c->granule);
	ck_assert_uint_eq(t.input_bits, c->bits);
	ck_assert_uint_eq(t.tsz, 64 - c->bits);
	ck_assert_uint_eq(t.root_level, c->level);
	ck_assert_uint_eq(t.root_entries, c->entries);
	ck_assert_uint_eq(t.root_tables, c->tables);
	ck_assert_uint_eq(t.sl0, c->sl0);
	unsigned level;
	uint64_t size;
	ck_assert_int_eq(ap_mapping_root_level(m, &level), AP_OK);
	ck_assert_uint_eq(level, c->level);
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	ck_assert_uint_eq(size, (uint64_t)1 << c->bits);
	/* The root is aligned to its whole size, concatenated tables and all. */
	ck_assert_uint_eq(t.ttbr & (c->tables * page_bytes[c->granule] - 1), 0);
	/* The last address of the space translates through the root's last
	 * entry (a concatenated root is indexed across its tables). */
	ap_region_t top = RS(size - page_bytes[c->granule], page_bytes[c->granule]);
	ck_assert_int_eq(ap_mapping_map(m, &top, 0x40000000, c->kind == AP_REGIME_STAGE2 ? S2_NORMAL : NORMAL,
				       AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ap_translate_result_t r = AP_TRANSLATE_RESULT_INIT;
	ck_assert_int_eq(ap_mapping_translate(m, size - 8, &r), AP_OK);
	ck_assert_uint_eq(r.output_address, 0x40000000 + page_bytes[c->granule] - 8);
	ck_assert_uint_eq(r.block_size, page_bytes[c->granule]);
	ck_assert_uint_eq(r.level, 3);
	ck_assert_int_eq(ap_mapping_translate(m, size, &r), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* TG0 and TG1 encode the granules differently; T1SZ and TG1 sit at bits
 * 21:16 and 31:30. */
START_TEST(tg_encodings_of_both_ranges)
{
	static const unsigned tg0[] = {0, 2, 1}, tg1[] = {2, 1, 3};
	for (ap_granule_t g = AP_GRANULE_4K; g <= AP_GRANULE_64K; g++) {
		ap_mapping_t *lo = identity(AP_REGIME_EL1AND0, g, 39, 0, AP_VA_RANGE_LOWER);
		ap_mapping_t *hi = identity(AP_REGIME_EL1AND0, g, 39, 0, AP_VA_RANGE_UPPER);
		ap_translation_control_t a = control(lo), b = control(hi);
		ck_assert_uint_eq(a.tg, tg0[g]);
		ck_assert_uint_eq(a.tcr, 25u | (uint64_t)tg0[g] << 14);
		ck_assert_uint_eq(a.tcr_mask, 0x3fu | 3u << 14);
		ck_assert_uint_eq(b.tg, tg1[g]);
		ck_assert_uint_eq(b.tcr, (uint64_t)25 << 16 | (uint64_t)tg1[g] << 30);
		ck_assert_uint_eq(b.tcr_mask, (uint64_t)0x3f << 16 | (uint64_t)3 << 30);
		ck_assert_int_eq(ap_mapping_destroy(lo), AP_OK);
		ck_assert_int_eq(ap_mapping_destroy(hi), AP_OK);
	}
	/* VTCR_EL2: T0SZ, SL0 at bits 7:6, TG0. */
	ap_mapping_t *s2 = identity(AP_REGIME_STAGE2, AP_GRANULE_64K, 42, 0, AP_VA_RANGE_LOWER);
	ap_translation_control_t c = control(s2);
	ck_assert_uint_eq(c.tcr, 22u | 1u << 6 | 1u << 14);
	ck_assert_uint_eq(c.tcr_mask, 0x3fu | 3u << 6 | 3u << 14);
	ck_assert_int_eq(ap_mapping_destroy(s2), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ blocks */

/* A region that could be one entry at every level from 1 down: the blocks
 * must be at the levels the granule has them, never at level 1 with 16 or
 * 64 KiB. */
START_TEST(blocks_only_where_the_granule_has_them)
{
	static const struct {
		ap_granule_t granule;
		unsigned bits;
		uint64_t block;
		unsigned level;
	} cases[] = {
		{AP_GRANULE_4K, 48, UINT64_C(1) << 30, 1},
		{AP_GRANULE_16K, 48, UINT64_C(1) << 25, 2},
		{AP_GRANULE_64K, 48, UINT64_C(1) << 29, 2},
	};
	for (unsigned k = 0; k < 3; k++) {
		ap_mapping_t *m = identity(AP_REGIME_EL1AND0, cases[k].granule, cases[k].bits, 0,
					   AP_VA_RANGE_LOWER);
		/* One whole level-1 entry of the granule: 1 GiB, 64 GiB, 4 TiB. */
		uint64_t l1 = cases[k].granule == AP_GRANULE_4K ? UINT64_C(1) << 30
			      : cases[k].granule == AP_GRANULE_16K ? UINT64_C(1) << 36
								    : UINT64_C(1) << 42;
		ap_region_t r = RS(l1, l1);
		ck_assert_int_eq(ap_mapping_map(m, &r, l1, NORMAL, AP_CONSTRAINT_NONE, NULL), AP_OK);
		ap_translate_result_t t = AP_TRANSLATE_RESULT_INIT;
		ck_assert_int_eq(ap_mapping_translate(m, l1 + l1 / 2 + 24, &t), AP_OK);
		ck_assert_uint_eq(t.level, cases[k].level);
		ck_assert_uint_eq(t.block_size, cases[k].block);
		ck_assert_uint_eq(t.output_address, l1 + l1 / 2 + 24);
		/* Pages are the granule's. */
		ap_region_t p = RS(0x10000, 0x10000);
		ck_assert_int_eq(ap_mapping_map(m, &p, 0x50000, NORMAL, AP_CONSTRAINT_NONE, NULL), AP_OK);
		ck_assert_int_eq(ap_mapping_translate(m, 0x1fff8, &t), AP_OK);
		ck_assert_uint_eq(t.block_size, page_bytes[cases[k].granule]);
		ck_assert_uint_eq(t.output_address, 0x5fff8);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

/* A level-1 "block" in adopted 16 KiB tables is a fault, as the MMU reads
 * it, and a modify callback cannot write one. */
static int write_level1_block(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)r;
	ap_status_t *status = ctx;
	if (ap_descriptor_level(d) == 1)
		*status = ap_descriptor_set(d, 0, NORMAL);
	return 0;
}

START_TEST(no_level1_blocks_with_16k)
{
	uint64_t *tables = aligned_alloc(16384, 2 * 16384);
	ck_assert_ptr_nonnull(tables);
	memset(tables, 0, 2 * 16384);
	uint64_t *root = tables, *l1 = tables + 2048;
	root[0] = (uint64_t)(uintptr_t)l1 | 3;
	l1[1] = (UINT64_C(1) << 36) | NORMAL; /* bits [1:0] = 0b01 at level 1 */
	ap_mapping_options_t o = granule_opts(NULL, AP_GRANULE_16K, 48, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_open(&o, test_alloc_ops(), &(test_alloc_t){0}, (uintptr_t)root,
					 AP_OPEN_READ_ONLY, &m),
			 AP_OK);
	ap_translate_result_t t = AP_TRANSLATE_RESULT_INIT;
	ck_assert_int_eq(ap_mapping_translate(m, (UINT64_C(1) << 36) + 4096, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	free(tables);

	ap_mapping_t *e = identity(AP_REGIME_EL1AND0, AP_GRANULE_16K, 48, 0, AP_VA_RANGE_LOWER);
	ap_region_t r = RS(UINT64_C(1) << 36, UINT64_C(1) << 36);
	ap_status_t status = AP_OK;
	ck_assert_int_eq(ap_mapping_modify(e, &r, write_level1_block, &status, NULL), AP_OK);
	ck_assert_int_eq(status, AP_ERR_INVALID_FLAGS);
	ck_assert_int_eq(ap_mapping_destroy(e), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ refusals */

static ap_status_t create_with(ap_regime_kind_t kind, ap_granule_t granule, unsigned bits,
			       unsigned root_level, unsigned max_tables)
{
	ap_mapping_options_t o = granule_opts(regime_of(kind), granule, bits, 0, AP_VA_RANGE_LOWER);
	o.root_level = root_level;
	o.max_root_tables = max_tables;
	ap_mapping_t *m = NULL;
	ap_status_t status = ap_mapping_create_identity(&o, &m);
	if (status == AP_OK)
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	else
		ck_assert_ptr_null(m);
	return status;
}

START_TEST(options_the_architecture_does_not_allow)
{
	const ap_status_t bad = AP_ERR_INVALID_ARGUMENT;
	/* Input sizes: 25 to 48 bits. */
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, AP_GRANULE_4K, 24, 0, 0), bad);
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, AP_GRANULE_64K, 49, 0, 0), bad);
	ck_assert_int_eq(create_with(AP_REGIME_STAGE2, AP_GRANULE_16K, 24, 0, 0), bad);
	/* input_bits and root_level together. */
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, AP_GRANULE_4K, 39, 1, 0), bad);
	/* No granule 3. */
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, (ap_granule_t)3, 39, 0, 0), bad);
	/* 64 KiB walks have no level 0. */
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, AP_GRANULE_64K, 0, 0, 0), bad);
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, AP_GRANULE_64K, 0, 1, 0), AP_OK);
	/* Concatenation: stage 2 only, a power of two up to 16, and only
	 * with an input size. */
	ck_assert_int_eq(create_with(AP_REGIME_EL1AND0, AP_GRANULE_4K, 40, 0, 2), bad);
	ck_assert_int_eq(create_with(AP_REGIME_STAGE2, AP_GRANULE_4K, 40, 0, 3), bad);
	ck_assert_int_eq(create_with(AP_REGIME_STAGE2, AP_GRANULE_4K, 40, 0, 32), bad);
	ck_assert_int_eq(create_with(AP_REGIME_STAGE2, AP_GRANULE_4K, 0, 1, 2), bad);
	/* A stage 2 size no level SL0 selects can hold within the tables
	 * allowed: 16 KiB level 0 needs FEAT_LPA2. */
	ck_assert_int_eq(create_with(AP_REGIME_STAGE2, AP_GRANULE_16K, 48, 0, 1), bad);
	ck_assert_int_eq(create_with(AP_REGIME_STAGE2, AP_GRANULE_16K, 48, 0, 2), AP_OK);
	/* The reserved field. */
	ap_mapping_options_t o = granule_opts(NULL, AP_GRANULE_4K, 39, 0, AP_VA_RANGE_LOWER);
	o.reserved = 1;
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), bad);
	ck_assert_ptr_null(m);
	/* A MAIR: stage 1 only (stage 2 descriptors carry the memory type). */
	o = granule_opts(regime_of(AP_REGIME_STAGE2), AP_GRANULE_4K, 40, 0, AP_VA_RANGE_LOWER);
	o.mair = 0xff;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), bad);
	ck_assert_ptr_null(m);
	o = granule_opts(NULL, AP_GRANULE_4K, 39, 0, AP_VA_RANGE_LOWER);
	o.mair = 0xff;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* Larger tables need allocate_tables: a translation with the 4 KiB ops
 * alone gets UNSUPPORTED, and can start deeper instead. */
START_TEST(large_tables_need_allocate_tables)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_translation_ops_t ops = *test_alloc_ops();
	ops.allocate_tables = NULL;
	ops.free_tables = NULL;
	ap_mapping_t *m = NULL;
	ap_mapping_options_t o = granule_opts(NULL, AP_GRANULE_16K, 40, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_UNSUPPORTED);
	o = granule_opts(regime_of(AP_REGIME_STAGE2), AP_GRANULE_4K, 40, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_UNSUPPORTED);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(a.calls, 0);
	o.max_root_tables = 1; /* one table at level 0 instead */
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_OK);
	ck_assert_int_eq(control(m).root_level, 0);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	/* Half of the pair is as good as none. */
	ops.allocate_tables = test_alloc_ops()->allocate_tables;
	o.max_root_tables = 0;
	ck_assert_int_eq(ap_mapping_create(&o, &ops, &a, &m), AP_ERR_UNSUPPORTED);
	/* With both: a concatenated root of 8 KiB, aligned to 8 KiB. */
	ck_assert_int_eq(ap_mapping_create(&o, test_alloc_ops(), &a, &m), AP_OK);
	ck_assert_uint_eq(a.live_bytes[0], 8192);
	ck_assert_uint_eq((uintptr_t)a.live[0] & 8191, 0);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(a.allocations, a.frees);
}
END_TEST

/* A caller built against the 0.3 header passes the smaller options (and
 * padding it never set): 4 KiB granule and the root level rule. */
START_TEST(old_options_size_gets_4k)
{
	ap_mapping_options_t o;
	memset(&o, 0xa5, sizeof(o)); /* what the new fields would hold */
	o.size = offsetof(ap_mapping_options_t, reserved);
	o.regime = NULL;
	o.root_level = 1;
	o.asid = 0;
	o.va_range = AP_VA_RANGE_LOWER;
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_translation_control_t c = control(m);
	ck_assert_uint_eq(c.granule, AP_GRANULE_4K);
	ck_assert_uint_eq(c.input_bits, 39);
	ck_assert_uint_eq(c.root_level, 1);
	ck_assert_int_eq(ap_mapping_map(m, RSP(0x200000, 0x200000), 0x200000, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = AP_TRANSLATE_RESULT_INIT;
	ck_assert_int_eq(ap_mapping_translate(m, 0x200000, &t), AP_OK);
	ck_assert_uint_eq(t.block_size, 0x200000);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	/* And an old translation control struct gets the old fields only. */
	ap_mapping_t *n = identity(AP_REGIME_EL1AND0, AP_GRANULE_64K, 42, 0, AP_VA_RANGE_LOWER);
	ap_translation_control_t old;
	memset(&old, 0x5a, sizeof(old));
	old.size = offsetof(ap_translation_control_t, granule);
	ck_assert_int_eq(ap_mapping_translation_control(n, &old), AP_OK);
	ck_assert_uint_eq(old.tg, 1);
	ck_assert_uint_eq(old.granule, 0x5a5a5a5a);
	ck_assert_int_eq(ap_mapping_destroy(n), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ adopted tables */

/* Tables a mapping built, adopted again with the same options: reads agree
 * for every granule, including a 2-entry root placed at 64-byte alignment. */
START_TEST(adopted_tables_of_every_granule)
{
	for (ap_granule_t g = AP_GRANULE_4K; g <= AP_GRANULE_64K; g++) {
		ap_mapping_t *m = identity(AP_REGIME_EL1AND0, g, 40, 0, AP_VA_RANGE_LOWER);
		ck_assert_int_eq(ap_mapping_map(m, RSP(0x8000000, 0x4000000), 0x8000000, NORMAL, 0, NULL), AP_OK);
		ap_pa_t root;
		ck_assert_int_eq(ap_mapping_root_address(m, &root), AP_OK);
		ap_mapping_options_t o = granule_opts(NULL, g, 40, 0, AP_VA_RANGE_LOWER);
		ap_mapping_t *a;
		ck_assert_int_eq(ap_mapping_open(&o, test_alloc_ops(), &(test_alloc_t){0}, root,
						 AP_OPEN_READ_ONLY, &a),
				 AP_OK);
		for (uint64_t va = 0x8000000 - 0x10000; va < 0xc000000 + 0x10000; va += 0x10000) {
			ap_translate_result_t x = AP_TRANSLATE_RESULT_INIT, y = AP_TRANSLATE_RESULT_INIT;
			ck_assert_int_eq(ap_mapping_translate(m, va, &x), ap_mapping_translate(a, va, &y));
			ck_assert_uint_eq(x.output_address, y.output_address);
			ck_assert_uint_eq(x.block_size, y.block_size);
		}
		ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
	/* A 16 KiB 48-bit root has 2 entries (16 bytes); TTBR wants 64-byte
	 * alignment at least. */
	uint64_t *block = aligned_alloc(16384, 16384);
	memset(block, 0, 16384);
	ap_mapping_options_t o = granule_opts(NULL, AP_GRANULE_16K, 48, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *a;
	ck_assert_int_eq(ap_mapping_open(&o, test_alloc_ops(), &(test_alloc_t){0},
					 (uintptr_t)block + 64, AP_OPEN_READ_ONLY, &a),
			 AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	ck_assert_int_eq(ap_mapping_open(&o, test_alloc_ops(), &(test_alloc_t){0},
					 (uintptr_t)block + 32, AP_OPEN_READ_ONLY, &a),
			 AP_ERR_INVALID_ARGUMENT);
	/* A 64 KiB 42-bit root is a whole table: 64 KiB aligned. */
	o = granule_opts(NULL, AP_GRANULE_64K, 42, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_open(&o, test_alloc_ops(), &(test_alloc_t){0},
					 (uintptr_t)block + 4096, AP_OPEN_READ_ONLY, &a),
			 AP_ERR_INVALID_ARGUMENT);
	free(block);
}
END_TEST

/* ------------------------------------------------------------ images */

/* A target image of 64 KiB tables: every table is 16 slots, aligned on
 * the target; a concatenated 4 KiB stage 2 root is two slots. */
START_TEST(target_images_of_larger_tables)
{
	ap_mapping_options_t o = granule_opts(NULL, AP_GRANULE_64K, 42, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x40000000, &m), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, RSP(0x10000, 0x20000), 0x80000000, NORMAL, 0, NULL), AP_OK);
	size_t bytes;
	ck_assert_int_eq(ap_target_image_size(m, &bytes), AP_OK);
	ck_assert_uint_eq(bytes, 2 * 65536);
	uint8_t *image = malloc(bytes);
	ck_assert_int_eq(ap_target_image_write(m, image, bytes), AP_OK);
	uint64_t root0, leaf1;
	memcpy(&root0, image, 8);
	memcpy(&leaf1, image + 65536 + 8, 8);
	ck_assert_uint_eq(root0 & ~UINT64_C(0xffff), 0x40010000 | 0); /* table at slot 16 */
	ck_assert_uint_eq(root0 & 3, 3);
	ck_assert_uint_eq(leaf1 & UINT64_C(0x0000ffffffff0000), 0x80000000);
	free(image);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	/* A base that is not 64 KiB aligned: the tables go to the first slots
	 * that are, and the image starts with the slots skipped. */
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x40001000, &m), AP_OK);
	ck_assert_int_eq(ap_target_image_size(m, &bytes), AP_OK);
	ck_assert_uint_eq(bytes, 15 * 4096 + 65536);
	ck_assert_uint_eq(control(m).ttbr, 0x40010000);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);

	o = granule_opts(regime_of(AP_REGIME_STAGE2), AP_GRANULE_4K, 40, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x40000000, &m), AP_OK);
	ck_assert_int_eq(ap_target_image_size(m, &bytes), AP_OK);
	ck_assert_uint_eq(bytes, 8192);
	ap_translation_control_t c = control(m);
	ck_assert_uint_eq(c.ttbr, 0x40000000);
	ck_assert_uint_eq(c.root_tables, 2);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ maintenance */

/* A live unmap of a 64 KiB page invalidates that page at level 3 with the
 * granule named; a removed 16 KiB leaf table, its 32 MiB. */
START_TEST(invalidations_name_the_granule)
{
	static recorder_t rec;
	memset(&rec, 0, sizeof(rec));
	ap_regime_t *regime = recording_regime(AP_REGIME_EL1AND0, &rec);
	ap_mapping_options_t o = granule_opts(regime, AP_GRANULE_64K, 42, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, RSP(0x30000, 0x20000), 0x70000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	recorder_reset(&rec);
	ck_assert_int_eq(ap_mapping_unmap(m, RSP(0x40000, 0x10000), NULL), AP_OK);
	ck_assert_uint_eq(rec.invalidation_count, 1);
	ck_assert_uint_eq(rec.invalidations[0].granule, AP_GRANULE_64K);
	ck_assert_uint_eq(rec.invalidations[0].level, 3);
	ck_assert_uint_eq(rec.invalidations[0].range_start, 0x40000);
	ck_assert_uint_eq(rec.invalidations[0].range_size, 0x10000);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);

	o = granule_opts(regime, AP_GRANULE_16K, 40, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, RSP(0x2000000, 0x4000), 0x4000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	recorder_reset(&rec);
	ck_assert_int_eq(ap_mapping_unmap(m, RSP(0x2000000, 0x2000000), NULL), AP_OK);
	ck_assert_uint_eq(rec.invalidation_count, 1);
	ck_assert_uint_eq(rec.invalidations[0].kind, AP_INVALIDATE_TABLE);
	ck_assert_uint_eq(rec.invalidations[0].granule, AP_GRANULE_16K);
	ck_assert_uint_eq(rec.invalidations[0].level, 2);
	ck_assert_uint_eq(rec.invalidations[0].range_start, 0x2000000);
	ck_assert_uint_eq(rec.invalidations[0].range_size, 0x2000000);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);
}
END_TEST

static Suite *granule_suite(void)
{
	Suite *s = suite_create("granule");
	TCase *tc = tcase_create("granule");
	tcase_add_loop_test(tc, starting_level_root_entries_and_concatenation, 0,
			    (int)(sizeof(shapes) / sizeof(shapes[0])));
	tcase_add_test(tc, tg_encodings_of_both_ranges);
	tcase_add_test(tc, blocks_only_where_the_granule_has_them);
	tcase_add_test(tc, no_level1_blocks_with_16k);
	tcase_add_test(tc, options_the_architecture_does_not_allow);
	tcase_add_test(tc, large_tables_need_allocate_tables);
	tcase_add_test(tc, old_options_size_gets_4k);
	tcase_add_test(tc, adopted_tables_of_every_granule);
	tcase_add_test(tc, target_images_of_larger_tables);
	tcase_add_test(tc, invalidations_name_the_granule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(granule_suite());
}
