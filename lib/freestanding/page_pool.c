/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Table pages for the built-in translations in a freestanding build: a
 * fixed array of 4 KiB pages in .bss (AP_TABLE_PAGES of them, a build-time
 * choice). A bare-metal image has no other allocator to ask; when the array
 * is used up, edits report AP_ERR_NO_MEMORY and change nothing. Callers
 * with their own memory use ap_mapping_create() with their own ops instead.
 *
 * Larger tables (16 and 64 KiB granules, concatenated roots) are runs of
 * consecutive pages aligned to their size; the array is aligned to 64 KiB
 * so that a 64 KiB table can start at any 16th page. A 64 KiB-granule
 * mapping needs 16 pages per table: size the array for it.
 */
#include "../internal.h"
#include "../page_pool.h"
#include "fixed_pool.h"

#ifndef AP_TABLE_PAGES
#define AP_TABLE_PAGES 64
#endif

static struct {
	uint64_t entries[AP_PAGE_SIZE / sizeof(uint64_t)];
} pages[AP_TABLE_PAGES] __attribute__((aligned(64 * 1024)));
static bool page_used[AP_TABLE_PAGES];

void *ap__page_alloc(void)
{
	return fixed_pool_take(pages, page_used, AP_TABLE_PAGES, sizeof(pages[0]));
}

void ap__page_free(void *page)
{
	fixed_pool_give(pages, page_used, AP_TABLE_PAGES, sizeof(pages[0]), page);
}

static void release_run(size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++)
		__atomic_clear(&page_used[i], __ATOMIC_RELEASE);
}

/* Claims pages first.. first + count - 1, or none of them. */
static bool claim_run(size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++) {
		if (__atomic_test_and_set(&page_used[i], __ATOMIC_ACQUIRE)) {
			release_run(first, i - first);
			return false;
		}
	}
	return true;
}

void *ap__pages_alloc(size_t bytes)
{
	size_t count = bytes / AP_PAGE_SIZE;
	for (size_t first = 0; first + count <= AP_TABLE_PAGES; first++) {
		if (((uintptr_t)&pages[first] & (bytes - 1)) != 0 || !claim_run(first, count))
			continue;
		__builtin_memset(&pages[first], 0, bytes);
		return &pages[first];
	}
	return NULL;
}

void ap__pages_free(void *block, size_t bytes)
{
	uintptr_t offset = (uintptr_t)block - (uintptr_t)pages;
	if ((uintptr_t)block >= (uintptr_t)pages && offset < sizeof(pages))
		release_run(offset / AP_PAGE_SIZE, bytes / AP_PAGE_SIZE);
}
