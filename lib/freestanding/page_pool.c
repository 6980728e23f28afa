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
#include "fixed_pool.h"

#ifndef AP_TABLE_PAGES
#define AP_TABLE_PAGES 64
#endif

static struct {
	uint64_t entries[ENTRY_COUNT];
} pages[AP_TABLE_PAGES] __attribute__((aligned(AP_PAGE_SIZE)));
static bool page_used[AP_TABLE_PAGES];

void *ap__page_alloc(void)
{
	return fixed_pool_take(pages, page_used, AP_TABLE_PAGES, sizeof(pages[0]));
}

void ap__page_free(void *page)
{
	fixed_pool_give(pages, page_used, AP_TABLE_PAGES, sizeof(pages[0]), page);
}
