/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The built-in translations: identity and linear (tables addressed at their
 * own address plus a fixed offset) and target (tables laid out in slots of
 * an image that another machine loads at a base address). Their table pages
 * come from the page pool and their small state from the object allocator,
 * so the same code serves hosted builds (malloc, mmap) and freestanding ones
 * (fixed pools).
 */
#include "internal.h"
#include "page_pool.h"

/* What the core needs to know about a built-in translation: ops for 4 KiB
 * tables (the common case, one call away from the page pool) and for
 * larger ones. */
typedef void *(*allocate_fn)(void *ctx, size_t bytes, ap_pa_t *pa);
typedef void (*free_fn)(void *ctx, void *table, ap_pa_t pa, size_t bytes);

static translation_t builtin(translation_kind_t kind, void *(*allocate_page)(void *, ap_pa_t *),
			     void (*free_page)(void *, void *, ap_pa_t), allocate_fn allocate,
			     free_fn free_tables, void *(*to_virtual)(void *, ap_pa_t), void *ctx,
			     void (*release)(void *))
{
	translation_t t;
	__builtin_memset(&t, 0, sizeof(t));
	t.ops.size = sizeof(t.ops);
	t.ops.allocate_table = allocate_page;
	t.ops.free_table = free_page;
	t.ops.allocate_tables = allocate;
	t.ops.free_tables = free_tables;
	t.ops.physical_to_virtual = to_virtual;
	t.ctx = ctx;
	t.kind = kind;
	t.release = release;
	return t;
}

/* ------------------------------------------------------------ linear */

typedef struct linear {
	int64_t offset;
} linear_t;

static void *pool_alloc(size_t bytes)
{
	return bytes == AP_PAGE_SIZE ? ap__page_alloc() : ap__pages_alloc(bytes);
}

static void pool_free(void *table, size_t bytes)
{
	if (bytes == AP_PAGE_SIZE)
		ap__page_free(table);
	else
		ap__pages_free(table, bytes);
}

static void *linear_allocate(void *ctx, size_t bytes, ap_pa_t *pa)
{
	const linear_t *l = ctx;
	void *page = pool_alloc(bytes);
	if (!page)
		return NULL;
	int64_t result;
	/* A page whose address plus the offset is no physical address is
	 * reported with an unaligned one, which the core turns back. */
	if (__builtin_add_overflow((int64_t)(uintptr_t)page, l->offset, &result) || result < 0)
		*pa = UINT64_MAX;
	else
		*pa = (uint64_t)result;
	return page;
}

static void linear_free(void *ctx AP_UNUSED, void *table, ap_pa_t pa AP_UNUSED, size_t bytes)
{
	pool_free(table, bytes);
}

static void *linear_allocate_page(void *ctx, ap_pa_t *pa)
{
	return linear_allocate(ctx, AP_PAGE_SIZE, pa);
}

static void linear_free_page(void *ctx AP_UNUSED, void *table, ap_pa_t pa AP_UNUSED)
{
	ap__page_free(table);
}

static void *linear_to_virtual(void *ctx, ap_pa_t pa)
{
	const linear_t *l = ctx;
	return (void *)(uintptr_t)(pa - (uint64_t)l->offset);
}

static ap_status_t create_linear(const ap_mapping_options_t *options, int64_t offset,
				 ap_mapping_t **out)
{
	if ((uint64_t)offset & (AP_PAGE_SIZE - 1))
		return AP_ERR_INVALID_ARGUMENT;
	linear_t *l = ap__object_alloc(sizeof(*l));
	if (!l)
		return AP_ERR_NO_MEMORY;
	l->offset = offset;
	translation_t t = builtin(TRANSLATION_LINEAR, linear_allocate_page, linear_free_page,
				  linear_allocate, linear_free, linear_to_virtual, l, ap__object_free);
	t.offset = offset;
	ap_status_t status = ap__mapping_create(options, &t, out);
	if (status != AP_OK)
		ap__object_free(l);
	return status;
}

AP_EXPORT ap_status_t ap_mapping_create_identity(const ap_mapping_options_t *options,
						 ap_mapping_t **out)
{
	return create_linear(options, 0, out);
}

AP_EXPORT ap_status_t ap_mapping_create_linear(const ap_mapping_options_t *options, int64_t offset,
					       ap_mapping_t **out)
{
	return create_linear(options, offset, out);
}

/* ------------------------------------------------------------ target */

/* The image is a sequence of 4 KiB slots; a larger table takes as many
 * consecutive slots as it has pages, aligned to its size on the target. */
typedef struct target {
	ap_pa_t base;
	void **slots;      /* each slot's 4 KiB of its table; NULL where free */
	size_t slot_count; /* high-water mark: the image's length in tables */
	size_t capacity;
	size_t first_free; /* no free slot below this index */
} target_t;

/* Doubles the slot array (the object allocator has no realloc). */
static bool grow_slots(target_t *t)
{
	size_t capacity = t->capacity ? 2 * t->capacity : 16;
	void **slots = ap__object_alloc(capacity * sizeof(void *));
	if (!slots)
		return false;
	if (t->slots)
		__builtin_memcpy(slots, t->slots, t->capacity * sizeof(void *));
	ap__object_free(t->slots);
	t->slots = slots;
	t->capacity = capacity;
	return true;
}

/* Whether count slots from index are free (slots past the end are). */
static bool slots_free(const target_t *t, size_t index, size_t count)
{
	for (size_t i = index; i < index + count && i < t->slot_count; i++)
		if (t->slots[i])
			return false;
	return true;
}

/* The first run of count free slots whose target address is aligned to
 * count slots (the base's own alignment counts too). */
static size_t find_slots(const target_t *t, size_t count)
{
	size_t index = t->first_free;
	for (;; index++) {
		uint64_t pa = t->base + (uint64_t)index * AP_PAGE_SIZE;
		if ((pa & ((uint64_t)count * AP_PAGE_SIZE - 1)) == 0 && slots_free(t, index, count))
			return index;
	}
}

static void *target_allocate(void *ctx, size_t bytes, ap_pa_t *pa)
{
	target_t *t = ctx;
	size_t count = bytes / AP_PAGE_SIZE;
	size_t index = find_slots(t, count);
	while (index + count > t->capacity) {
		if (!grow_slots(t))
			return NULL;
	}
	unsigned char *table = pool_alloc(bytes);
	if (!table)
		return NULL;
	for (size_t i = 0; i < count; i++)
		t->slots[index + i] = table + i * AP_PAGE_SIZE;
	if (index + count > t->slot_count)
		t->slot_count = index + count;
	if (index == t->first_free)
		t->first_free = index + count;
	uint64_t offset = (uint64_t)index * AP_PAGE_SIZE;
	/* Past the 48-bit field the core rejects the address (and frees it). */
	*pa = offset > PA_LIMIT - t->base ? UINT64_MAX : t->base + offset;
	return table;
}

static void target_free(void *ctx, void *table, ap_pa_t pa AP_UNUSED, size_t bytes)
{
	target_t *t = ctx;
	size_t count = bytes / AP_PAGE_SIZE;
	for (size_t i = 0; i < t->slot_count; i++) {
		if (t->slots[i] == table) {
			for (size_t k = 0; k < count && i + k < t->slot_count; k++)
				t->slots[i + k] = NULL;
			if (i < t->first_free)
				t->first_free = i;
			pool_free(table, bytes);
			return;
		}
	}
}

static void *target_allocate_page(void *ctx, ap_pa_t *pa)
{
	return target_allocate(ctx, AP_PAGE_SIZE, pa);
}

static void target_free_page(void *ctx, void *table, ap_pa_t pa)
{
	target_free(ctx, table, pa, AP_PAGE_SIZE);
}

static void *target_to_virtual(void *ctx, ap_pa_t pa)
{
	const target_t *t = ctx;
	if (pa < t->base || ((pa - t->base) & (AP_PAGE_SIZE - 1)))
		return NULL;
	uint64_t index = (pa - t->base) / AP_PAGE_SIZE;
	return index < t->slot_count ? t->slots[index] : NULL;
}

static void target_release(void *ctx)
{
	target_t *t = ctx;
	ap__object_free(t->slots);
	ap__object_free(t);
}

AP_EXPORT ap_status_t ap_mapping_create_target(const ap_mapping_options_t *options, ap_pa_t base,
					       ap_mapping_t **out)
{
	if ((base & (AP_PAGE_SIZE - 1)) || base >= PA_LIMIT)
		return AP_ERR_INVALID_ARGUMENT;
	target_t *t = ap__object_alloc(sizeof(*t));
	if (!t)
		return AP_ERR_NO_MEMORY;
	t->base = base;
	translation_t tr = builtin(TRANSLATION_TARGET, target_allocate_page, target_free_page,
				   target_allocate, target_free, target_to_virtual, t, target_release);
	ap_status_t status = ap__mapping_create(options, &tr, out);
	if (status != AP_OK)
		target_release(t);
	return status;
}

AP_EXPORT ap_status_t ap_target_image_size(const ap_mapping_t *mapping, size_t *bytes)
{
	if (!mapping || !bytes)
		return AP_ERR_INVALID_ARGUMENT;
	if (mapping->translation.kind != TRANSLATION_TARGET)
		return AP_ERR_UNSUPPORTED;
	const target_t *t = mapping->translation.ctx;
	*bytes = t->slot_count * AP_PAGE_SIZE;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_target_image_write(const ap_mapping_t *mapping, void *buf, size_t size)
{
	size_t needed;
	if (!buf)
		return AP_ERR_INVALID_ARGUMENT;
	ap_status_t status = ap_target_image_size(mapping, &needed);
	if (status != AP_OK)
		return status;
	if (size < needed)
		return AP_ERR_BUFFER_TOO_SMALL;
	const target_t *t = mapping->translation.ctx;
	unsigned char *out = buf;
	for (size_t slot = 0; slot < t->slot_count; slot++) {
		const uint64_t *table = t->slots[slot];
		for (unsigned i = 0; i < AP_ENTRIES_PER_TABLE; i++) {
			uint64_t bits = table ? load_desc(&table[i]) : 0;
			/* The target reads little-endian descriptors whatever
			 * this host's byte order is. */
			for (unsigned b = 0; b < 8; b++)
				*out++ = (unsigned char)(bits >> (8 * b));
		}
	}
	return AP_OK;
}
