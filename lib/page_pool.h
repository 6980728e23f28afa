/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Table pages for the built-in translations. Fresh pages come from the
 * kernel in chunks; freed pages are kept (up to a bound) and handed out
 * again after zeroing, because page faults on fresh memory cost more than
 * building the table itself.
 */
#ifndef AP_PAGE_POOL_H
#define AP_PAGE_POOL_H

/* A zeroed, page-aligned 4 KiB page, or NULL. Thread-safe. */
void *ap__page_alloc(void);
/* Gives a page from ap__page_alloc() back. Thread-safe. */
void ap__page_free(void *page);
/* bytes (a power of two above 4 KiB) of zeroed memory aligned to bytes,
 * or NULL; and its release. Thread-safe. */
void *ap__pages_alloc(size_t bytes);
void ap__pages_free(void *block, size_t bytes);

#endif
