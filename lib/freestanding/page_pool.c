/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Table pages for the built-in translations in a freestanding build: a
 * fixed, page-aligned array in .bss (AP_TABLE_PAGES pages, a build-time
 * choice). A bare-metal image has no other allocator to ask; when the array
 * is used up, edits report AP_ERR_NO_MEMORY and change nothing. Callers
 * with their own memory use ap_mapping_create() with their own ops instead.
 */
#include "../internal.h"
#include "../page_pool.h"

#ifndef AP_TABLE_PAGES
#define AP_TABLE_PAGES 64
#endif

static struct {
	uint64_t entries[ENTRY_COUNT];
} pages[AP_TABLE_PAGES] __attribute__((aligned(AP_PAGE_SIZE)));
static bool page_used[AP_TABLE_PAGES];

void *ap__page_alloc(void)
{
	for (size_t i = 0; i < AP_TABLE_PAGES; i++) {
		/* A test-and-set per page keeps concurrent editors apart. */
		if (!__atomic_test_and_set(&page_used[i], __ATOMIC_ACQUIRE)) {
			__builtin_memset(&pages[i], 0, sizeof(pages[i]));
			return &pages[i];
		}
	}
	return NULL;
}

void ap__page_free(void *page)
{
	uintptr_t offset = (uintptr_t)page - (uintptr_t)pages;
	if ((uintptr_t)page >= (uintptr_t)pages && offset < sizeof(pages))
		__atomic_clear(&page_used[offset / sizeof(pages[0])], __ATOMIC_RELEASE);
}
