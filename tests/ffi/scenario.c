/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "scenario.h"

#include <stdarg.h>
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
	trace_add(c->trace, "invalidate %llx L%u kind %d asid %u range %d\n",
		  (unsigned long long)inv->va, inv->level, (int)inv->kind, inv->asid,
		  (int)inv->va_range);
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

int run_scenario(const api_t *api, trace_t *trace)
{
	failures = 0;
	context_t c;
	memset(&c, 0, sizeof(c));
	c.api = api;
	c.trace = trace;
	c.arena_pages = ARENA_PAGES;
	c.arena = aligned_alloc(4096, ARENA_PAGES * 4096u);
	if (!c.arena)
		return 1;
	custom_translation(&c);
	builtin_translations(&c);
	recording_regime(&c);
	EXPECT(&c, "a complete trace", !trace->overflowed);
	free(c.arena);
	return failures;
}
