/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Where the library goes beyond (or corrects) the reference: the top of the
 * address space, the nT bit, live blocks that must not be split, unmapping
 * empty ranges, address arithmetic at the edges, and walks in runs.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)
#define TOP_PAGE UINT64_C(0xfffffffffffff000)

static ap_mapping_t *identity(unsigned level, ap_va_range_t range)
{
	ap_mapping_options_t o = opts(NULL, level, 1, range);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	return m;
}

struct visit {
	uint64_t next; /* where the next region must start */
	size_t count;
	uint64_t last_bits;
};

static int visit_in_order(void *ctx, const ap_region_t *r, uint64_t bits, unsigned level)
{
	(void)level;
	struct visit *v = ctx;
	ck_assert_uint_eq(r->start, v->next);
	v->next = r->start + r->size; /* wraps to 0 after the top page */
	v->count++;
	v->last_bits = bits;
	return 0;
}

static int set_swflag(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	return ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_3, 0);
}

/* ------------------------------------------------------------ top */

static void check_top_page(ap_mapping_t *m, uint64_t va, ap_pa_t pa)
{
	ap_region_t page = RS(va, AP_PAGE_SIZE);
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_map(m, &page, pa, NORMAL, 0, &err), AP_OK);
	ck_assert_int_eq(ap_mapping_modify(m, &page, set_swflag, NULL, &err), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, va + 0xabc, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, pa + 0xabc);
	ck_assert_uint_eq(t.level, 3);
	ck_assert(t.attributes & AP_EL1_SWFLAG_3);
	struct visit v = {va, 0, 0};
	ck_assert_int_eq(ap_mapping_walk(m, &page, visit_in_order, &v, &err), AP_OK);
	ck_assert_uint_eq(v.count, 1);
	ck_assert_uint_eq(ap_pte_output_address(v.last_bits, 3), pa);
	char *dump = dump_string(m);
	ck_assert_ptr_nonnull(strstr(dump, "511    : "));
	free(dump);
	ck_assert_int_eq(ap_mapping_unmap(m, &page, &err), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, va, &t), AP_ERR_NOT_MAPPED);
}

START_TEST(top_of_upper_range_every_root_level)
{
	for (unsigned level = 0; level <= 3; level++) {
		ap_mapping_t *m = identity(level, AP_VA_RANGE_UPPER);
		check_top_page(m, TOP_PAGE, 0x5000);
		/* A walk of the whole upper range ends exactly at 2^64. */
		uint64_t size;
		ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
		ap_region_t all = RS((uint64_t)0 - size, size);
		struct visit v = {all.start, 0, 0};
		ck_assert_int_eq(ap_mapping_walk(m, &all, visit_in_order, &v, NULL), AP_OK);
		ck_assert_uint_eq(v.next, 0);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

START_TEST(top_of_lower_range_every_root_level)
{
	for (unsigned level = 0; level <= 3; level++) {
		ap_mapping_t *m = identity(level, AP_VA_RANGE_LOWER);
		uint64_t size;
		ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
		check_top_page(m, size - AP_PAGE_SIZE, 0x7000);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

START_TEST(top_block_of_upper_range)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_UPPER);
	ap_region_t block = RS((uint64_t)0 - BLOCK_L1, BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(m, &block, 3 * BLOCK_L1, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, UINT64_MAX, &t), AP_OK);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_uint_eq(t.output_address, 4 * BLOCK_L1 - 1);
	/* Splitting the last page out of it. */
	ap_region_t page = RS(TOP_PAGE, AP_PAGE_SIZE);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x9000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, UINT64_MAX, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x9fff);
	ck_assert_int_eq(ap_mapping_translate(m, TOP_PAGE - 1, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 4 * BLOCK_L1 - AP_PAGE_SIZE - 1);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ nT */

START_TEST(nt_block_split_keeps_addresses)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_LOWER);
	ap_region_t block = R(BLOCK_L2, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map(m, &block, 0x40000000, NORMAL | AP_EL1_NT, 0, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2, &t), AP_OK);
	ck_assert_uint_eq(t.level, 2);
	ck_assert(t.attributes & AP_EL1_NT);
	ck_assert_uint_eq(ap_pte_output_address(t.descriptor, 2), 0x40000000);

	/* Split it by remapping one page read-only. */
	ap_region_t page = R(BLOCK_L2 + 0x5000, BLOCK_L2 + 0x6000);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x40005000, NORMAL | AP_EL1_READ_ONLY, 0, NULL), AP_OK);
	for (uint64_t i = 0; i < 512; i++) {
		ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2 + i * AP_PAGE_SIZE + 8, &t), AP_OK);
		ck_assert_uint_eq(t.level, 3);
		/* No 64 KiB shift: bit 16 is an address bit in pages. */
		ck_assert_uint_eq(t.output_address, 0x40000000 + i * AP_PAGE_SIZE + 8);
		ck_assert(!(t.attributes & AP_EL1_NT));
	}
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(fields_decode_per_level)
{
	uint64_t block1 = UINT64_C(0x40000000) | AP_EL1_NT | AP_EL1_VALID;
	ck_assert_uint_eq(ap_pte_output_address(block1, 1), 0x40000000);
	ck_assert_uint_eq(ap_pte_flags(block1, 1), AP_EL1_NT | AP_EL1_VALID);
	uint64_t block2 = UINT64_C(0x40200000) | AP_EL1_NT | AP_EL1_VALID;
	ck_assert_uint_eq(ap_pte_output_address(block2, 2), 0x40200000);
	ck_assert_uint_eq(ap_pte_flags(block2, 2), AP_EL1_NT | AP_EL1_VALID);
	uint64_t page = UINT64_C(0x40210000) | 3;
	ck_assert_uint_eq(ap_pte_output_address(page, 3), 0x40210000);
	ck_assert_uint_eq(ap_pte_flags(page, 3), 3);
	uint64_t table = UINT64_C(0x12345000) | 3;
	ck_assert_uint_eq(ap_pte_output_address(table, 1), 0x12345000);
	ck_assert(ap_pte_is_table(table, 1));
	ck_assert(!ap_pte_is_table(table, 3));
	ck_assert_uint_eq(ap_pte_output_address(page, 4), 0); /* no such level */
}
END_TEST

/* ------------------------------------------------------------ live blocks */

static int change_nothing(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)r;
	(void)d;
	(*(int *)ctx)++;
	return 0;
}

START_TEST(live_modify_never_splits_a_valid_block)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_LOWER);
	ap_region_t block = R(BLOCK_L2, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map_auto(m, &block, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_activate(m, NULL), AP_OK);
	size_t before, after;
	ck_assert_int_eq(ap_mapping_table_count(m, &before), AP_OK);

	/* A callback that changes nothing: the block stays whole. */
	int calls = 0;
	ap_region_t part = R(BLOCK_L2 + 0x3000, BLOCK_L2 + 0x4000);
	ck_assert_int_eq(ap_mapping_modify(m, &part, change_nothing, &calls, NULL), AP_OK);
	ck_assert_int_gt(calls, 0);
	ck_assert_int_eq(ap_mapping_table_count(m, &after), AP_OK);
	ck_assert_uint_eq(after, before);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2 + 0x3000, &t), AP_OK);
	ck_assert_uint_eq(t.level, 2);

	/* A callback that would change part of it: refused, nothing changes. */
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(m, &part, set_swflag, NULL, &err), AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err.region.start, part.start);
	ck_assert_uint_eq(err.region.size, part.size);
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2 + 0x3000, &t), AP_OK);
	ck_assert_uint_eq(t.level, 2);
	ck_assert(!(t.attributes & AP_EL1_SWFLAG_3));
	ck_assert_int_eq(ap_mapping_table_count(m, &after), AP_OK);
	ck_assert_uint_eq(after, before);

	/* The whole block may change (software flag: BBM-safe). */
	ck_assert_int_eq(ap_mapping_modify(m, &block, set_swflag, NULL, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2, &t), AP_OK);
	ck_assert(t.attributes & AP_EL1_SWFLAG_3);
	ck_assert_int_eq(ap_mapping_deactivate(m, UINT64_MAX), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(live_map_never_replaces_a_valid_block_with_a_table)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_LOWER);
	ap_region_t block = R(BLOCK_L2, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map_auto(m, &block, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_activate(m, NULL), AP_OK);
	size_t before, after;
	ck_assert_int_eq(ap_mapping_table_count(m, &before), AP_OK);
	ap_error_t err = new_error();
	/* Same mapping asked for as pages: an identical block is left alone
	 * (as the reference does), so nothing changes and nothing is refused. */
	ck_assert_int_eq(ap_mapping_map(m, &block, BLOCK_L2, NORMAL, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, &err),
			 AP_OK);
	/* Read-only as pages: the block would have to become a table. */
	ck_assert_int_eq(ap_mapping_map(m, &block, BLOCK_L2, NORMAL | AP_EL1_READ_ONLY,
					AP_CONSTRAINT_NO_BLOCK_MAPPINGS, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err.region.start, BLOCK_L2);
	ck_assert_uint_eq(err.region.size, BLOCK_L2);
	/* Same flags, same block, but an output address not matching the
	 * block's: the reference's dry run let this split a live block. */
	ap_region_t page = R(BLOCK_L2 + 0x1000, BLOCK_L2 + 0x2000);
	ck_assert_int_eq(ap_mapping_map(m, &page, BLOCK_L2 + 0x3000, NORMAL, 0, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(ap_mapping_table_count(m, &after), AP_OK);
	ck_assert_uint_eq(after, before);
	ck_assert_int_eq(ap_mapping_deactivate(m, UINT64_MAX), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ unmap empty */

START_TEST(unmapping_empty_ranges_allocates_nothing)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 0, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	ap_region_t ranges[] = {R(0x3000, 0x7000), R(BLOCK_L2 - 0x1000, 3 * BLOCK_L1 + 0x5000),
				RS(0, BLOCK_L1 * 512 * 512)};
	for (size_t i = 0; i < 3; i++) {
		for (ap_constraints_t c = 0; c <= AP_CONSTRAINT_NO_BLOCK_MAPPINGS; c++) {
			size_t calls = a.calls;
			ck_assert_int_eq(ap_mapping_map(m, &ranges[i], 0, 0, c, NULL), AP_OK);
			ck_assert_int_eq(ap_mapping_unmap(m, &ranges[i], NULL), AP_OK);
			ck_assert_uint_eq(a.calls, calls);
		}
	}
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ arithmetic */

START_TEST(output_below_block_offset_does_not_wrap)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_LOWER);
	/* A block mapped at output 0; then a page inside it (offset 0x5000) asked
	 * to go to output 0x1000: block start would be 0x1000 - 0x5000 < 0. */
	ap_region_t block = R(BLOCK_L2, 2 * BLOCK_L2), page = R(BLOCK_L2 + 0x5000, BLOCK_L2 + 0x6000);
	ck_assert_int_eq(ap_mapping_map(m, &block, 0, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x1000, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2 + 0x5000, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x1000);
	ck_assert_int_eq(ap_mapping_translate(m, BLOCK_L2 + 0x4000, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x4000);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(output_range_must_fit_48_bits)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_LOWER);
	ap_region_t two = R(0x1000, 0x3000);
	ap_error_t err = new_error();
	uint64_t last = (UINT64_C(1) << 48) - AP_PAGE_SIZE;
	ck_assert_int_eq(ap_mapping_map(m, &two, last, NORMAL, 0, &err), AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_int_eq(ap_mapping_map(m, &two, UINT64_MAX - 0x1fff, NORMAL, 0, &err),
			 AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ck_assert_int_eq(ap_mapping_map(m, &two, last - AP_PAGE_SIZE, NORMAL, 0, &err), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, 0x2fff, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, (UINT64_C(1) << 48) - 1);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(linear_offsets_never_wrap)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_UPPER);
	ap_mapping_t *m;
	/* TTBR1 with an offset that brings the upper range down to 0. */
	ck_assert_int_eq(ap_mapping_create_linear(&o, INT64_C(1) << 39, &m), AP_OK);
	ap_pa_t pa;
	ck_assert_int_eq(ap_mapping_va_to_pa(m, UINT64_C(0xffffff8000000000), &pa), AP_OK);
	ck_assert_uint_eq(pa, 0);
	ck_assert_int_eq(ap_mapping_va_to_pa(m, UINT64_C(0xffffff7ffffff000), &pa),
			 AP_ERR_INVALID_VIRTUAL_ADDRESS);
	ap_region_t r = RS(UINT64_C(0xffffff8000200000), BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(m, UINT64_C(0xffffff8000200010), &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x200010);
	ck_assert_uint_eq(t.level, 2);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	/* Offsets that overflow as signed arithmetic. */
	o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_linear(&o, INT64_MAX - 0xfff, &m), AP_ERR_BAD_TABLE_ADDRESS);
}
END_TEST

/* ------------------------------------------------------------ walk runs */

struct flat {
	uint64_t bits[4096];
	unsigned levels[4096];
	size_t count;
};

static int collect_one(void *ctx, const ap_region_t *r, uint64_t bits, unsigned level)
{
	(void)r;
	struct flat *f = ctx;
	ck_assert_uint_lt(f->count, 4096);
	f->levels[f->count] = level;
	f->bits[f->count++] = bits;
	return 0;
}

static int collect_run(void *ctx, const ap_region_t *r, const uint64_t *d, size_t n, unsigned level)
{
	struct flat *f = ctx;
	/* A run covers at most its n entries, and touches each of them. */
	uint64_t granule = AP_GRANULE_AT_LEVEL(level);
	ck_assert_uint_gt(r->size, 0);
	ck_assert_uint_le(r->size, n * granule);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_lt(f->count, 4096);
		f->levels[f->count] = level;
		f->bits[f->count++] = d[i];
	}
	return 0;
}

START_TEST(walk_runs_matches_walk)
{
	ap_mapping_t *m = identity(1, AP_VA_RANGE_LOWER);
	ap_region_t a = R(0x3000, 0x9000), b = R(BLOCK_L2, 3 * BLOCK_L2), c = R(BLOCK_L1, 2 * BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map_auto(m, &a, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map_auto(m, &b, NORMAL | AP_EL1_READ_ONLY, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map_auto(m, &c, NORMAL, 0, NULL), AP_OK);
	static struct flat one, runs;
	ap_region_t ranges[] = {R(0, 4 * BLOCK_L1), R(0x2000, BLOCK_L2 + 0x5000), R(0x5000, 0x6000)};
	for (size_t i = 0; i < 3; i++) {
		one.count = runs.count = 0;
		ck_assert_int_eq(ap_mapping_walk(m, &ranges[i], collect_one, &one, NULL), AP_OK);
		ck_assert_int_eq(ap_mapping_walk_runs(m, &ranges[i], collect_run, &runs, NULL), AP_OK);
		ck_assert_uint_eq(one.count, runs.count);
		ck_assert(memcmp(one.bits, runs.bits, one.count * sizeof(uint64_t)) == 0);
		ck_assert(memcmp(one.levels, runs.levels, one.count * sizeof(unsigned)) == 0);
	}
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* Unmapping a whole leaf table's range frees that table, whether the range
 * is exactly its 2 MiB or part of a larger unmap, live or not. */
START_TEST(unmapping_a_leaf_tables_range_frees_it)
{
	static const uint64_t sizes[] = {BLOCK_L2, 2 * BLOCK_L2};
	for (int live = 0; live < 2; live++) {
		for (size_t i = 0; i < 2; i++) {
			test_alloc_t a;
			test_alloc_init(&a);
			recorder_t rec;
			memset(&rec, 0, sizeof(rec));
			ap_regime_t *regime = recording_regime(AP_REGIME_EL1AND0, &rec);
			ap_mapping_options_t o = opts(regime, 1, 0, AP_VA_RANGE_LOWER);
			ap_mapping_t *m = test_alloc_mapping(&a, &o);
			ap_region_t r = RS(BLOCK_L2, sizes[i]);
			ck_assert_int_eq(ap_mapping_map(m, &r, 0x80000000, NORMAL,
							AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
					 AP_OK);
			size_t tables = 0;
			ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
			ck_assert_uint_eq(tables, 2 + sizes[i] / BLOCK_L2);
			if (live)
				ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
			ck_assert_int_eq(ap_mapping_unmap(m, &r, NULL), AP_OK);
			ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
			ck_assert_msg(tables == 2, "%s unmap of %llu MiB left %zu tables",
				      live ? "live" : "inactive",
				      (unsigned long long)(sizes[i] >> 20), tables);
			if (live) {
				/* One TABLE invalidation per leaf table, covering it. */
				ck_assert_uint_eq(rec.invalidation_count, sizes[i] / BLOCK_L2);
				ck_assert_int_eq(rec.invalidations[0].kind, AP_INVALIDATE_TABLE);
				ck_assert_uint_eq(rec.invalidations[0].range_start, BLOCK_L2);
				ck_assert_uint_eq(rec.invalidations[0].range_size, BLOCK_L2);
				ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
			}
			ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
			ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);
			ck_assert_uint_eq(a.live_count, 0);
		}
	}
}
END_TEST

static int collect_text(void *ctx, const char *text, size_t length)
{
	char **all = ctx;
	size_t old = *all ? strlen(*all) : 0;
	char *grown = realloc(*all, old + length + 1);
	ck_assert_ptr_nonnull(grown);
	memcpy(grown + old, text, length);
	grown[old + length] = '\0';
	*all = grown;
	/* Every write is one whole line. */
	ck_assert_uint_gt(length, 0);
	ck_assert_int_eq(text[length - 1], '\n');
	return 0;
}

/* The longest dump line: a descriptor with every attribute bit, at the
 * deepest indent. Written raw into the leaf table, as tables built
 * elsewhere may hold it; the line must come out whole. */
START_TEST(dump_lines_are_never_cut)
{
	static const ap_regime_kind_t kinds[] = {AP_REGIME_EL1AND0, AP_REGIME_EL2,
						 AP_REGIME_STAGE2};
	for (size_t k = 0; k < 3; k++) {
		ap_mapping_options_t o = opts(regime_of(kinds[k]), 0, 0, AP_VA_RANGE_LOWER);
		ap_mapping_t *m = NULL;
		ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
		ap_region_t r = RS(0x1000, PAGE);
		ck_assert_int_eq(ap_mapping_map(m, &r, 0x1000, AP_ATTR_VALID, 0, NULL), AP_OK);
		ap_translate_result_t t = {sizeof(t), 0, 0, 0, 0, 0, 0};
		ck_assert_int_eq(ap_mapping_translate(m, 0x1000, &t), AP_OK);
		/* Identity: the leaf table lives at its own physical address. */
		uint64_t *leaf = NULL;
		ap_pa_t root;
		ck_assert_int_eq(ap_mapping_root_address(m, &root), AP_OK);
		uint64_t *table = (uint64_t *)(uintptr_t)root;
		for (unsigned level = 0; level < 3; level++)
			table = (uint64_t *)(uintptr_t)(table[0] & UINT64_C(0x0000fffffffff000));
		leaf = table;
		leaf[1] = UINT64_C(0xfff0000000000fff) | 0x1000;
		char *text = NULL;
		ck_assert_int_eq(ap_mapping_dump(m, collect_text, &text), AP_OK);
		const char *line = strstr(text, "\n      1      : 0xfff0000000");
		ck_assert_msg(line != NULL, "no line for the entry in:\n%s", text);
		line++;
		const char *end = strchr(line, '\n');
		ck_assert_ptr_nonnull(end);
		ck_assert_msg(end - line > 200, "line of %d bytes", (int)(end - line));
		ck_assert_msg(end[-1] == ')' && end[-2] == ')', "line cut: %.*s", (int)(end - line),
			      line);
		ck_assert_msg(strncmp(end + 1, "      2  -511: 0\n", 17) == 0, "next line: %s", end + 1);
		free(text);
		leaf[1] = 0;
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

static Suite *beyond_suite(void)
{
	Suite *s = suite_create("beyond");
	TCase *tc = tcase_create("beyond the reference");
	tcase_add_test(tc, top_of_upper_range_every_root_level);
	tcase_add_test(tc, top_of_lower_range_every_root_level);
	tcase_add_test(tc, top_block_of_upper_range);
	tcase_add_test(tc, nt_block_split_keeps_addresses);
	tcase_add_test(tc, fields_decode_per_level);
	tcase_add_test(tc, live_modify_never_splits_a_valid_block);
	tcase_add_test(tc, live_map_never_replaces_a_valid_block_with_a_table);
	tcase_add_test(tc, unmapping_empty_ranges_allocates_nothing);
	tcase_add_test(tc, output_below_block_offset_does_not_wrap);
	tcase_add_test(tc, output_range_must_fit_48_bits);
	tcase_add_test(tc, linear_offsets_never_wrap);
	tcase_add_test(tc, walk_runs_matches_walk);
	tcase_add_test(tc, unmapping_a_leaf_tables_range_frees_it);
	tcase_add_test(tc, dump_lines_are_never_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(beyond_suite());
}
