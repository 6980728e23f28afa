/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Fuzz target for adopted tables (libFuzzer): the input is the content of
 * up to 8 tables, hostile in every way it likes (loops, shared subtables,
 * reserved encodings, pointers anywhere), and a few bytes that choose the
 * regime, granule, root level or input size, whether edits are allowed,
 * and the addresses to look at. ap_mapping_open() adopts table 0 as the
 * root; then
 * every reading call runs on it, and on an editable mapping a map, a
 * modify, an unmap and a compaction.
 *
 * Checked: nothing crashes, hangs (the run has a timeout) or reads out of
 * bounds (AddressSanitizer); the whole-tree walks agree (table count,
 * walk, both range dumps give one status); a translate that succeeds gives
 * an output address inside its block; an edit that fails changes no byte
 * of the pool, and one that succeeds on a well-formed tree translates as
 * asked. Any mismatch aborts with a message.
 */
#include <aarch64_paging.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE ((uint64_t)AP_PAGE_SIZE)
#define INPUT_TABLES 8u
#define POOL_TABLES 24u /* the input's tables, then room for new ones */
#define MAX_TABLE (64u << 10)
#define POOL_PA UINT64_C(0x40000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "fuzz_adopt: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	abort();
}

/* Tables of the granule being fuzzed (table_bytes each), in one pool. */
static uint8_t pool[POOL_TABLES * MAX_TABLE] __attribute__((aligned(MAX_TABLE)));
static size_t table_bytes = PAGE;
static unsigned pool_used;

static void *pool_allocate_tables(void *ctx, size_t bytes, ap_pa_t *pa)
{
	(void)ctx;
	if (bytes != table_bytes)
		die("asked for a %zu-byte table with %zu-byte tables", bytes, table_bytes);
	if (pool_used == POOL_TABLES)
		return NULL;
	uint8_t *table = pool + pool_used * table_bytes;
	memset(table, 0, table_bytes);
	*pa = POOL_PA + pool_used * table_bytes;
	pool_used++;
	return table;
}

static void *pool_allocate(void *ctx, ap_pa_t *pa)
{
	return pool_allocate_tables(ctx, PAGE, pa);
}

static void *pool_to_virtual(void *ctx, ap_pa_t pa)
{
	(void)ctx;
	if (pa < POOL_PA || pa >= POOL_PA + POOL_TABLES * table_bytes || (pa & (table_bytes - 1)))
		return NULL;
	return pool + (pa - POOL_PA);
}

static void pool_free_tables(void *ctx, void *table, ap_pa_t pa, size_t bytes)
{
	if (table != pool_to_virtual(ctx, pa) || bytes != table_bytes)
		die("free_table(%p, 0x%llx): not that table", table, (unsigned long long)pa);
}

static void pool_free(void *ctx, void *table, ap_pa_t pa)
{
	pool_free_tables(ctx, table, pa, PAGE);
}

/* The bytes of the tables in use, for comparisons. */
static size_t pool_bytes(void)
{
	return POOL_TABLES * table_bytes;
}

static int discard(void *ctx, const char *text, size_t length)
{
	(void)ctx;
	(void)text;
	(void)length;
	return 0;
}

static int count_entry(void *ctx, const ap_region_t *r, uint64_t d, unsigned level)
{
	(void)r;
	(void)d;
	(void)level;
	++*(size_t *)ctx;
	return 0;
}

static int set_swflag(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	if (ap_descriptor_is_valid(d))
		(void)ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_0, 0);
	return 0;
}

/* The bytes of the input, read in order; zeros when it runs out. */
typedef struct input {
	const uint8_t *data;
	size_t size, at;
} input_t;

static uint64_t take(input_t *in, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | (in->at < in->size ? in->data[in->at++] : 0);
	return v;
}

static void check_reads(ap_mapping_t *m, uint64_t base, uint64_t span, input_t *in)
{
	size_t tables = 0, entries = 0;
	ap_region_t all = {base, span};
	ap_status_t counted = ap_mapping_table_count(m, &tables);
	ap_status_t walked = ap_mapping_walk(m, &all, count_entry, &entries, NULL);
	ap_status_t ranges = ap_mapping_dump_as(m, AP_DUMP_RANGES, discard, NULL);
	ap_status_t json = ap_mapping_dump_as(m, AP_DUMP_JSON, discard, NULL);
	if (counted != walked)
		die("table count says %d, walk says %d", counted, walked);
	if (ranges != json || (ranges != AP_OK && ranges != AP_ERR_BAD_TABLE_ADDRESS))
		die("range dump %d, JSON dump %d", ranges, json);
	if (counted == AP_OK && ranges != AP_OK)
		die("a well-formed tree did not dump: %d", ranges);
	/* the picture walks as the count does: refuses what it refuses */
	ap_status_t svg = ap_mapping_dump_as(m, AP_DUMP_SVG, discard, NULL);
	if (svg != counted)
		die("table count says %d, SVG dump says %d", counted, svg);
	(void)ap_mapping_dump(m, discard, NULL);
	for (int i = 0; i < 8; i++) {
		uint64_t va = base + take(in, 6) % span;
		ap_translate_result_t r = AP_TRANSLATE_RESULT_INIT;
		ap_status_t s = ap_mapping_translate(m, va, &r);
		if (s == AP_OK && (r.output_address ^ ap_pte_output_address(r.descriptor, r.level)) >=
					  r.block_size)
			die("0x%llx translated outside its block", (unsigned long long)va);
	}
}

/* On an editable mapping: a failed edit changes no byte of the pool. */
static void check_edit(ap_status_t status, const void *before, const char *what)
{
	if (status != AP_OK && memcmp(before, pool, pool_bytes()) != 0)
		die("a failed %s (%d) changed the tables", what, status);
}

static void edit(ap_mapping_t *m, uint64_t base, uint64_t span, bool well_formed, input_t *in)
{
	static uint8_t before[sizeof(pool)];
	uint64_t va = (base + take(in, 6) % span) & ~(table_bytes - 1);
	uint64_t pages = 1 + take(in, 1) % 16;
	if (va + pages * table_bytes - base > span || va + pages * table_bytes < va)
		pages = 1;
	ap_region_t r = {va, pages * table_bytes};
	ap_attrs_t flags = AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_INNER_SHAREABLE;
	memcpy(before, pool, pool_bytes());
	ap_status_t s = ap_mapping_map(m, &r, 0x80000000, flags, AP_CONSTRAINT_NONE, NULL);
	check_edit(s, before, "map");
	if (s == AP_OK && well_formed) {
		ap_translate_result_t t = AP_TRANSLATE_RESULT_INIT;
		if (ap_mapping_translate(m, va, &t) != AP_OK || t.output_address != 0x80000000)
			die("mapped 0x%llx does not translate", (unsigned long long)va);
	}
	memcpy(before, pool, pool_bytes());
	check_edit(ap_mapping_modify(m, &r, set_swflag, NULL, NULL), before, "modify");
	memcpy(before, pool, pool_bytes());
	check_edit(ap_mapping_unmap(m, &r, NULL), before, "unmap");
	memcpy(before, pool, pool_bytes());
	check_edit(ap_mapping_compact(m), before, "compact");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input_t in = {data, size, 0};
	uint8_t choice = (uint8_t)take(&in, 1);
	unsigned root_level = choice & 3;
	bool editable = (choice >> 2) & 1;
	bool stage2 = (choice >> 3) & 1;
	/* Bits 6:5: the granule (3: 4 KiB with an input size). A stage 2 root
	 * stays one table (max_root_tables 1): the input has one root. */
	unsigned granule = (choice >> 5) & 3;
	unsigned input_bits = granule ? 25 + (unsigned)take(&in, 1) % 24 : 0;
	granule %= 3;
	table_bytes = PAGE << (2 * granule);
	unsigned shift = 12 + 2 * granule;
	memset(pool, 0, pool_bytes());
	size_t input_bytes = INPUT_TABLES * table_bytes;
	size_t content = size - in.at < input_bytes ? size - in.at : input_bytes;
	memcpy(pool, data + in.at, content);
	pool_used = INPUT_TABLES;
	/* Table pointers in the input are mostly made to land in the pool:
	 * the address bits of every 0b11 entry are folded onto its tables. */
	if (choice & 0x10) {
		uint64_t *words = (uint64_t *)(void *)pool;
		uint64_t field = UINT64_C(0x0000ffffffffffff) & ~(table_bytes - 1);
		for (size_t i = 0; i < input_bytes / 8; i++)
			if ((words[i] & 3) == 3)
				words[i] = (words[i] & ~field) |
					   (POOL_PA + (((words[i] >> shift) % INPUT_TABLES) << shift));
	}
	in.at += content;
	const ap_regime_t *regime;
	ap_regime_get(stage2 ? AP_REGIME_STAGE2 : AP_REGIME_EL1AND0, &regime);
	ap_mapping_options_t o = AP_MAPPING_OPTIONS_INIT;
	o.regime = regime;
	o.granule = (ap_granule_t)granule;
	o.input_bits = input_bits;
	o.root_level = input_bits ? 0 : root_level;
	o.max_root_tables = 1;
	ap_translation_ops_t ops = AP_TRANSLATION_OPS_INIT;
	ops.allocate_table = pool_allocate;
	ops.free_table = pool_free;
	ops.allocate_tables = pool_allocate_tables;
	ops.free_tables = pool_free_tables;
	ops.physical_to_virtual = pool_to_virtual;
	ap_mapping_t *m;
	ap_status_t opened =
		ap_mapping_open(&o, &ops, NULL, POOL_PA, editable ? AP_OPEN_EDITABLE : 0, &m);
	if (opened == AP_ERR_INVALID_ARGUMENT)
		return 0; /* options the architecture does not allow (64 KiB level 0, ...) */
	if (opened != AP_OK)
		die("open failed: %d", opened);
	uint64_t span;
	ap_mapping_size(m, &span);
	check_reads(m, 0, span, &in);
	size_t tables;
	bool well_formed = ap_mapping_table_count(m, &tables) == AP_OK;
	if (editable) {
		edit(m, 0, span, well_formed, &in);
		check_reads(m, 0, span, &in);
	} else {
		ap_region_t r = {0, table_bytes};
		if (ap_mapping_map(m, &r, 0, AP_EL1_VALID, 0, NULL) != AP_ERR_READ_ONLY)
			die("a read-only mapping took a map");
	}
	if (ap_mapping_destroy(m) != AP_OK)
		die("destroy failed");
	return 0;
}
