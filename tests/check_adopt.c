/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * ap_mapping_open(): tables the library did not build. Tables built by the
 * library read back the same when adopted; read-only mappings refuse every
 * edit; editable ones edit and keep their tables at destroy; and hostile
 * hierarchies written by hand (loops, shared subtables, reserved
 * encodings, addresses that do not translate) give a status, never a
 * crash or a walk without end.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

/* ------------------------------------------------------------ a page pool */

/* Table pages at physical POOL_PA + i * 4 KiB; anything else does not
 * translate. Pages are handed out by allocate_table in order. */
#define POOL_PAGES 64
#define POOL_PA UINT64_C(0x80000000)

typedef struct pool {
	uint64_t (*pages)[512];
	unsigned used;
	unsigned frees;
} pool_t;

static void *pool_allocate(void *ctx, ap_pa_t *pa)
{
	pool_t *p = ctx;
	if (p->used == POOL_PAGES)
		return NULL;
	*pa = POOL_PA + (uint64_t)p->used * PAGE;
	memset(p->pages[p->used], 0, PAGE);
	return p->pages[p->used++];
}

static void pool_free(void *ctx, void *table, ap_pa_t pa)
{
	(void)table;
	(void)pa;
	((pool_t *)ctx)->frees++;
}

static void *pool_to_virtual(void *ctx, ap_pa_t pa)
{
	pool_t *p = ctx;
	if (pa < POOL_PA || pa >= POOL_PA + POOL_PAGES * PAGE || (pa & (PAGE - 1)))
		return NULL;
	return p->pages[(pa - POOL_PA) / PAGE];
}

static const ap_translation_ops_t pool_ops = {sizeof(ap_translation_ops_t), pool_allocate,
					      pool_free, pool_to_virtual};

static pool_t *pool_new(void)
{
	/* One pool per test: each test runs in its own process. */
	static uint64_t pages[POOL_PAGES][512] __attribute__((aligned(4096)));
	pool_t *p = calloc(1, sizeof(*p));
	ck_assert_ptr_nonnull(p);
	p->pages = pages;
	memset(pages, 0, sizeof(pages));
	return p;
}

static void pool_destroy(pool_t *p)
{
	free(p);
}

/* Page i of the pool, taken by hand, and its table descriptor. */
static uint64_t *page(pool_t *p, unsigned i)
{
	if (p->used <= i)
		p->used = i + 1;
	return p->pages[i];
}

static uint64_t table_desc(unsigned i)
{
	return (POOL_PA + i * PAGE) | 3;
}

static ap_mapping_t *open_pool(pool_t *p, unsigned root_level, ap_open_flags_t flags)
{
	ap_mapping_options_t o = opts(NULL, root_level, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_open(&o, &pool_ops, p, POOL_PA, flags, &m), AP_OK);
	return m;
}

#define NORMAL (AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_INNER_SHAREABLE | AP_EL1_ATTRIBUTE_INDEX_0)

static int count_walk(void *ctx, const ap_region_t *r, uint64_t d, unsigned level)
{
	(void)r;
	(void)d;
	(void)level;
	(*(size_t *)ctx)++;
	return 0;
}

static int set_swflag(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	return ap_descriptor_is_valid(d) ? ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_0, 0) : 0;
}

/* ------------------------------------------------------------ friendly tables */

/* A hierarchy built by the library (root at the pool's first page). */
static ap_mapping_t *built(pool_t *p)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create(&o, &pool_ops, p, &m), AP_OK);
	ap_region_t pages = R(0x1000, 0x9000), block = R(BLOCK_L1, BLOCK_L1 + BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map(m, &pages, 0x40001000, NORMAL, 0, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &block, 0x40200000, NORMAL | AP_EL1_READ_ONLY, 0, NULL),
			 AP_OK);
	return m;
}

START_TEST(adopted_reads_as_built)
{
	pool_t *p = pool_new();
	ap_mapping_t *b = built(p), *a = open_pool(p, 1, AP_OPEN_READ_ONLY);
	char *built_dump = dump_string(b), *adopted_dump = dump_string(a);
	ck_assert_str_eq(built_dump, adopted_dump);
	free(built_dump);
	free(adopted_dump);
	for (uint64_t va = 0; va < BLOCK_L1 + 2 * BLOCK_L2; va += 0x7000) {
		ap_translate_result_t x = {.size = sizeof(x)}, y = {.size = sizeof(y)};
		ap_status_t sx = ap_mapping_translate(b, va, &x), sy = ap_mapping_translate(a, va, &y);
		ck_assert_int_eq(sx, sy);
		ck_assert_int_eq(memcmp(&x, &y, sizeof(x)), 0);
	}
	size_t tb, ta, wb = 0, wa = 0;
	ck_assert_int_eq(ap_mapping_table_count(b, &tb), AP_OK);
	ck_assert_int_eq(ap_mapping_table_count(a, &ta), AP_OK);
	ck_assert_uint_eq(ta, tb);
	ap_region_t all = R(0, BLOCK_L1 * 512);
	ck_assert_int_eq(ap_mapping_walk(b, &all, count_walk, &wb, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_walk(a, &all, count_walk, &wa, NULL), AP_OK);
	ck_assert_uint_eq(wa, wb);
	ap_pa_t root;
	ck_assert_int_eq(ap_mapping_root_address(a, &root), AP_OK);
	ck_assert_uint_eq(root, POOL_PA);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	ck_assert_uint_eq(p->frees, 0); /* adopted tables stay */
	ck_assert_int_eq(ap_mapping_destroy(b), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(read_only_refuses_every_edit)
{
	pool_t *p = pool_new();
	ap_mapping_t *b = built(p), *a = open_pool(p, 1, AP_OPEN_READ_ONLY);
	uint64_t before[8][512];
	memcpy(before, p->pages, sizeof(before));
	ap_region_t r = R(0x1000, 0x3000);
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_map(a, &r, 0x5000, NORMAL, 0, &err), AP_ERR_READ_ONLY);
	ck_assert_int_eq(err.status, AP_ERR_READ_ONLY);
	ck_assert_int_eq(ap_mapping_unmap(a, &r, NULL), AP_ERR_READ_ONLY);
	ck_assert_int_eq(ap_mapping_modify(a, &r, set_swflag, NULL, NULL), AP_ERR_READ_ONLY);
	ck_assert_int_eq(ap_mapping_compact(a), AP_ERR_READ_ONLY);
	ck_assert_int_eq(memcmp(before, p->pages, sizeof(before)), 0);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(b), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(editable_edits_and_keeps_its_tables)
{
	pool_t *p = pool_new();
	ap_mapping_t *b = built(p), *a = open_pool(p, 1, AP_OPEN_EDITABLE);
	ap_region_t r = R(0x200000, 0x202000);
	ck_assert_int_eq(ap_mapping_map(a, &r, 0x60000000, NORMAL, 0, NULL), AP_OK);
	ap_region_t pages = R(0x1000, 0x9000);
	ck_assert_int_eq(ap_mapping_modify(a, &pages, set_swflag, NULL, NULL), AP_OK);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(b, 0x201234, &t), AP_OK); /* the builder sees it */
	ck_assert_uint_eq(t.output_address, 0x60001234);
	ck_assert_int_eq(ap_mapping_translate(b, 0x2000, &t), AP_OK);
	ck_assert_uint_ne(t.attributes & AP_EL1_SWFLAG_0, 0);
	ck_assert_int_eq(ap_mapping_unmap(a, &r, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(a), AP_OK);
	unsigned freed = p->frees;
	ck_assert_uint_eq(freed, 1); /* the leaf table the unmap emptied */
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	ck_assert_uint_eq(p->frees, freed);
	ck_assert_int_eq(ap_mapping_destroy(b), AP_OK);
	pool_destroy(p);
}
END_TEST

/* ------------------------------------------------------------ hostile tables */

/* Level 1 root at page 0; page 1 is a level-2 table under root[0]. */
START_TEST(loop_back_to_an_ancestor)
{
	pool_t *p = pool_new();
	uint64_t *root = page(p, 0), *l2 = page(p, 1);
	root[0] = table_desc(1);
	l2[0] = table_desc(0); /* level 2 entry pointing at the root */
	ap_mapping_t *a = open_pool(p, 1, AP_OPEN_EDITABLE);
	ap_error_t err = new_error();
	size_t n = 0;
	ap_region_t all = R(0, BLOCK_L1 * 512);
	ck_assert_int_eq(ap_mapping_walk(a, &all, count_walk, &n, &err), AP_ERR_MALFORMED_TABLE);
	ck_assert_uint_eq(err.address, POOL_PA);
	ck_assert_int_eq(ap_mapping_dump(a, discard_text, NULL), AP_ERR_MALFORMED_TABLE);
	size_t tables;
	ck_assert_int_eq(ap_mapping_table_count(a, &tables), AP_ERR_MALFORMED_TABLE);
	/* One address is followed as the MMU would: root[0] -> l2[0] -> the
	 * root read as a level-3 table, whose entry 0 (0b11) is a page. */
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(a, 0x123, &t), AP_OK);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_uint_eq(t.output_address, POOL_PA + PAGE + 0x123);
	/* An edit checks the whole tree first and changes nothing. */
	uint64_t before[2][512];
	memcpy(before, p->pages, sizeof(before));
	ap_region_t r = R(BLOCK_L1, BLOCK_L1 + PAGE);
	ck_assert_int_eq(ap_mapping_map(a, &r, 0, NORMAL, 0, &err), AP_ERR_MALFORMED_TABLE);
	ck_assert_int_eq(ap_mapping_compact(a), AP_ERR_MALFORMED_TABLE);
	ck_assert_int_eq(memcmp(before, p->pages, sizeof(before)), 0);
	ck_assert_uint_eq(p->used, 2);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(root_pointing_at_itself)
{
	pool_t *p = pool_new();
	page(p, 0)[5] = table_desc(0);
	ap_mapping_t *a = open_pool(p, 0, AP_OPEN_READ_ONLY);
	ap_error_t err = new_error();
	size_t n = 0;
	ap_region_t all = R(0, UINT64_C(1) << 48);
	ck_assert_int_eq(ap_mapping_walk(a, &all, count_walk, &n, &err), AP_ERR_MALFORMED_TABLE);
	ck_assert_uint_eq(err.address, POOL_PA);
	ck_assert_uint_eq(n, 5); /* the empty entries before the loop */
	ap_translate_result_t t = {.size = sizeof(t)};
	uint64_t va = (UINT64_C(5) << 39) | (UINT64_C(5) << 30) | (UINT64_C(5) << 21) | (5 << 12);
	ck_assert_int_eq(ap_mapping_translate(a, va, &t), AP_OK); /* the self map */
	ck_assert_uint_eq(t.output_address, POOL_PA);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

/* Pages 0-2: every entry of levels 0 to 2 points at the one table of the
 * next level (page 3, left empty): 512^3 paths to it. */
static void fan_in(pool_t *p)
{
	for (unsigned level = 0; level < 3; level++)
		for (unsigned i = 0; i < 512; i++)
			page(p, level)[i] = table_desc(level + 1);
	page(p, 3);
}

/* Without the check for tables met twice, a walk of the range over the
 * fan-in would not end. */
START_TEST(subtables_shared_by_every_entry)
{
	pool_t *p = pool_new();
	fan_in(p);
	for (unsigned i = 0; i < 512; i++)
		page(p, 3)[i] = 0x40000000 | 0x403;
	ap_mapping_t *a = open_pool(p, 0, AP_OPEN_EDITABLE);
	ap_error_t err = new_error();
	size_t n = 0;
	ap_region_t all = R(0, UINT64_C(1) << 48);
	ck_assert_int_eq(ap_mapping_walk(a, &all, count_walk, &n, &err), AP_ERR_MALFORMED_TABLE);
	ck_assert_uint_eq(err.address, POOL_PA + 3 * PAGE); /* first met twice: the leaf table */
	ck_assert_uint_eq(n, 512);
	ck_assert_int_eq(ap_mapping_walk_runs(a, &all, NULL, NULL, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_dump(a, discard_text, NULL), AP_ERR_MALFORMED_TABLE);
	/* An unmap of one shared entry would free a table others point to. */
	ap_region_t one = R(0, UINT64_C(1) << 39);
	ck_assert_int_eq(ap_mapping_unmap(a, &one, &err), AP_ERR_MALFORMED_TABLE);
	ck_assert_uint_eq(page(p, 0)[0], table_desc(1));
	ck_assert_uint_eq(p->frees, 0);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(a, UINT64_C(0xfffffffff123), &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x40000123);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(reserved_encodings_read_as_unmapped)
{
	pool_t *p = pool_new();
	uint64_t *root = page(p, 0), *l1 = page(p, 1), *l2 = page(p, 2), *l3 = page(p, 3);
	root[0] = 0x40000000 | 0x401; /* a block at level 0: reserved with 4 KiB pages */
	root[1] = table_desc(1);
	l1[0] = table_desc(2);
	l2[0] = table_desc(3);
	l3[0] = 0x40000000 | 0x401; /* 0b01 at level 3: reserved */
	l3[1] = 0x40001000 | 0x403; /* a page */
	ap_mapping_t *a = open_pool(p, 0, AP_OPEN_READ_ONLY);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(a, 0x1234, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 0);
	uint64_t base = UINT64_C(1) << 39;
	ck_assert_int_eq(ap_mapping_translate(a, base + 0x234, &t), AP_ERR_NOT_MAPPED);
	ck_assert_uint_eq(t.level, 3);
	ck_assert_int_eq(ap_mapping_translate(a, base + 0x1234, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, 0x40001234);
	size_t n = 0, tables = 0;
	ap_region_t all = R(0, UINT64_C(1) << 48);
	ck_assert_int_eq(ap_mapping_walk(a, &all, count_walk, &n, NULL), AP_OK);
	ck_assert_uint_eq(n, 511 + 511 + 511 + 512);
	ck_assert_int_eq(ap_mapping_table_count(a, &tables), AP_OK);
	ck_assert_uint_eq(tables, 4);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(addresses_that_do_not_translate)
{
	pool_t *p = pool_new();
	page(p, 0)[3] = 0x7000003; /* a table outside the pool */
	ap_mapping_t *a = open_pool(p, 1, AP_OPEN_EDITABLE);
	ap_error_t err = new_error();
	size_t n = 0;
	ap_region_t all = R(0, BLOCK_L1 * 512);
	ck_assert_int_eq(ap_mapping_walk(a, &all, count_walk, &n, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(err.address, 0x7000000);
	ap_translate_result_t t = {.size = sizeof(t)};
	ck_assert_int_eq(ap_mapping_translate(a, 3 * BLOCK_L1, &t), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_translate(a, 2 * BLOCK_L1, &t), AP_ERR_NOT_MAPPED);
	ck_assert_int_eq(ap_mapping_dump(a, discard_text, NULL), AP_ERR_BAD_TABLE_ADDRESS);
	ap_region_t r = R(0, PAGE);
	ck_assert_int_eq(ap_mapping_map(a, &r, 0, NORMAL, 0, &err), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_uint_eq(p->used, 1); /* nothing allocated */
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

/* ------------------------------------------------------------ errors */

static void *no_table(void *ctx, ap_pa_t pa)
{
	(void)ctx;
	(void)pa;
	return NULL;
}

START_TEST(open_errors)
{
	pool_t *p = pool_new();
	page(p, 0);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = (ap_mapping_t *)&o;
	ap_translation_ops_t read_only = {sizeof(read_only), NULL, NULL, pool_to_virtual};
	ap_translation_ops_t none = {sizeof(none), pool_allocate, pool_free, NULL};
	ap_translation_ops_t lost = {sizeof(lost), pool_allocate, pool_free, no_table};
	ck_assert_int_eq(ap_mapping_open(&o, &pool_ops, p, POOL_PA, 0, NULL), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(NULL, &pool_ops, p, POOL_PA, 0, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, NULL, p, POOL_PA, 0, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, &none, p, POOL_PA, 0, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, &read_only, p, POOL_PA, AP_OPEN_EDITABLE, &m),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, &pool_ops, p, POOL_PA, 2, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, &pool_ops, p, POOL_PA + 8, 0, &m),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, &pool_ops, p, UINT64_C(1) << 48, 0, &m),
			 AP_ERR_INVALID_ARGUMENT);
	ap_mapping_options_t bad = opts(NULL, 4, 0, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_open(&bad, &pool_ops, p, POOL_PA, 0, &m), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_open(&o, &lost, p, POOL_PA, 0, &m), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_ptr_eq(m, (ap_mapping_t *)&o); /* untouched */
	ck_assert_int_eq(ap_mapping_open(&o, &read_only, p, POOL_PA, AP_OPEN_READ_ONLY, &m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(bbm_safe_answers_the_live_rule)
{
	bool safe = false;
	uint64_t page_rw = 0x40000000 | NORMAL | AP_ATTR_TABLE_OR_PAGE;
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_EL1AND0, 3, page_rw, page_rw | AP_EL1_READ_ONLY, &safe),
			 AP_OK);
	ck_assert(safe);
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_EL1AND0, 3, page_rw, page_rw + PAGE, &safe), AP_OK);
	ck_assert(!safe); /* another output address */
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_EL1AND0, 3, page_rw, 0, &safe), AP_OK);
	ck_assert(safe); /* the break */
	uint64_t block = 0x40000000 | NORMAL;
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_EL1AND0, 2, block, 0x40000003, &safe), AP_OK);
	ck_assert(!safe); /* a block never becomes a table in place */
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_STAGE2, 3, 0x40000000 | 0x7c3, 0x40000000 | 0x743,
				     &safe),
			 AP_OK);
	ck_assert(safe); /* S2AP read-write to read-only */
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_EL1AND0, 4, 0, 0, &safe), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_bbm_safe((ap_regime_kind_t)9, 3, 0, 0, &safe), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_bbm_safe(AP_REGIME_EL1AND0, 3, 0, 0, NULL), AP_ERR_INVALID_ARGUMENT);
}
END_TEST

/* ------------------------------------------------------------ range dumps */

typedef struct sink {
	char text[262144];
	size_t length;
	int fail_at; /* fail the n-th write (1-based); 0: never */
	int writes;
} sink_t;

static int to_sink(void *ctx, const char *text, size_t length)
{
	sink_t *k = ctx;
	if (++k->writes == k->fail_at)
		return 1;
	ck_assert_uint_lt(k->length + length, sizeof(k->text));
	memcpy(k->text + k->length, text, length);
	k->length += length;
	k->text[k->length] = '\0';
	return 0;
}

START_TEST(dump_ranges_text)
{
	pool_t *p = pool_new();
	ap_mapping_t *b = built(p);
	static sink_t k;
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(b, AP_DUMP_RANGES, to_sink, &k), AP_OK);
	const char *expected =
		"table 0x80000000, level 1\n"
		"  [0] 0x0000000000000000..0x000000003fffffff table 0x80001000\n"
		"  table 0x80001000, level 2\n"
		"    [0] 0x0000000000000000..0x00000000001fffff table 0x80002000\n"
		"    table 0x80002000, level 3\n"
		"      [0] 0x0000000000000000..0x0000000000000fff invalid\n"
		"      [1-8] 0x0000000000001000..0x0000000000008fff -> 0x40001000 page ";
	ck_assert_int_eq(strncmp(k.text, expected, strlen(expected)), 0);
	ck_assert_ptr_nonnull(strstr(k.text, "\n      [9-511] 0x0000000000009000..0x00000000001fffff invalid\n"
					     "    [1-511] 0x0000000000200000..0x000000003fffffff invalid\n"
					     "  [1] 0x0000000040000000..0x000000007fffffff table 0x80003000\n"
					     "  table 0x80003000, level 2\n"
					     "    [0] 0x0000000040000000..0x00000000401fffff -> 0x40200000 block "));
	ck_assert_ptr_nonnull(strstr(k.text, "\n  [2-511] 0x0000000080000000..0x0000007fffffffff invalid\n"));
	ck_assert_int_eq(ap_mapping_destroy(b), AP_OK);
	pool_destroy(p);
}
END_TEST

/* Counts characters outside JSON strings; braces and brackets must pair. */
static void check_json_shape(const char *text)
{
	int braces = 0, brackets = 0;
	bool in_string = false;
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			in_string = !in_string;
		else if (!in_string && (*c == '{' || *c == '}'))
			braces += *c == '{' ? 1 : -1;
		else if (!in_string && (*c == '[' || *c == ']'))
			brackets += *c == '[' ? 1 : -1;
		ck_assert(braces >= 0 && brackets >= 0);
	}
	ck_assert(!in_string);
	ck_assert_int_eq(braces, 0);
	ck_assert_int_eq(brackets, 0);
}

START_TEST(dump_ranges_json)
{
	pool_t *p = pool_new();
	ap_mapping_t *b = built(p);
	static sink_t k;
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(b, AP_DUMP_JSON, to_sink, &k), AP_OK);
	check_json_shape(k.text);
	ck_assert_int_eq(strncmp(k.text, "{\"regime\": \"el1&0\", \"root_level\": 1, \"root\": "
				 "{\"pa\": \"0x80000000\", \"level\": 1, \"entries\": [", 90), 0);
	ck_assert_ptr_nonnull(strstr(k.text, "{\"first\": 1, \"last\": 8, \"va\": \"0x1000\", "
					     "\"size\": \"0x8000\", \"kind\": \"leaf\""));
	ck_assert_ptr_nonnull(strstr(k.text, "\"pa\": \"0x40001000\", \"attributes\": \""));
	ck_assert_int_eq(ap_mapping_destroy(b), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(dump_ranges_of_shared_tables_ends)
{
	pool_t *p = pool_new();
	fan_in(p);
	page(p, 3)[7] = 0x401; /* reserved at level 3 */
	ap_mapping_t *a = open_pool(p, 0, AP_OPEN_READ_ONLY);
	static sink_t k;
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(a, AP_DUMP_RANGES, to_sink, &k), AP_OK);
	ck_assert_ptr_nonnull(strstr(k.text, "        [7] 0x0000000000007000..0x0000000000007fff reserved encoding (faults)\n"));
	ck_assert_ptr_nonnull(strstr(k.text, "      [1] 0x0000000000200000..0x00000000003fffff table 0x80003000 (shared: printed above)\n"));
	ck_assert_ptr_nonnull(strstr(k.text, "  [511] 0x0000ff8000000000..0x0000ffffffffffff table 0x80001000 (shared: printed above)\n"));
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(a, AP_DUMP_JSON, to_sink, &k), AP_OK);
	check_json_shape(k.text);
	ck_assert_ptr_nonnull(strstr(k.text, "\"pa\": \"0x80003000\", \"shared\": true}"));
	ck_assert_int_eq(ap_mapping_dump(a, discard_text, NULL), AP_ERR_MALFORMED_TABLE);
	/* the picture measures the whole walk first: refused, nothing written */
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(a, AP_DUMP_SVG, to_sink, &k), AP_ERR_MALFORMED_TABLE);
	ck_assert_int_eq(k.writes, 0);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

START_TEST(dump_as_errors)
{
	pool_t *p = pool_new();
	ap_mapping_t *b = built(p);
	static sink_t k;
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(NULL, AP_DUMP_RANGES, to_sink, &k), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_dump_as(b, AP_DUMP_RANGES, NULL, &k), AP_ERR_INVALID_ARGUMENT);
	ck_assert_int_eq(ap_mapping_dump_as(b, (ap_dump_format_t)4, to_sink, &k),
			 AP_ERR_INVALID_ARGUMENT);
	ck_assert_uint_eq(k.length, 0);
	for (int n = 1; n <= 3; n++) {
		memset(&k, 0, sizeof(k));
		k.fail_at = n;
		ck_assert_int_eq(ap_mapping_dump_as(b, n == 3 ? AP_DUMP_JSON : AP_DUMP_RANGES, to_sink, &k),
				 AP_ERR_WRITE_FAILED);
		ck_assert_int_eq(k.writes, n); /* stopped at once */
		memset(&k, 0, sizeof(k));
		k.fail_at = n;
		ck_assert_int_eq(ap_mapping_dump_as(b, AP_DUMP_SVG, to_sink, &k), AP_ERR_WRITE_FAILED);
		ck_assert_int_eq(k.writes, n);
	}
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(b, AP_DUMP_SVG, to_sink, &k), AP_OK);
	ck_assert_int_eq(strncmp(k.text, "<?xml", 5), 0);
	ck_assert_ptr_nonnull(strstr(k.text, "</svg>\n"));
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(b, AP_DUMP_REFERENCE, to_sink, &k), AP_OK);
	ck_assert_int_eq(strncmp(k.text, "RootTable { pa: 0x0000000080000000", 34), 0);
	ck_assert_int_eq(ap_mapping_destroy(b), AP_OK);
	page(p, 0)[1] = 0x7000003; /* a table outside the pool */
	ap_mapping_t *a = open_pool(p, 1, AP_OPEN_READ_ONLY);
	ap_mapping_t *ignored = a;
	(void)ignored;
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(a, AP_DUMP_RANGES, to_sink, &k), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_destroy(a), AP_OK);
	pool_destroy(p);
}
END_TEST

/* The SVG picture of a stage 1 mapping names memory types when its
 * options carry the MAIR, and tells attribute indices apart without it. */
static void svg_of(ap_mair_t mair, sink_t *k)
{
	ap_mapping_options_t o = AP_MAPPING_OPTIONS_INIT;
	o.root_level = 1;
	o.mair = mair;
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_region_t ram = {0x40000000, 0x200000}, uart = {0x9000000, 0x1000};
	ck_assert_int_eq(ap_mapping_map(m, &ram, 0x40000000, AP_EL1_VALID | AP_EL1_ACCESSED |
					AP_EL1_ATTRIBUTE_INDEX_0, AP_CONSTRAINT_NONE, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &uart, 0x9000000, AP_EL1_VALID | AP_EL1_ACCESSED |
					AP_EL1_ATTRIBUTE_INDEX_1, AP_CONSTRAINT_NONE, NULL), AP_OK);
	memset(k, 0, sizeof(*k));
	ck_assert_int_eq(ap_mapping_dump_as(m, AP_DUMP_SVG, to_sink, k), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

START_TEST(svg_memory_types_from_the_mair)
{
	static sink_t k;
	svg_of(0x04ff, &k); /* index 0 normal write-back, index 1 Device-nGnRE */
	ck_assert_ptr_nonnull(strstr(k.text, "data-first=\"0x0009000000\" data-last=\"0x0009000fff\" "
					     "data-output=\"0x9000000\" data-kind=\"pages\" "
					     "data-memory=\"device\""));
	ck_assert_ptr_nonnull(strstr(k.text, "data-first=\"0x0040000000\" data-last=\"0x00401fffff\" "
					     "data-output=\"0x40000000\" data-kind=\"blocks\" "
					     "data-memory=\"normal\""));
	ck_assert_ptr_nonnull(strstr(k.text, ">device (attr index 1)<"));
	ck_assert_ptr_null(strstr(k.text, ">attr index"));
	svg_of(0, &k); /* no MAIR: by index, no memory types claimed */
	ck_assert_ptr_null(strstr(k.text, "data-memory"));
	ck_assert_ptr_nonnull(strstr(k.text, ">attr index 1<"));
	ck_assert_ptr_nonnull(strstr(k.text, "memory types need the MAIR"));
}
END_TEST

/* At stage 2 the descriptors carry the memory type (MemAttr). */
START_TEST(svg_memory_types_at_stage_2)
{
	ap_mapping_options_t o = AP_MAPPING_OPTIONS_INIT;
	ck_assert_int_eq(ap_regime_get(AP_REGIME_STAGE2, &o.regime), AP_OK);
	o.input_bits = 40;
	ap_mapping_t *m;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_attrs_t common = AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW;
	ap_region_t ram = {0x40000000, 0x1000}, uart = {0x9000000, 0x1000};
	ck_assert_int_eq(ap_mapping_map(m, &ram, 0x40000000, common | AP_S2_MEMATTR_NORMAL_OUTER_WB |
					AP_S2_MEMATTR_NORMAL_INNER_WB, AP_CONSTRAINT_NONE, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &uart, 0x9000000, common | AP_S2_MEMATTR_DEVICE_nGnRE,
					AP_CONSTRAINT_NONE, NULL), AP_OK);
	static sink_t k;
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(ap_mapping_dump_as(m, AP_DUMP_SVG, to_sink, &k), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_ptr_nonnull(strstr(k.text, "data-output=\"0x40000000\" data-kind=\"pages\" "
					     "data-memory=\"normal\""));
	ck_assert_ptr_nonnull(strstr(k.text, "data-output=\"0x9000000\" data-kind=\"pages\" "
					     "data-memory=\"device\""));
}
END_TEST

static Suite *adopt_suite(void)
{
	Suite *s = suite_create("adopt");
	TCase *tc = tcase_create("adopt");
	tcase_add_test(tc, adopted_reads_as_built);
	tcase_add_test(tc, read_only_refuses_every_edit);
	tcase_add_test(tc, editable_edits_and_keeps_its_tables);
	tcase_add_test(tc, loop_back_to_an_ancestor);
	tcase_add_test(tc, root_pointing_at_itself);
	tcase_add_test(tc, subtables_shared_by_every_entry);
	tcase_add_test(tc, reserved_encodings_read_as_unmapped);
	tcase_add_test(tc, addresses_that_do_not_translate);
	tcase_add_test(tc, open_errors);
	tcase_add_test(tc, bbm_safe_answers_the_live_rule);
	tcase_add_test(tc, dump_ranges_text);
	tcase_add_test(tc, dump_ranges_json);
	tcase_add_test(tc, dump_ranges_of_shared_tables_ends);
	tcase_add_test(tc, dump_as_errors);
	tcase_add_test(tc, svg_memory_types_from_the_mair);
	tcase_add_test(tc, svg_memory_types_at_stage_2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(adopt_suite());
}
