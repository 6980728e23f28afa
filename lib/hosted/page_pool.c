/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#define _DEFAULT_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "../internal.h"
#include "../page_pool.h"

/*
 * Under valgrind, each page handed out is announced as a heap block and
 * each page given back as freed, so that memcheck reports a leaked table
 * like leaked malloc memory (the pages come from mmap, which it would not
 * track). Outside valgrind these are a few no-op instructions.
 */
#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#else
#define VALGRIND_MALLOCLIKE_BLOCK(address, size, redzone, zeroed) ((void)0)
#define VALGRIND_FREELIKE_BLOCK(address, redzone) ((void)0)
#define VALGRIND_MAKE_MEM_DEFINED(address, size) ((void)0)
#define VALGRIND_MAKE_MEM_NOACCESS(address, size) ((void)0)
#endif

/* Pages taken from the kernel at once: small enough that a table's peak
 * memory stays close to its size, large enough to amortise mmap. */
#define CHUNK_PAGES 32
/* Freed pages kept for reuse; beyond this they go back to the kernel. */
#define MAX_CACHED_PAGES 16384

typedef struct free_page {
	struct free_page *next;
} free_page_t;

static struct {
	char lock;
	free_page_t *cached;
	size_t cached_count;
	char *fresh;        /* untouched pages of the current chunk: already zero */
	size_t fresh_count;
} pool;

static void pool_lock(void)
{
	while (__atomic_test_and_set(&pool.lock, __ATOMIC_ACQUIRE))
		;
}

static void pool_unlock(void)
{
	__atomic_clear(&pool.lock, __ATOMIC_RELEASE);
}

void *ap__page_alloc(void)
{
	pool_lock();
	free_page_t *page = pool.cached;
	if (page) {
		VALGRIND_MAKE_MEM_DEFINED(page, sizeof(*page));
		pool.cached = page->next;
		pool.cached_count--;
		pool_unlock();
		VALGRIND_MALLOCLIKE_BLOCK(page, AP_PAGE_SIZE, 0, 1);
		memset(page, 0, AP_PAGE_SIZE);
		return page;
	}
	if (pool.fresh_count == 0) {
		void *chunk = mmap(NULL, (size_t)CHUNK_PAGES * AP_PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (chunk == MAP_FAILED) {
			pool_unlock();
			return NULL;
		}
		pool.fresh = chunk;
		pool.fresh_count = CHUNK_PAGES;
	}
	void *fresh = pool.fresh;
	pool.fresh += AP_PAGE_SIZE;
	pool.fresh_count--;
	pool_unlock();
	VALGRIND_MALLOCLIKE_BLOCK(fresh, AP_PAGE_SIZE, 0, 1);
	return fresh;
}

void ap__page_free(void *page)
{
	VALGRIND_FREELIKE_BLOCK(page, 0);
	VALGRIND_MAKE_MEM_DEFINED(page, sizeof(free_page_t));
	pool_lock();
	if (pool.cached_count < MAX_CACHED_PAGES) {
		free_page_t *p = page;
		p->next = pool.cached;
		pool.cached = p;
		pool.cached_count++;
		pool_unlock();
		VALGRIND_MAKE_MEM_NOACCESS(page, sizeof(free_page_t));
		return;
	}
	pool_unlock();
	munmap(page, AP_PAGE_SIZE);
}
