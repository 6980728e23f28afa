/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "scenario.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trace_add(trace_t *trace, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	size_t room = sizeof(trace->text) - trace->length;
	int n = vsnprintf(trace->text + trace->length, room, format, args);
	va_end(args);
	if (n < 0 || (size_t)n >= room)
		trace->overflowed = 1;
	else
		trace->length += (size_t)n;
}

/* ------------------------------------------------------------ callbacks */

void *logic_allocate(void *ctx, ap_pa_t *pa)
{
	context_t *c = ctx;
	for (unsigned i = 0; i < c->arena_pages; i++) {
		if (!c->used[i]) {
			c->used[i] = 1;
			c->live_tables++;
			memset(c->arena + i * 4096u, 0, 4096);
			*pa = ARENA_PA + i * 4096ull;
			return c->arena + i * 4096u;
		}
	}
	return NULL;
}

void logic_free(void *ctx, void *table, ap_pa_t pa)
{
	context_t *c = ctx;
	size_t i = (size_t)((unsigned char *)table - c->arena) / 4096u;
	trace_add(c->trace, "free %llx\n", (unsigned long long)pa);
	if (i < c->arena_pages && c->used[i]) {
		c->used[i] = 0;
		c->live_tables--;
	}
}

void *logic_to_virtual(void *ctx, ap_pa_t pa)
{
	context_t *c = ctx;
	if (pa < ARENA_PA || pa >= ARENA_PA + c->arena_pages * 4096ull)
		return NULL;
	return c->arena + (pa - ARENA_PA);
}

/* bytes / 4 KiB free pages at an index that keeps the block aligned to
 * bytes, both in the arena (1 MiB-aligned) and at ARENA_PA. */
void *logic_allocate_tables(void *ctx, size_t bytes, ap_pa_t *pa)
{
	context_t *c = ctx;
	unsigned n = (unsigned)(bytes / 4096u);
	trace_add(c->trace, "allocate_tables %zx", bytes);
	for (unsigned i = 0; n && i + n <= c->arena_pages; i += n) {
		unsigned j = 0;
		while (j < n && !c->used[i + j])
			j++;
		if (j < n)
			continue;
		memset(c->used + i, 1, n);
		c->live_tables++;
		memset(c->arena + i * 4096u, 0, bytes);
		*pa = ARENA_PA + i * 4096ull;
		trace_add(c->trace, " -> %llx\n", (unsigned long long)*pa);
		return c->arena + i * 4096u;
	}
	trace_add(c->trace, " -> none\n");
	return NULL;
}

void logic_free_tables(void *ctx, void *tables, ap_pa_t pa, size_t bytes)
{
	context_t *c = ctx;
	size_t i = (size_t)((unsigned char *)tables - c->arena) / 4096u, n = bytes / 4096u;
	trace_add(c->trace, "free_tables %llx %zx\n", (unsigned long long)pa, bytes);
	if (i + n <= c->arena_pages && pa == ARENA_PA + i * 4096ull) {
		memset(c->used + i, 0, n);
		c->live_tables--;
	}
}

int logic_make_read_only(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	context_t *c = ctx;
	uint64_t bits = c->api->descriptor_bits(d);
	trace_add(c->trace, "modify %llx+%llx %llx\n", (unsigned long long)region->start,
		  (unsigned long long)region->size, (unsigned long long)bits);
	if (!(bits & AP_ATTR_VALID))
		return 0;
	return c->api->modify_flags(d, AP_EL1_READ_ONLY, 0) == AP_OK ? 0 : 1;
}

int logic_refuse(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)ctx;
	(void)region;
	(void)d;
	return 7;
}

int logic_record_walk(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level)
{
	context_t *c = ctx;
	trace_add(c->trace, "walk L%u %llx+%llx %llx\n", level, (unsigned long long)region->start,
		  (unsigned long long)region->size, (unsigned long long)descriptor);
	return 0;
}

int logic_record_runs(void *ctx, const ap_region_t *region, const uint64_t *descriptors,
		      size_t count, unsigned level)
{
	context_t *c = ctx;
	trace_add(c->trace, "run L%u %llx+%llx n=%zu first=%llx last=%llx\n", level,
		  (unsigned long long)region->start, (unsigned long long)region->size, count,
		  (unsigned long long)descriptors[0], (unsigned long long)descriptors[count - 1]);
	return 0;
}

int logic_record_text(void *ctx, const char *text, size_t length)
{
	context_t *c = ctx;
	trace_add(c->trace, "%.*s", (int)length, text);
	return 0;
}

void logic_invalidate(void *ctx, const ap_invalidation_t *inv)
{
	context_t *c = ctx;
	/* The granule only when the library's struct reaches it (0.4.0). */
	c->granule_seen = inv->size >= offsetof(ap_invalidation_t, granule) + sizeof(inv->granule)
				  ? (int)inv->granule
				  : -1;
	trace_add(c->trace, "invalidate %llx L%u kind %d asid %u range %d size %llx granule %d\n",
		  (unsigned long long)inv->va, inv->level, (int)inv->kind, inv->asid,
		  (int)inv->va_range, (unsigned long long)inv->range_size, c->granule_seen);
}

void logic_barrier(void *ctx)
{
	trace_add(((context_t *)ctx)->trace, "barrier\n");
}

uint64_t logic_activate(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t range)
{
	trace_add(((context_t *)ctx)->trace, "activate %llx asid %u range %d\n",
		  (unsigned long long)root, asid, (int)range);
	return 0x1234000;
}

void logic_deactivate(void *ctx, uint64_t previous, uint16_t asid, ap_va_range_t range)
{
	trace_add(((context_t *)ctx)->trace, "deactivate %llx asid %u range %d\n",
		  (unsigned long long)previous, asid, (int)range);
}

/* ------------------------------------------------------------ scenario */

static int failures;

#define EXPECT(ctx, what, cond)                                                     \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "ffi scenario: expected %s (%s:%d)\n", what, \
				__FILE__, __LINE__);                                \
			failures++;                                                 \
		}                                                                   \
	} while (0)

static ap_region_t region(const api_t *api, uint64_t start, uint64_t end)
{
	ap_region_t r = {0, 0};
	api->region_from_range(start, end, &r);
	return r;
}

static void record_status(context_t *c, const char *what, ap_status_t status, const ap_error_t *err)
{
	trace_add(c->trace, "%s: %d", what, (int)status);
	if (err && status != AP_OK)
		trace_add(c->trace, " detail %d %llx %llx+%llx %llx %llx", (int)err->status,
			  (unsigned long long)err->address, (unsigned long long)err->region.start,
			  (unsigned long long)err->region.size, (unsigned long long)err->descriptor,
			  (unsigned long long)err->flags);
	trace_add(c->trace, "\n");
}

static void record_translate(context_t *c, const ap_mapping_t *m, ap_va_t va)
{
	ap_translate_result_t r;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	ap_status_t status = c->api->translate(m, va, &r);
	trace_add(c->trace, "translate %llx: %d -> %llx attrs %llx level %u block %llx\n",
		  (unsigned long long)va, (int)status, (unsigned long long)r.output_address,
		  (unsigned long long)r.attributes, r.level, (unsigned long long)r.block_size);
}

static void record_all(context_t *c, const ap_mapping_t *m, uint64_t start, uint64_t end)
{
	ap_region_t all = region(c->api, start, end);
	record_status(c, "walk", c->api->walk(m, &all, c->api->record_walk, c, NULL), NULL);
	record_status(c, "walk_runs", c->api->walk_runs(m, &all, c->api->record_runs, c, NULL),
		      NULL);
	record_status(c, "dump", c->api->dump(m, c->api->record_text, c), NULL);
}

#define NORMAL (AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE)

/* A custom translation (the arena) on EL1&0: edits, errors, reads. */
static void custom_translation(context_t *c)
{
	const api_t *api = c->api;
	ap_mapping_options_t options = {.size = sizeof(options), .root_level = 1, .asid = 3};
	ap_mapping_t *m = NULL;
	ap_status_t status = api->mapping_create(&options, &api->arena_ops, c, &m);
	record_status(c, "create", status, NULL);
	EXPECT(c, "a custom mapping", status == AP_OK && m);
	if (!m)
		return;
	ap_error_t err = {.size = sizeof(err)};
	ap_region_t r = region(api, 0x401ff000, 0x40601000);
	status = api->map(m, &r, 0x80000000, NORMAL, AP_CONSTRAINT_NONE, &err);
	record_status(c, "map", status, &err);
	EXPECT(c, "map OK", status == AP_OK);
	record_status(c, "map_auto", api->map_auto(m, &r, NORMAL, 0, &err), &err);
	r = region(api, 0x40000000, 0x40001000);
	status = api->map(m, &r, 0, NORMAL | AP_ATTR_TABLE_OR_PAGE, 0, &err);
	record_status(c, "map table flag", status, &err);
	EXPECT(c, "INVALID_FLAGS", status == AP_ERR_INVALID_FLAGS && err.flags);
	r = region(api, 0x8000000000ull, 0x8000001000ull);
	status = api->map(m, &r, 0, NORMAL, 0, &err);
	record_status(c, "map outside", status, &err);
	EXPECT(c, "ADDRESS_RANGE", status == AP_ERR_ADDRESS_RANGE);
	r = region(api, 0x40400000, 0x40402000);
	record_status(c, "unmap", api->unmap(m, &r, &err), &err);
	r = region(api, 0x40200000, 0x40203000);
	status = api->modify(m, &r, api->make_read_only, c, &err);
	record_status(c, "modify", status, &err);
	EXPECT(c, "modify OK", status == AP_OK);
	status = api->modify(m, &r, api->refuse, c, &err);
	record_status(c, "modify refused", status, &err);
	EXPECT(c, "PTE_UPDATE_FAULT with the descriptor",
	       status == AP_ERR_PTE_UPDATE_FAULT && err.descriptor != 0);
	record_all(c, m, 0, 0x80000000);
	const ap_va_t probes[] = {0x401ff123, 0x40200fff, 0x40300000, 0x40401000, 0x40600abc,
				  0x40601000, 0x7ffff000};
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		record_translate(c, m, probes[i]);
	r = region(api, 0x40400000, 0x40600000);
	record_status(c, "unmap more", api->unmap(m, &r, &err), &err);
	record_status(c, "compact", api->compact(m), NULL);
	for (unsigned i = 0; i < c->arena_pages; i++)
		if (c->used[i])
			for (unsigned j = 0; j < 512; j++) {
				uint64_t bits;
				memcpy(&bits, c->arena + i * 4096u + j * 8u, 8);
				if (bits)
					trace_add(c->trace, "table %u[%u] = %llx\n", i, j,
						  (unsigned long long)bits);
			}
	record_status(c, "destroy", api->destroy(m), NULL);
	EXPECT(c, "every table freed", c->live_tables == 0);
}

/* Built-in translations: identity on EL2, a stage 2 target image. */
static void builtin_translations(context_t *c)
{
	const api_t *api = c->api;
	const ap_regime_t *el2 = NULL, *stage2 = NULL;
	record_status(c, "regime el2", api->regime_get(AP_REGIME_EL2, &el2), NULL);
	record_status(c, "regime stage2", api->regime_get(AP_REGIME_STAGE2, &stage2), NULL);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = el2, .root_level = 2};
	ap_mapping_t *m = NULL;
	ap_status_t status = api->create_identity(&options, &m);
	EXPECT(c, "an identity mapping", status == AP_OK);
	if (status == AP_OK) {
		ap_region_t r = region(api, 0x200000, 0x600000);
		record_status(c, "map_auto", api->map_auto(m, &r, AP_EL23_VALID | AP_EL23_ACCESSED |
							   AP_EL23_USER_RES1, 0, NULL), NULL);
		record_translate(c, m, 0x234567);
		record_translate(c, m, 0x634567);
		record_status(c, "destroy", api->destroy(m), NULL);
	}
	options.regime = stage2;
	options.root_level = 1;
	status = api->create_target(&options, 0x90000000, &m);
	EXPECT(c, "a target mapping", status == AP_OK);
	if (status != AP_OK)
		return;
	ap_region_t r = region(api, 0x40000000, 0x40403000);
	record_status(c, "map", api->map(m, &r, 0x80000000, AP_S2_VALID | AP_S2_ACCESS_FLAG |
					 AP_S2_S2AP_ACCESS_RW, 0, NULL), NULL);
	size_t size = 0;
	record_status(c, "image_size", api->image_size(m, &size), NULL);
	unsigned char *image = calloc(1, size ? size : 1);
	record_status(c, "image_write short", api->image_write(m, image, size - 1), NULL);
	record_status(c, "image_write", api->image_write(m, image, size), NULL);
	unsigned long long hash = 1469598103934665603ull;
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ image[i]) * 1099511628211ull;
	trace_add(c->trace, "image %zu bytes, hash %llx\n", size, hash);
	EXPECT(c, "an image of 3 tables", size == 3 * 4096);
	free(image);
	record_all(c, m, 0x40000000, 0x40800000);
	record_status(c, "destroy", api->destroy(m), NULL);
}

/* A caller-defined regime whose hooks record every call. */
static void recording_regime(context_t *c)
{
	const api_t *api = c->api;
	ap_regime_t *regime = NULL;
	ap_status_t status = api->regime_create(AP_REGIME_EL1AND0, &api->recording_hooks, c, &regime);
	EXPECT(c, "a regime", status == AP_OK);
	if (status != AP_OK)
		return;
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime, .root_level = 1,
					.asid = 9, .va_range = AP_VA_RANGE_UPPER};
	ap_mapping_t *m = NULL;
	status = api->mapping_create(&options, &api->arena_ops, c, &m);
	EXPECT(c, "a mapping on it", status == AP_OK);
	ap_region_t r = region(api, 0xffffffffc0000000ull, 0xffffffffc0004000ull);
	record_status(c, "map", api->map(m, &r, 0x50000000, NORMAL, 0, NULL), NULL);
	uint64_t previous = 0;
	record_status(c, "activate", api->activate(m, &previous), NULL);
	EXPECT(c, "the hook's previous TTBR", previous == 0x1234000);
	status = api->modify(m, &r, api->make_read_only, c, NULL);
	record_status(c, "live modify", status, NULL);
	r = region(api, 0xffffffffc0000000ull, 0xffffffffc0001000ull);
	ap_error_t err = {.size = sizeof(err)};
	record_status(c, "live remap", api->map(m, &r, 0x60000000, NORMAL, 0, &err), &err);
	record_status(c, "destroy active", api->destroy(m), NULL);
	record_status(c, "regime in use", api->regime_destroy(regime), NULL);
	record_status(c, "deactivate", api->deactivate(m, previous), NULL);
	record_status(c, "destroy", api->destroy(m), NULL);
	record_status(c, "regime destroy", api->regime_destroy(regime), NULL);
}

/* ------------------------------------------------------------ granules */

/* ap_mapping_options_t as library 0.3 and its callers knew it: the size
 * such a caller passes, whose last bytes are padding. */
typedef struct options_0_3 {
	size_t size;
	const ap_regime_t *regime;
	unsigned root_level;
	uint16_t asid;
	ap_va_range_t va_range;
} options_0_3_t;

static ap_status_t record_control(context_t *c, const char *what, const ap_mapping_t *m,
				  ap_translation_control_t *tc)
{
	memset(tc, 0, sizeof(*tc));
	tc->size = sizeof(*tc);
	ap_status_t status = c->api->translation_control(m, tc);
	/* Not the TTBR: an identity mapping's root is a heap address. */
	trace_add(c->trace,
		  "%s control: %d tcr %llx mask %llx bits %u tsz %u tg %u sl0 %u granule %d root L%u "
		  "entries %u tables %u\n",
		  what, (int)status, (unsigned long long)tc->tcr, (unsigned long long)tc->tcr_mask,
		  tc->input_bits, tc->tsz, tc->tg, tc->sl0, (int)tc->granule, tc->root_level,
		  tc->root_entries, tc->root_tables);
	return status;
}

/* The control values a case expects; prints what differs. */
static void expect_control(context_t *c, const char *what, const ap_mapping_t *m,
			   ap_granule_t granule, unsigned bits, unsigned tg, unsigned root_level,
			   unsigned entries, unsigned tables, unsigned sl0)
{
	ap_translation_control_t tc;
	ap_status_t status = record_control(c, what, m, &tc);
	if (status != AP_OK || tc.granule != granule || tc.input_bits != bits || tc.tsz != 64 - bits ||
	    tc.tg != tg || tc.root_level != root_level || tc.root_entries != entries ||
	    tc.root_tables != tables || tc.sl0 != sl0) {
		fprintf(stderr,
			"ffi scenario: %s: status %d granule %d bits %u tsz %u tg %u root L%u entries %u "
			"tables %u sl0 %u; expected granule %d bits %u tg %u root L%u entries %u "
			"tables %u sl0 %u\n",
			what, (int)status, (int)tc.granule, tc.input_bits, tc.tsz, tc.tg, tc.root_level,
			tc.root_entries, tc.root_tables, tc.sl0, (int)granule, bits, tg, root_level,
			entries, tables, sl0);
		failures++;
	}
}

static void expect_translate(context_t *c, const ap_mapping_t *m, ap_va_t va, ap_pa_t out,
			     unsigned level, uint64_t block)
{
	ap_translate_result_t r;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	ap_status_t status = c->api->translate(m, va, &r);
	trace_add(c->trace, "translate %llx: %d -> %llx level %u block %llx\n",
		  (unsigned long long)va, (int)status, (unsigned long long)r.output_address, r.level,
		  (unsigned long long)r.block_size);
	if (status != AP_OK || r.output_address != out || r.level != level || r.block_size != block) {
		fprintf(stderr,
			"ffi scenario: translate %llx: status %d -> %llx level %u block %llx; "
			"expected %llx level %u block %llx\n",
			(unsigned long long)va, (int)status, (unsigned long long)r.output_address,
			r.level, (unsigned long long)r.block_size, (unsigned long long)out, level,
			(unsigned long long)block);
		failures++;
	}
}

/* An identity mapping from options of the 0.3 size gets the 4 KiB granule
 * and the root_level rule, whatever lies in the old struct's padding and
 * past its end: zeros, or garbage (0xa5 bytes) with a 64 KiB granule, as
 * an old caller's stack may hold. */
static void old_size_options(context_t *c)
{
	for (int garbage = 0; garbage < 2; garbage++) {
		ap_mapping_options_t options;
		memset(&options, garbage ? 0xa5 : 0, sizeof(options));
		options.size = sizeof(options_0_3_t);
		options.regime = NULL;
		options.root_level = 1;
		options.asid = 0;
		options.va_range = AP_VA_RANGE_LOWER;
		if (garbage) {
			/* Past the 0.3 struct's end, with reserved left 0xa5...: */
			options.granule = AP_GRANULE_64K;
			options.input_bits = 42;
			options.max_root_tables = 2;
		}
		ap_mapping_t *m = NULL;
		ap_status_t status = c->api->create_identity(&options, &m);
		record_status(c, garbage ? "old size, garbage" : "old size", status, NULL);
		EXPECT(c, "a mapping from 0.3-sized options", status == AP_OK && m);
		if (status != AP_OK)
			continue;
		expect_control(c, garbage ? "old size, garbage" : "old size", m, AP_GRANULE_4K, 39,
			       0, 1, 512, 1, 0);
		ap_region_t r = region(c->api, 0x40000000, 0x40003000);
		record_status(c, "map_auto 4 KiB pages", c->api->map_auto(m, &r, NORMAL, 0, NULL),
			      NULL);
		expect_translate(c, m, 0x40001234, 0x40001234, 3, 0x1000);
		record_status(c, "destroy", c->api->destroy(m), NULL);
	}
}

/* A 64 KiB granule with a 42-bit input range on the identity translation. */
static void identity_64k(context_t *c)
{
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.granule = AP_GRANULE_64K;
	options.input_bits = 42;
	ap_mapping_t *m = NULL;
	ap_status_t status = c->api->create_identity(&options, &m);
	record_status(c, "64K 42 bits", status, NULL);
	EXPECT(c, "a 64 KiB identity mapping", status == AP_OK && m);
	if (status != AP_OK)
		return;
	/* TG0 64 KiB is 0b01; level 2 resolves bits 41:29. */
	expect_control(c, "64K 42 bits", m, AP_GRANULE_64K, 42, 1, 2, 8192, 1, 0);
	ap_region_t r = region(c->api, 0x40000000, 0x80000000);
	record_status(c, "map_auto blocks", c->api->map_auto(m, &r, NORMAL, 0, NULL), NULL);
	r = region(c->api, 0x10000000, 0x10020000);
	record_status(c, "map_auto pages", c->api->map_auto(m, &r, NORMAL, 0, NULL), NULL);
	expect_translate(c, m, 0x60012345, 0x60012345, 2, 0x20000000);
	expect_translate(c, m, 0x10010042, 0x10010042, 3, 0x10000);
	record_status(c, "destroy", c->api->destroy(m), NULL);
}

/* A 16 KiB granule on the arena, whose tables come from allocate_tables;
 * without that op (NULL, or beyond the ops' size) the mapping is refused. */
static void custom_16k(context_t *c)
{
	const api_t *api = c->api;
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.granule = AP_GRANULE_16K;
	options.input_bits = 36;
	ap_mapping_t *m = NULL;

	ap_translation_ops_t small = api->arena_ops;
	small.allocate_tables = NULL;
	small.free_tables = NULL;
	ap_status_t status = api->mapping_create(&options, &small, c, &m);
	record_status(c, "16K without allocate_tables", status, NULL);
	EXPECT(c, "UNSUPPORTED without allocate_tables", status == AP_ERR_UNSUPPORTED);
	if (status == AP_OK)
		api->destroy(m);
	small = api->arena_ops;
	small.size = offsetof(ap_translation_ops_t, allocate_tables);
	status = api->mapping_create(&options, &small, c, &m);
	record_status(c, "16K with 0.3-sized ops", status, NULL);
	EXPECT(c, "UNSUPPORTED with 0.3-sized ops", status == AP_ERR_UNSUPPORTED);
	if (status == AP_OK)
		api->destroy(m);
	EXPECT(c, "nothing allocated", c->live_tables == 0);

	status = api->mapping_create(&options, &api->arena_ops, c, &m);
	record_status(c, "16K 36 bits", status, NULL);
	EXPECT(c, "a 16 KiB custom mapping", status == AP_OK && m);
	if (status != AP_OK)
		return;
	/* TG0 16 KiB is 0b10; level 2 resolves bits 35:25. */
	expect_control(c, "16K 36 bits", m, AP_GRANULE_16K, 36, 2, 2, 2048, 1, 0);
	ap_error_t err = {.size = sizeof(err)};
	ap_region_t r = region(api, 0x40000000, 0x42000000);
	record_status(c, "map block", api->map(m, &r, 0x100000000ull, NORMAL, 0, &err), &err);
	r = region(api, 0x10000000, 0x10008000);
	record_status(c, "map pages", api->map(m, &r, 0x200000000ull, NORMAL, 0, &err), &err);
	expect_translate(c, m, 0x40123456, 0x100123456ull, 2, 0x2000000);
	expect_translate(c, m, 0x10004042, 0x200004042ull, 3, 0x4000);
	record_all(c, m, 0, 0x1000000000ull);
	record_status(c, "destroy", api->destroy(m), NULL);
	EXPECT(c, "every 16 KiB table freed", c->live_tables == 0);
}

/* Bad combinations, and stage 2 concatenation. */
static void input_sizes(context_t *c)
{
	const api_t *api = c->api;
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.input_bits = 20;
	ap_mapping_t *m = NULL;
	ap_status_t status = api->create_identity(&options, &m);
	record_status(c, "20 bits", status, NULL);
	EXPECT(c, "INVALID_ARGUMENT for 20 bits", status == AP_ERR_INVALID_ARGUMENT);
	if (status == AP_OK)
		api->destroy(m);
	options.input_bits = 40;
	options.root_level = 1;
	status = api->create_identity(&options, &m);
	record_status(c, "input_bits and root_level", status, NULL);
	EXPECT(c, "INVALID_ARGUMENT for input_bits with root_level",
	       status == AP_ERR_INVALID_ARGUMENT);
	if (status == AP_OK)
		api->destroy(m);

	/* Stage 2, 4 KiB, 40 bits: two concatenated level 1 tables, SL0 0b01. */
	options.root_level = 0;
	status = api->regime_get(AP_REGIME_STAGE2, &options.regime);
	status = status == AP_OK ? api->create_identity(&options, &m) : status;
	record_status(c, "stage 2 40 bits", status, NULL);
	EXPECT(c, "a concatenated stage 2 mapping", status == AP_OK);
	if (status != AP_OK)
		return;
	expect_control(c, "stage 2 40 bits", m, AP_GRANULE_4K, 40, 0, 1, 1024, 2, 1);
	ap_region_t r = region(api, 0xc000000000ull, 0xc000001000ull);
	record_status(c, "map_auto", api->map_auto(m, &r, AP_S2_VALID | AP_S2_ACCESS_FLAG |
						   AP_S2_S2AP_ACCESS_RW, 0, NULL), NULL);
	expect_translate(c, m, 0xc000000abcull, 0xc000000abcull, 3, 0x1000);
	record_status(c, "destroy", api->destroy(m), NULL);
}

/* The recording regime's invalidations name a 16 KiB mapping's granule. */
static void invalidation_granule(context_t *c)
{
	const api_t *api = c->api;
	ap_regime_t *regime = NULL;
	ap_status_t status = api->regime_create(AP_REGIME_EL1AND0, &api->recording_hooks, c, &regime);
	EXPECT(c, "a regime", status == AP_OK);
	if (status != AP_OK)
		return;
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.regime = regime;
	options.granule = AP_GRANULE_16K;
	options.input_bits = 36;
	ap_mapping_t *m = NULL;
	status = api->mapping_create(&options, &api->arena_ops, c, &m);
	record_status(c, "16K on the recording regime", status, NULL);
	EXPECT(c, "a 16 KiB mapping on it", status == AP_OK);
	if (status == AP_OK) {
		ap_region_t r = region(api, 0x40000000, 0x40004000);
		record_status(c, "map", api->map(m, &r, 0x50000000, NORMAL, 0, NULL), NULL);
		uint64_t previous = 0;
		record_status(c, "activate", api->activate(m, &previous), NULL);
		c->granule_seen = -1;
		record_status(c, "live unmap", api->unmap(m, &r, NULL), NULL);
		EXPECT(c, "an invalidation with the 16 KiB granule",
		       c->granule_seen == AP_GRANULE_16K);
		record_status(c, "deactivate", api->deactivate(m, previous), NULL);
		record_status(c, "destroy", api->destroy(m), NULL);
	}
	record_status(c, "regime destroy", api->regime_destroy(regime), NULL);
	EXPECT(c, "every table freed", c->live_tables == 0);
}

int run_scenario(const api_t *api, trace_t *trace)
{
	failures = 0;
	context_t c;
	memset(&c, 0, sizeof(c));
	c.api = api;
	c.trace = trace;
	c.arena_pages = ARENA_PAGES;
	c.arena = aligned_alloc(ARENA_ALIGN, ARENA_PAGES * 4096u);
	if (!c.arena)
		return 1;
	custom_translation(&c);
	builtin_translations(&c);
	recording_regime(&c);
	old_size_options(&c);
	identity_64k(&c);
	custom_16k(&c);
	input_sizes(&c);
	invalidation_granule(&c);
	EXPECT(&c, "a complete trace", !trace->overflowed);
	free(c.arena);
	return failures;
}
