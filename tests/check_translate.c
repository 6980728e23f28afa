/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * ap_mapping_translate: pages, blocks at levels 1 and 2, faults at each
 * level, table attributes on the way, the upper VA range, and agreement
 * with an independent reference walk on many pseudo-random addresses of a
 * mixed mapping, and every descriptor encoding at every level.
 */
/* posix_memalign is POSIX, not C99. */
#define _POSIX_C_SOURCE 200112L

#include "test_util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

static ap_translate_result_t result(void)
{
	ap_translate_result_t t;
	memset(&t, 0xa5, sizeof(t));
	t.size = sizeof(t);
	return t;
}

static ap_mapping_t *mixed(void)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_target(&o, 0x10000000, &m), AP_OK);
	ap_region_t pages = R(0x3000, 0x9000), l2 = R(4 * BLOCK_L2, 6 * BLOCK_L2), l1 = R(2 * BLOCK_L1, 3 * BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(m, &pages, 0x80003000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &l2, 0x90000000, NORMAL | AP_EL1_READ_ONLY, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &l1, 5 * BLOCK_L1, NORMAL | AP_EL1_UXN, 0, NULL), AP_OK);
	return m;
}

START_TEST(pages_and_blocks)
{
	ap_mapping_t *m = mixed();
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, 0x4567, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x80004567);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_uint_eq(t.block_size, 0x1000);
	ck_assert_uint_eq(t.attributes, NORMAL | AP_ATTR_TABLE_OR_PAGE);
	ck_assert_uint_eq(t.table_attributes, 0);
	ck_assert_uint_eq(ap_pte_output_address(t.descriptor, 3), 0x80004000);

	ck_assert_int_eq(ap_mapping_translate(m, 5 * BLOCK_L2 + 0x12345, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x90000000 + BLOCK_L2 + 0x12345);
	ck_assert_uint_eq(t.level, 2);
	ck_assert_uint_eq(t.block_size, BLOCK_L2);
	ck_assert_uint_eq(t.attributes, NORMAL | AP_EL1_READ_ONLY);

	ck_assert_int_eq(ap_mapping_translate(m, 2 * BLOCK_L1 + 0x3456789, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 5 * BLOCK_L1 + 0x3456789);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_uint_eq(t.block_size, BLOCK_L1);
	ck_assert_uint_eq(t.attributes, NORMAL | AP_EL1_UXN);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(faults_report_their_level)
{
	ap_mapping_t *m = mixed();
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, 0x2000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_uint_eq(t.descriptor, 0);
	ck_assert_uint_eq(t.output_address, 0);
	ck_assert_int_eq(ap_mapping_translate(m, 7 * BLOCK_L2, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 2);
	ck_assert_int_eq(ap_mapping_translate(m, 3 * BLOCK_L1, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 1);
	ck_assert_uint_eq(t.block_size, BLOCK_L1);
	/* An invalid entry that carries software flags still faults. */
	ap_region_t marked = R(0x9000, 0xa000);
	ck_assert_int_eq(ap_mapping_map(m, &marked, 0, AP_EL1_SWFLAG_0, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_translate(m, 0x9000, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.descriptor, AP_EL1_SWFLAG_0);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(table_attributes_accumulate)
{
	/* Table attributes are not something map writes; a custom translation
	 * lets the test put them in the table descriptors directly. */
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	ap_region_t page = R(0x5000, 0x6000);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x5000, NORMAL, 0, NULL), AP_OK);
	ap_pa_t root_pa;
	ck_assert_int_eq(ap_mapping_root_address(m, &root_pa), AP_OK);
	uint64_t *root = (uint64_t *)(uintptr_t)root_pa; /* test_alloc: pa is the address */
	root[0] |= AP_EL1_XN_TABLE;
	uint64_t *l2 = (uint64_t *)(uintptr_t)(root[0] & UINT64_C(0x0000fffffffff000));
	l2[0] |= AP_EL1_AP_TABLE_NO_WRITE;
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, 0x5000, &t), AP_OK);
	ck_assert_uint_eq(t.table_attributes, AP_EL1_XN_TABLE | AP_EL1_AP_TABLE_NO_WRITE);
	ck_assert_uint_eq(t.output_address, 0x5000);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

START_TEST(upper_range)
{
	ap_mapping_options_t o = opts(NULL, 2, 4, AP_VA_RANGE_UPPER);
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	uint64_t base = (uint64_t)0 - BLOCK_L1;
	ap_region_t r = RS(base + 0x7000, 0x2000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x123000, NORMAL, 0, NULL), AP_OK);
	ap_translate_result_t t = result();
	ck_assert_int_eq(ap_mapping_translate(m, base + 0x8010, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x124010);
	ck_assert_int_eq(ap_mapping_translate(m, base - 1, &t), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_translate(m, 0x8000, &t), AP_ERR_ADDRESS_RANGE);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* ------------------------------------------------------------ reference walk */

/* An independent walk from the root, by the architectural rules for the
 * 4 KiB granule: bits[1:0] = 11 is a table at levels 0-2 and a page at level
 * 3; 01 is a block at levels 1 and 2 and reserved (a fault) at levels 0 and
 * 3; 00 and 10 are invalid. Tables are reached through the test's own
 * translation (pa - pa_offset), never through the library. */
#define OA_BITS UINT64_C(0x0000fffffffff000)
#define TABLE_ATTRS UINT64_C(0xf800000000000000)

typedef struct ref_result {
	ap_status_t status;
	uint64_t output_address;
	uint64_t attributes;
	uint64_t table_attributes;
	uint64_t descriptor;
	unsigned level;
	uint64_t block_size;
} ref_result_t;

static ref_result_t reference_translate(const test_alloc_t *a, uint64_t root_pa,
					unsigned root_level, uint64_t va)
{
	ref_result_t r;
	memset(&r, 0, sizeof(r));
	unsigned input_bits = 12 + 9 * (4 - root_level);
	if (va >> input_bits) {
		r.status = AP_ERR_ADDRESS_RANGE;
		return r;
	}
	const uint64_t *table = (const uint64_t *)(uintptr_t)(root_pa - a->pa_offset);
	for (unsigned level = root_level;; level++) {
		unsigned shift = 12 + 9 * (3 - level);
		uint64_t desc = table[(va >> shift) & 511];
		unsigned type = (unsigned)(desc & 3);
		if (level < 3 && type == 3) {
			r.table_attributes |= desc & TABLE_ATTRS;
			table = (const uint64_t *)(uintptr_t)((desc & OA_BITS) - a->pa_offset);
			continue;
		}
		r.descriptor = desc;
		r.level = level;
		r.block_size = (uint64_t)1 << shift;
		bool mapped = (level == 3 && type == 3) || ((level == 1 || level == 2) && type == 1);
		if (!mapped) {
			r.status = AP_ERR_NOT_MAPPED;
			return r;
		}
		/* The output address: bits[47:shift] of the descriptor. */
		uint64_t oa_mask = OA_BITS & ~(r.block_size - 1);
		r.status = AP_OK;
		r.output_address = (desc & oa_mask) | (va & (r.block_size - 1));
		r.attributes = desc & ~oa_mask;
		return r;
	}
}

static void expect_agreement(const ap_mapping_t *m, const test_alloc_t *a, uint64_t va)
{
	ap_pa_t root_pa;
	unsigned root_level;
	ck_assert_int_eq(ap_mapping_root_address(m, &root_pa), AP_OK);
	ck_assert_int_eq(ap_mapping_root_level(m, &root_level), AP_OK);
	ref_result_t ref = reference_translate(a, root_pa, root_level, va);
	ap_translate_result_t t = result();
	ap_status_t status = ap_mapping_translate(m, va, &t);
	ck_assert_msg(status == ref.status, "va %#llx: status %d, reference %d",
		      (unsigned long long)va, status, ref.status);
	if (ref.status == AP_ERR_ADDRESS_RANGE)
		return;
	ck_assert_msg(t.descriptor == ref.descriptor && t.level == ref.level &&
			      t.block_size == ref.block_size,
		      "va %#llx: descriptor %#llx level %u, reference %#llx level %u",
		      (unsigned long long)va, (unsigned long long)t.descriptor, t.level,
		      (unsigned long long)ref.descriptor, ref.level);
	ck_assert_uint_eq(t.table_attributes, ref.table_attributes);
	ck_assert_uint_eq(t.output_address, ref.output_address);
	ck_assert_uint_eq(t.attributes, ref.attributes);
}

/* The mixed mapping again, over a test_alloc whose physical addresses are
 * not the host addresses, so that only a walk that translates gets it right. */
static ap_mapping_t *mixed_alloc(test_alloc_t *a, unsigned root_level)
{
	test_alloc_init(a);
	a->pa_offset = 0x40000000;
	ap_mapping_options_t o = opts(NULL, root_level, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(a, &o);
	ap_region_t pages = R(0x3000, 0x9000), l2 = R(4 * BLOCK_L2, 6 * BLOCK_L2),
		    l1 = R(2 * BLOCK_L1, 3 * BLOCK_L1), edge = R(BLOCK_L1 - 0x3000, BLOCK_L1 + 0x2000),
		    forced = R(7 * BLOCK_L2, 8 * BLOCK_L2 + 0x5000);
	ck_assert_int_eq(ap_mapping_map(m, &pages, 0x80003000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &l2, 0x90000000, NORMAL | AP_EL1_READ_ONLY, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &l1, 5 * BLOCK_L1, NORMAL | AP_EL1_UXN, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &edge, 0x123456000, NORMAL | AP_EL1_PXN, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &forced, 0xa0000000, NORMAL,
					AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
			 AP_OK);
	/* An invalid entry with software bits, and a hole inside a leaf table. */
	ap_region_t marked = R(0x9000, 0xa000), hole = R(7 * BLOCK_L2 + 0x10000, 7 * BLOCK_L2 + 0x12000);
	ck_assert_int_eq(ap_mapping_map(m, &marked, 0, AP_EL1_SWFLAG_0, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_unmap(m, &hole, NULL), AP_OK);
	return m;
}

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Random addresses per comparison: AP_TRANSLATE_SAMPLES, 20,000 by default
 * (valgrind and qemu-aarch64 runs ask for fewer). */
static int random_samples(void)
{
	const char *text = getenv("AP_TRANSLATE_SAMPLES");
	int n = text ? atoi(text) : 20000;
	ck_assert_msg(n > 0, "bad AP_TRANSLATE_SAMPLES: %s", text ? text : "");
	return n;
}

static void agree_on_random_addresses(const ap_mapping_t *m, const test_alloc_t *a, uint64_t seed)
{
	uint64_t x = seed, size;
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	for (int i = 0, n = random_samples(); i < n; i++) {
		uint64_t r = next_random(&x);
		uint64_t va;
		switch (i % 4) {
		case 0: /* anywhere, a little beyond the range included */
			va = r % (size + size / 8);
			break;
		case 1: /* the first 4 GiB, where the blocks are */
			va = r % (4 * BLOCK_L1);
			break;
		case 2: /* the first 16 MiB, where the pages are */
			va = r % (8 * BLOCK_L2);
			break;
		default: /* the first entries of every level */
			va = (r % 4) << (12 + 9 * ((r >> 8) % 4));
			va |= (r >> 16) & 0xfff;
			break;
		}
		expect_agreement(m, a, va);
	}
}

START_TEST(agrees_with_a_reference_walk)
{
	for (unsigned root_level = 0; root_level <= 1; root_level++) {
		test_alloc_t a;
		ap_mapping_t *m = mixed_alloc(&a, root_level);
		agree_on_random_addresses(m, &a, 12345 + root_level);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	}
}
END_TEST

/* ------------------------------------------------------------ encodings */

/* A page at 0x5000 gives tables at every level of a level-0 root. Entry 1 of
 * each table (never written by the library here) then takes raw values. */
typedef struct ladder {
	test_alloc_t a;
	ap_mapping_t *m;
	uint64_t *table[4]; /* host addresses of the tables at levels 0..3 */
	uint64_t table_pa[4];
} ladder_t;

static void ladder_build(ladder_t *l)
{
	test_alloc_init(&l->a);
	l->a.pa_offset = 0x40000000;
	ap_mapping_options_t o = opts(NULL, 0, 0, AP_VA_RANGE_LOWER);
	l->m = test_alloc_mapping(&l->a, &o);
	ap_region_t page = R(0x5000, 0x6000);
	ck_assert_int_eq(ap_mapping_map(l->m, &page, 0x777000, NORMAL, AP_CONSTRAINT_NO_BLOCK_MAPPINGS,
					NULL),
			 AP_OK);
	ck_assert_int_eq(ap_mapping_root_address(l->m, &l->table_pa[0]), AP_OK);
	for (unsigned level = 0; level < 4; level++) {
		if (level > 0) {
			uint64_t up = l->table[level - 1][0];
			ck_assert_uint_eq(up & 3, 3);
			l->table_pa[level] = up & OA_BITS;
		}
		l->table[level] = (uint64_t *)(uintptr_t)(l->table_pa[level] - l->a.pa_offset);
	}
}

/* The input address that entry 1 of the level's table translates. */
static uint64_t ladder_va(unsigned level)
{
	return (uint64_t)1 << (12 + 9 * (3 - level));
}

static void ladder_free(ladder_t *l)
{
	for (unsigned level = 0; level < 4; level++)
		l->table[level][1] = 0;
	ck_assert_int_eq(ap_mapping_destroy(l->m), AP_OK);
	ck_assert_uint_eq(l->a.allocations, l->a.frees);
}

START_TEST(every_encoding_at_every_level)
{
	/* Attributes and an output address around the type bits, so that
	 * only bits[1:0] decide. */
	const uint64_t around = NORMAL & ~(uint64_t)3;
	for (unsigned level = 0; level < 4; level++) {
		for (unsigned type = 0; type < 4; type++) {
			ladder_t l;
			ladder_build(&l);
			uint64_t va = ladder_va(level) + 0x123;
			uint64_t block = AP_GRANULE_AT_LEVEL(level);
			uint64_t value;
			bool table = type == 3 && level < 3;
			if (table) /* a table: the next level's existing table */
				value = l.table_pa[level + 1] | 3;
			else
				value = (UINT64_C(0x0000123480000000) & ~(block - 1) & OA_BITS) | around | type;
			l.table[level][1] = value;
			ap_translate_result_t t = result();
			ap_status_t status = ap_mapping_translate(l.m, va, &t);
			if (table) {
				/* va - ladder_va(level) + 0x5000's path: entry 1 at
				 * this level, then entry 0 below; only 0x5000 maps. */
				ck_assert_int_eq(status, AP_ERR_NOT_MAPPED);
				ck_assert_uint_eq(t.level, 3);
				ck_assert_int_eq(ap_mapping_translate(l.m, ladder_va(level) + 0x5abc, &t), AP_OK);
				ck_assert_uint_eq(t.output_address, 0x777abc);
				ck_assert_uint_eq(t.level, 3);
			} else if ((type == 1 && (level == 1 || level == 2)) || (type == 3 && level == 3)) {
				ck_assert_msg(status == AP_OK, "level %u type %u: status %d", level, type, status);
				ck_assert_uint_eq(t.level, level);
				ck_assert_uint_eq(t.block_size, block);
				ck_assert_uint_eq(t.descriptor, value);
				ck_assert_uint_eq(t.output_address, (value & OA_BITS & ~(block - 1)) + 0x123);
				ck_assert_uint_eq(t.attributes, value & ~(OA_BITS & ~(block - 1)));
			} else {
				/* 00 and 10 everywhere; 01 at levels 0 and 3 is reserved. */
				ck_assert_msg(status == AP_ERR_NOT_MAPPED, "level %u type %u: status %d",
					      level, type, status);
				ck_assert_uint_eq(t.level, level);
				ck_assert_uint_eq(t.descriptor, value);
				ck_assert_uint_eq(t.block_size, block);
				ck_assert_uint_eq(t.output_address, 0);
				ck_assert_uint_eq(t.attributes, 0);
			}
			expect_agreement(l.m, &l.a, va);
			ladder_free(&l);
		}
	}
}
END_TEST

/* All encodings at once in one table hierarchy, then the reference walk on
 * random addresses around them. */
START_TEST(raw_encodings_agree_with_the_reference)
{
	ladder_t l;
	ladder_build(&l);
	const uint64_t around = NORMAL & ~(uint64_t)3;
	for (unsigned level = 0; level < 4; level++) {
		uint64_t block = AP_GRANULE_AT_LEVEL(level);
		for (unsigned type = 0; type < 4; type++) {
			unsigned slot = 2 + type;
			if (type == 3 && level < 3)
				l.table[level][slot] = l.table_pa[level + 1] | 3 | AP_EL1_XN_TABLE;
			else
				l.table[level][slot] =
					((UINT64_C(0x0000456700000000) + slot * block) & OA_BITS & ~(block - 1)) |
					around | type;
		}
	}
	uint64_t x = 99;
	for (int i = 0, n = random_samples(); i < n; i++) {
		uint64_t r = next_random(&x);
		unsigned level = (unsigned)(r % 4);
		/* An address under entries 0..5 of that level's table, along
		 * the path of entry 0 above it. */
		uint64_t va = ((r >> 8) % 6) * AP_GRANULE_AT_LEVEL(level) +
			      ((r >> 16) % AP_GRANULE_AT_LEVEL(level));
		if (level > 0)
			va %= AP_GRANULE_AT_LEVEL(level - 1);
		expect_agreement(l.m, &l.a, va);
	}
	for (unsigned level = 0; level < 4; level++)
		for (unsigned slot = 2; slot < 6; slot++)
			l.table[level][slot] = 0;
	ladder_free(&l);
}
END_TEST

/* ------------------------------------------------------------ table addresses */

/* A translation that hands out the n-th table (1-based) at a chosen physical
 * address, translating it back faithfully, so that only the range check on
 * the address can refuse it. Other tables: pa = host address. */
#define HIGH_MAX 64
typedef struct high_alloc {
	size_t calls;
	size_t odd_call;  /* which allocation gets odd_pa */
	uint64_t odd_pa;
	void *tables[HIGH_MAX];
	uint64_t pas[HIGH_MAX];
	size_t count;
	size_t frees;
	uint64_t freed_pa[HIGH_MAX];
	void *freed[HIGH_MAX];
	uint64_t refused_address; /* err.address of a refused map */
} high_alloc_t;

static void *high_allocate(void *ctx, ap_pa_t *pa)
{
	high_alloc_t *h = ctx;
	h->calls++;
	if (h->count == HIGH_MAX)
		return NULL;
	void *table = NULL;
	ck_assert_int_eq(posix_memalign(&table, AP_PAGE_SIZE, AP_PAGE_SIZE), 0);
	memset(table, 0, AP_PAGE_SIZE);
	uint64_t got = h->calls == h->odd_call ? h->odd_pa : (uint64_t)(uintptr_t)table;
	h->tables[h->count] = table;
	h->pas[h->count] = got;
	h->count++;
	*pa = got;
	return table;
}

static void high_free(void *ctx, void *table, ap_pa_t pa)
{
	high_alloc_t *h = ctx;
	for (size_t i = 0; i < h->count; i++) {
		if (h->tables[i] == table) {
			ck_assert_uint_eq(h->pas[i], pa);
			if (h->frees < HIGH_MAX) {
				h->freed[h->frees] = table;
				h->freed_pa[h->frees] = pa;
			}
			h->frees++;
			h->tables[i] = h->tables[h->count - 1];
			h->pas[i] = h->pas[h->count - 1];
			h->count--;
			free(table);
			return;
		}
	}
	ck_abort_msg("free_table of a table this translation does not own");
}

static void *high_p2v(void *ctx, ap_pa_t pa)
{
	high_alloc_t *h = ctx;
	for (size_t i = 0; i < h->count; i++)
		if (h->pas[i] == pa)
			return h->tables[i];
	return NULL;
}

static const ap_translation_ops_t high_ops = {sizeof(ap_translation_ops_t), high_allocate,
					      high_free, high_p2v};

/* Copies of every live table, in allocation-list order, to compare. */
static uint64_t *copy_tables(const high_alloc_t *h)
{
	uint64_t *copy = malloc(h->count * AP_PAGE_SIZE + 1);
	ck_assert_ptr_nonnull(copy);
	for (size_t i = 0; i < h->count; i++)
		memcpy((char *)copy + i * AP_PAGE_SIZE, h->tables[i], AP_PAGE_SIZE);
	return copy;
}

static ap_status_t map_with_odd_table(uint64_t odd_pa, high_alloc_t *h)
{
	memset(h, 0, sizeof(*h));
	h->odd_call = 2; /* the root is the first */
	h->odd_pa = odd_pa;
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(&o, &high_ops, h, &m), AP_OK);
	size_t count_before;
	ck_assert_int_eq(ap_mapping_table_count(m, &count_before), AP_OK);
	uint64_t *before = copy_tables(h);
	size_t tables_before = h->count;
	ap_region_t page = R(0x5000, 0x6000);
	ap_error_t err = new_error();
	ap_status_t status = ap_mapping_map(m, &page, 0x5000, NORMAL, 0, &err);
	ap_translate_result_t t = result();
	if (status == AP_OK) {
		ck_assert_int_eq(ap_mapping_translate(m, 0x5123, &t), AP_OK);
		ck_assert_uint_eq(t.output_address, 0x5123);
	} else {
		ck_assert_int_eq(err.status, status);
		h->refused_address = err.address;
		/* Nothing changed: the same tables, byte for byte, and the
		 * refused one handed back. */
		ck_assert_uint_eq(h->count, tables_before);
		uint64_t *after = copy_tables(h);
		ck_assert(memcmp(before, after, h->count * AP_PAGE_SIZE) == 0);
		free(after);
		size_t count;
		ck_assert_int_eq(ap_mapping_table_count(m, &count), AP_OK);
		ck_assert_uint_eq(count, count_before);
		ck_assert_int_eq(ap_mapping_translate(m, 0x5123, &t), AP_ERR_NOT_MAPPED);
		ck_assert_uint_eq(t.level, 1);
		ck_assert_uint_ge(h->frees, 1);
		ck_assert_uint_eq(h->freed_pa[0], odd_pa);
	}
	free(before);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(h->count, 0); /* nothing leaked */
	return status;
}

START_TEST(table_above_the_output_address_range_is_refused)
{
	high_alloc_t h;
	const uint64_t limit = UINT64_C(1) << 48;
	ck_assert_int_eq(map_with_odd_table(limit, &h), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(h.frees, 2); /* the refused table at once, then the root */
	ck_assert_int_eq(map_with_odd_table(limit + 0x7000, &h), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(map_with_odd_table(UINT64_C(0xfffffffffffff000), &h), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(map_with_odd_table(limit | 0x40000000, &h), AP_ERR_BAD_TABLE_ADDRESS);
	/* The last page below the limit is fine. */
	ck_assert_int_eq(map_with_odd_table(limit - AP_PAGE_SIZE, &h), AP_OK);
}
END_TEST

/* The header says ap_error_t.address holds the physical address for
 * AP_ERR_BAD_TABLE_ADDRESS. For a new table refused by ap__table_new the
 * library leaves it as whatever was on the stack (map_checked's detail is
 * never filled on that path). */
START_TEST(refused_table_is_reported_with_its_address)
{
	high_alloc_t h;
	const uint64_t odd = (UINT64_C(1) << 48) + 0x3000;
	ck_assert_int_eq(map_with_odd_table(odd, &h), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_msg(h.refused_address == odd, "err.address %#llx, refused table at %#llx",
		      (unsigned long long)h.refused_address, (unsigned long long)odd);
}
END_TEST

START_TEST(root_above_the_output_address_range_is_refused)
{
	high_alloc_t h;
	memset(&h, 0, sizeof(h));
	h.odd_call = 1;
	h.odd_pa = UINT64_C(1) << 48;
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(&o, &high_ops, &h, &m), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(h.frees, 1);
	ck_assert_uint_eq(h.count, 0);
}
END_TEST

START_TEST(smaller_result_struct)
{
	ap_mapping_t *m = mixed();
	ap_translate_result_t t = result();
	/* A caller built against a shorter struct gets only what fits. */
	t.size = offsetof(ap_translate_result_t, attributes);
	ck_assert_int_eq(ap_mapping_translate(m, 0x4567, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x80004567);
	ck_assert_uint_eq(t.size, offsetof(ap_translate_result_t, attributes));
	uint64_t untouched;
	memset(&untouched, 0xa5, sizeof(untouched));
	ck_assert_uint_eq(t.attributes, untouched);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

static Suite *translate_suite(void)
{
	Suite *s = suite_create("translate");
	TCase *tc = tcase_create("translate");
	/* 20,000 addresses walked twice take seconds under qemu-aarch64 and
	 * valgrind on a busy machine; Check's default is 4 s. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pages_and_blocks);
	tcase_add_test(tc, faults_report_their_level);
	tcase_add_test(tc, table_attributes_accumulate);
	tcase_add_test(tc, upper_range);
	tcase_add_test(tc, agrees_with_a_reference_walk);
	tcase_add_test(tc, every_encoding_at_every_level);
	tcase_add_test(tc, raw_encodings_agree_with_the_reference);
	tcase_add_test(tc, smaller_result_struct);
	tcase_add_test(tc, table_above_the_output_address_range_is_refused);
	tcase_add_test(tc, root_above_the_output_address_range_is_refused);
	tcase_add_test(tc, refused_table_is_reported_with_its_address);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(translate_suite());
}
