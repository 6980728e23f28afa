/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
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

/*
 * Pages come from slabs: 2 MiB of address space, aligned to 2 MiB, taken
 * from the kernel in one mmap. Why this shape:
 *
 * - A large mapping (64 GiB of pages is 32,834 tables) otherwise spends its
 *   time in page faults on fresh 4 KiB pages and in TLB misses over tables
 *   scattered across as many 4 KiB pages. Once the pool is large, a new
 *   slab is marked MADV_HUGEPAGE, so the kernel backs it with one 2 MiB
 *   page: one fault per 511 tables, one TLB entry for all of them. The
 *   alignment is what lets the kernel do that.
 * - A small mapping must not pay for that: the first slabs are not marked,
 *   and the kernel makes only the 4 KiB pages actually handed out resident,
 *   so a table's memory stays close to its size.
 * - The first page of each slab holds its bookkeeping, so that the slab of
 *   any page is found by masking its address, without a search.
 * - A slab goes back to the kernel only whole: unmapping single pages would
 *   split its huge page (losing the TLB reach for the rest) and cut its
 *   mapping into many.
 */
#define SLAB_SIZE ((size_t)2 << 20)
#define SLAB_PAGES (SLAB_SIZE / AP_PAGE_SIZE)
/* Slabs that stay in 4 KiB pages; from the next one on, a new slab asks
 * for a huge page. Two slabs (about 4 MiB of tables) cover a 1 GiB map of
 * pages, whose memory should stay its table bytes. */
#define SMALL_SLABS 2
/* Freed pages kept for reuse: page faults on fresh memory cost more than
 * zeroing a page. A slab all of whose pages are free is given back to the
 * kernel once more than this many are kept. */
#define MAX_CACHED_PAGES 16384

typedef struct free_page {
	struct free_page *next;
} free_page_t;

/* The bookkeeping of a slab, in its first page. */
typedef struct slab {
	free_page_t *free;        /* freed pages of this slab, to be zeroed again */
	size_t free_count;
	size_t fresh_next;        /* index of the first never-used page: zero */
	size_t in_use;            /* pages handed out and not given back */
	struct slab *prev, *next; /* on pool.open: slabs with a page to hand out */
} slab_t;

static struct {
	char lock;
	slab_t *open;        /* slabs with a free or fresh page; most recent first */
	size_t slabs;        /* slabs taken from the kernel and not given back */
	size_t cached_count; /* freed pages kept in all slabs */
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

static slab_t *slab_of(void *page)
{
	return (slab_t *)((uintptr_t)page & ~(uintptr_t)(SLAB_SIZE - 1));
}

static void open_push(slab_t *s)
{
	s->prev = NULL;
	s->next = pool.open;
	if (pool.open)
		pool.open->prev = s;
	pool.open = s;
}

static void open_remove(slab_t *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		pool.open = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

/* A fresh slab, or NULL. mmap aligns only to 4 KiB, so one slab more is
 * asked for and the unaligned ends are given back. Called without the
 * lock: a system call must not hold up the other threads. */
static slab_t *slab_create(int huge)
{
	size_t span = 2 * SLAB_SIZE - AP_PAGE_SIZE;
	char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	char *base = (char *)(((uintptr_t)raw + SLAB_SIZE - 1) & ~(uintptr_t)(SLAB_SIZE - 1));
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	if (raw + span > base + SLAB_SIZE)
		munmap(base + SLAB_SIZE, (size_t)(raw + span - (base + SLAB_SIZE)));
#ifdef MADV_HUGEPAGE
	/* Advice only: where transparent huge pages are off, or none is free,
	 * the slab still works in 4 KiB pages. */
	if (huge)
		(void)madvise(base, SLAB_SIZE, MADV_HUGEPAGE);
#else
	(void)huge;
#endif
	slab_t *s = (slab_t *)base;
	/* The kernel's zero page is all the fields need but fresh_next. */
	s->fresh_next = 1;
	return s;
}

/* Takes a page from s (which has one) under the lock; *zeroed says whether
 * it is still zero from the kernel. */
static void *slab_take(slab_t *s, int *zeroed)
{
	void *page;
	if (s->free) {
		free_page_t *p = s->free;
		VALGRIND_MAKE_MEM_DEFINED(p, sizeof(*p));
		s->free = p->next;
		s->free_count--;
		pool.cached_count--;
		page = p;
		*zeroed = 0;
	} else {
		page = (char *)s + s->fresh_next * AP_PAGE_SIZE;
		s->fresh_next++;
		*zeroed = 1;
	}
	s->in_use++;
	if (!s->free && s->fresh_next == SLAB_PAGES)
		open_remove(s);
	return page;
}

void *ap__page_alloc(void)
{
	int zeroed;
	void *page;
	pool_lock();
	if (!pool.open) {
		int huge = pool.slabs >= SMALL_SLABS;
		pool_unlock();
		slab_t *s = slab_create(huge);
		if (!s)
			return NULL;
		pool_lock();
		pool.slabs++;
		open_push(s);
	}
	/* The most recent open slab: the tables of one edit come from as few
	 * slabs as possible, so they share huge pages and cache lines of the
	 * bookkeeping. */
	page = slab_take(pool.open, &zeroed);
	pool_unlock();
	VALGRIND_MALLOCLIKE_BLOCK(page, AP_PAGE_SIZE, 0, 1);
	if (!zeroed)
		memset(page, 0, AP_PAGE_SIZE);
	return page;
}

void ap__page_free(void *page)
{
	if (!page)
		return;
	slab_t *s = slab_of(page);
	VALGRIND_FREELIKE_BLOCK(page, 0);
	VALGRIND_MAKE_MEM_DEFINED(page, sizeof(free_page_t));
	pool_lock();
	int was_full = !s->free && s->fresh_next == SLAB_PAGES;
	free_page_t *p = page;
	p->next = s->free;
	s->free = p;
	s->free_count++;
	s->in_use--;
	pool.cached_count++;
	VALGRIND_MAKE_MEM_NOACCESS(page, sizeof(free_page_t));
	if (s->in_use == 0 && pool.cached_count > MAX_CACHED_PAGES) {
		/* Nothing of s is in use and the pool keeps enough: give the
		 * whole slab back (its huge page stays whole to the end). */
		if (!was_full)
			open_remove(s);
		pool.cached_count -= s->free_count;
		pool.slabs--;
		pool_unlock();
		munmap(s, SLAB_SIZE);
		return;
	}
	if (was_full)
		open_push(s);
	pool_unlock();
}

/*
 * Tables larger than 4 KiB (16 and 64 KiB granules, concatenated roots)
 * come from the C library's aligned allocation; few are needed (a 1 GiB
 * map of 64 KiB pages takes three). Freed ones are kept per size, up to
 * MAX_CACHED_LARGE_BYTES, for the same reason as freed pages: the C
 * library would give them back to the kernel, and the next table would
 * fault its pages in again (a map and unmap of 1 GiB of 64 KiB pages spent
 * most of its time there).
 */
#define LARGE_CLASSES 8 /* 8 KiB .. 1 MiB */
#define MAX_CACHED_LARGE_BYTES ((size_t)16 << 20)

static struct {
	char lock;
	free_page_t *free[LARGE_CLASSES];
	size_t cached_bytes;
} large;

static unsigned large_class(size_t bytes)
{
	return (unsigned)__builtin_ctzl(bytes) - 13;
}

void *ap__pages_alloc(size_t bytes)
{
	unsigned c = large_class(bytes);
	while (__atomic_test_and_set(&large.lock, __ATOMIC_ACQUIRE))
		;
	free_page_t *block = large.free[c];
	if (block) {
		large.free[c] = block->next;
		large.cached_bytes -= bytes;
	}
	__atomic_clear(&large.lock, __ATOMIC_RELEASE);
	if (!block && posix_memalign((void **)&block, bytes, bytes) != 0)
		return NULL;
	memset(block, 0, bytes);
	return block;
}

void ap__pages_free(void *block, size_t bytes)
{
	if (!block)
		return;
	unsigned c = large_class(bytes);
	while (__atomic_test_and_set(&large.lock, __ATOMIC_ACQUIRE))
		;
	bool keep = large.cached_bytes + bytes <= MAX_CACHED_LARGE_BYTES;
	if (keep) {
		free_page_t *p = block;
		p->next = large.free[c];
		large.free[c] = p;
		large.cached_bytes += bytes;
	}
	__atomic_clear(&large.lock, __ATOMIC_RELEASE);
	if (!keep)
		free(block);
}
