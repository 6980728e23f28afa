/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * All-or-nothing edits: with a translation that fails its k-th allocation
 * (for every k an edit reaches, and every n-th call), a map, a split and a
 * modify either succeed whole or return AP_ERR_NO_MEMORY with every table
 * byte as it was, and no table leaks. And no lost updates: the hardware's
 * access-flag and dirty-state updates that land between the library's read
 * and write of a live descriptor survive, and so do the library's.
 */
/* sigaction, mprotect and POSIX threads are POSIX, not C99. */
#define _POSIX_C_SOURCE 200809L

#include "test_util.h"

#include <pthread.h>
#include <sched.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NORMAL (AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED)

typedef ap_status_t (*edit_fn)(ap_mapping_t *m);
typedef void (*setup_fn)(ap_mapping_t *m);

/* 8 MiB + 2 pages, unaligned at both ends, as pages: 2 leaf tables at the
 * edges, 4 in the middle, plus the level 2 table. */
static ap_status_t big_page_map(ap_mapping_t *m)
{
	ap_region_t r = R(3 * BLOCK_L1 - 0x1000, 3 * BLOCK_L1 + 4 * BLOCK_L2 + 0x1000);
	return ap_mapping_map(m, &r, 0x80000000, NORMAL, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL);
}

/* One page inside a 1 GiB block: splits at levels 1 and 2. */
static ap_status_t split_by_map(ap_mapping_t *m)
{
	ap_region_t r = R(BLOCK_L1 + 5 * BLOCK_L2 + 0x3000, BLOCK_L1 + 5 * BLOCK_L2 + 0x4000);
	return ap_mapping_map(m, &r, BLOCK_L1 + 5 * BLOCK_L2 + 0x3000, NORMAL | AP_EL1_READ_ONLY, 0,
			      NULL);
}

static int set_swflag(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)ctx;
	(void)r;
	return ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_2, 0);
}

/* A modify of an unaligned range across both blocks: splits at each end. */
static ap_status_t split_by_modify(ap_mapping_t *m)
{
	ap_region_t r = R(BLOCK_L1 + 0x7000, 2 * BLOCK_L1 + BLOCK_L2 + 0x2000);
	return ap_mapping_modify(m, &r, set_swflag, NULL, NULL);
}

/* Pages next to existing ones, and further away: some tables exist. */
static ap_status_t partly_populated_map(ap_mapping_t *m)
{
	ap_region_t r = R(0x3000, 3 * BLOCK_L2 + 0x5000);
	return ap_mapping_map(m, &r, 0x3000, NORMAL, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL);
}

static void no_setup(ap_mapping_t *m)
{
	(void)m;
}

static void two_blocks(ap_mapping_t *m)
{
	ap_region_t r = R(BLOCK_L1, 3 * BLOCK_L1);
	ck_assert_int_eq(ap_mapping_map(m, &r, BLOCK_L1, NORMAL, 0, NULL), AP_OK);
}

static void a_few_pages(ap_mapping_t *m)
{
	ap_region_t r = R(0x1000, 0x4000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x1000, NORMAL, 0, NULL), AP_OK);
}

struct summary {
	char *text;
	size_t length;
};

/* One line per run of non-table descriptors: where, level and a hash of the
 * values. Unlike the dump it holds no table addresses, which differ from one
 * process's heap to the next. */
static int summarize_run(void *ctx, const ap_region_t *r, const uint64_t *d, size_t n,
			 unsigned level)
{
	struct summary *sum = ctx;
	uint64_t hash = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < n; i++)
		hash = (hash ^ d[i]) * UINT64_C(1099511628211);
	char line[96];
	int len = snprintf(line, sizeof(line), "%016llx+%llx L%u %016llx\n",
			   (unsigned long long)r->start, (unsigned long long)r->size, level,
			   (unsigned long long)hash);
	char *grown = realloc(sum->text, sum->length + (size_t)len + 1);
	ck_assert_ptr_nonnull(grown);
	memcpy(grown + sum->length, line, (size_t)len + 1);
	sum->text = grown;
	sum->length += (size_t)len;
	return 0;
}

static char *summary_string(const ap_mapping_t *m)
{
	struct summary sum = {NULL, 0};
	uint64_t size;
	ck_assert_int_eq(ap_mapping_size(m, &size), AP_OK);
	ap_region_t all = RS(0, size);
	ck_assert_int_eq(ap_mapping_walk_runs(m, &all, summarize_run, &sum, NULL), AP_OK);
	return sum.text;
}

static char *reference_dump(setup_fn setup, edit_fn edit, size_t *tables_needed)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	setup(m);
	size_t before = a.allocations;
	ck_assert_int_eq(edit(m), AP_OK);
	*tables_needed = a.allocations - before;
	char *dump = summary_string(m);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	ck_assert_uint_eq(a.allocations, a.frees);
	return dump;
}

/* Runs edit once per failure point: fail_after = setup + k, k = 0..needed,
 * and with every n-th call failing. */
static void check_all_or_nothing(setup_fn setup, edit_fn edit)
{
	size_t needed;
	char *expected = reference_dump(setup, edit, &needed);
	ck_assert_uint_gt(needed, 0);
	if (getenv("ATOMICITY_VERBOSE"))
		fprintf(stderr, "edit needs %zu tables\n", needed);
	for (long k = 0; k <= (long)needed + 1; k++) {
		for (int mode = 0; mode < 2; mode++) {
			test_alloc_t a;
			test_alloc_init(&a);
			ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
			ap_mapping_t *m = test_alloc_mapping(&a, &o);
			setup(m);
			if (mode == 0)
				a.fail_after = (long)a.allocations + k;
			else
				a.fail_every = k + 2, a.calls = 0;
			table_snapshot_t before = snapshot_tables(&a);
			char *dump_before = summary_string(m);
			ap_status_t status = edit(m);
			if (status == AP_OK) {
				char *dump = summary_string(m);
				ck_assert_str_eq(dump, expected);
				free(dump);
			} else {
				ck_assert_int_eq(status, AP_ERR_NO_MEMORY);
				table_snapshot_t after = snapshot_tables(&a);
				ck_assert(snapshots_equal(&before, &after));
				snapshot_free(&after);
				char *dump = summary_string(m);
				ck_assert_str_eq(dump, dump_before);
				free(dump);
			}
			if (mode == 0)
				ck_assert_int_eq(status, k >= (long)needed ? AP_OK : AP_ERR_NO_MEMORY);
			size_t count;
			ck_assert_int_eq(ap_mapping_table_count(m, &count), AP_OK);
			ck_assert_uint_eq(count, a.live_count);
			snapshot_free(&before);
			free(dump_before);
			ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
			ck_assert_uint_eq(a.allocations, a.frees); /* nothing leaked */
		}
	}
	free(expected);
}

START_TEST(large_map_is_all_or_nothing)
{
	check_all_or_nothing(no_setup, big_page_map);
}
END_TEST

START_TEST(split_by_map_is_all_or_nothing)
{
	check_all_or_nothing(two_blocks, split_by_map);
}
END_TEST

START_TEST(split_by_modify_is_all_or_nothing)
{
	check_all_or_nothing(two_blocks, split_by_modify);
}
END_TEST

START_TEST(partly_populated_map_is_all_or_nothing)
{
	check_all_or_nothing(a_few_pages, partly_populated_map);
}
END_TEST

/* The same on a live table (the mapping is marked active): maps that only
 * add entries need new tables too. */
static ap_status_t live_new_region(ap_mapping_t *m)
{
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	ap_region_t r = R(5 * BLOCK_L1 + 0x1000, 5 * BLOCK_L1 + 2 * BLOCK_L2);
	ap_status_t status = ap_mapping_map(m, &r, 0x1000, NORMAL, 0, NULL);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	return status;
}

START_TEST(live_map_is_all_or_nothing)
{
	check_all_or_nothing(a_few_pages, live_new_region);
}
END_TEST

/* ------------------------------------------------------------ lost updates */

/* On a live table the hardware may set the access flag (AF, bit 10), or,
 * with DBM set, clear AP[2] (read-only) to mark the page dirty, between the
 * library's read of a descriptor and its write. The library must then either
 * keep the hardware's change or refuse with AP_ERR_BREAK_BEFORE_MAKE so that
 * the caller can retry on the new value (lib/descriptor.c store_checked).
 *
 * Deterministic version: the leaf table's page is made read-only just before
 * the library writes; the write faults, and the SIGSEGV handler plays the
 * hardware: it makes the page writable again, applies the hardware update to
 * the very descriptor being written (si_addr), and returns, so the library's
 * write instruction runs again on the changed descriptor. */
#define FRESH (AP_EL1_VALID | AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE)
#define HW_DIRTY_CAPABLE (AP_EL1_DBM | AP_EL1_READ_ONLY)
#define OA_BITS UINT64_C(0x0000fffffffff000)
#define RACE_PAGES 16
#define RACE_VA (5 * BLOCK_L2)

typedef enum hw_update { HW_ACCESS, HW_DIRTY } hw_update_t;

static uint64_t *volatile race_leaf;
static volatile sig_atomic_t race_armed;
static volatile hw_update_t race_kind;
static volatile size_t race_faults;
static struct sigaction race_old_action;

static void apply_hw_update(uint64_t *entry, hw_update_t kind)
{
	if (kind == HW_ACCESS)
		__atomic_fetch_or(entry, (uint64_t)AP_EL1_ACCESSED, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(entry, ~(uint64_t)AP_EL1_READ_ONLY, __ATOMIC_SEQ_CST);
}

static void race_handler(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	char *page = (char *)race_leaf;
	char *at = info->si_addr;
	if (!page || at < page || at >= page + AP_PAGE_SIZE) {
		/* Not ours: fault again without the handler. */
		sigaction(sig, &race_old_action, NULL);
		return;
	}
	mprotect(page, AP_PAGE_SIZE, PROT_READ | PROT_WRITE);
	if (race_armed) {
		race_armed = 0;
		apply_hw_update((uint64_t *)((uintptr_t)at & ~(uintptr_t)7), race_kind);
		race_faults++;
	}
}

typedef struct race_ctx {
	bool use_set;         /* ap_descriptor_set rather than modify_flags */
	ap_attrs_t sw;        /* the software bit the library sets */
	size_t lost_races;    /* AP_ERR_BREAK_BEFORE_MAKE answers, retried */
	size_t calls;
} race_ctx_t;

/* One attempt at the library's own change. */
static ap_status_t library_change(race_ctx_t *c, ap_descriptor_t *d)
{
	if (!c->use_set)
		return ap_descriptor_modify_flags(d, c->sw, 0);
	ap_pa_t pa = ap_descriptor_output_address(d);
	ap_attrs_t flags = ap_descriptor_flags(d);
	return ap_descriptor_set(d, pa, flags | c->sw);
}

/* The modify callback: arms the "hardware" for the next write to the leaf
 * table, then makes its change, retrying while it loses the race. */
static int racing_change(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	(void)r;
	race_ctx_t *c = ctx;
	c->calls++;
	race_armed = 1;
	ck_assert_int_eq(mprotect(race_leaf, AP_PAGE_SIZE, PROT_READ), 0);
	ap_status_t status;
	for (int attempt = 0;; attempt++) {
		status = library_change(c, d);
		if (status != AP_ERR_BREAK_BEFORE_MAKE || attempt == 3)
			break;
		c->lost_races++;
	}
	/* A dry run (a copy) never writes: disarm for the next call. */
	race_armed = 0;
	ck_assert_int_eq(mprotect(race_leaf, AP_PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	return status != AP_OK;
}

/* The leaf table of va, through the test's translation (pa = address). */
static uint64_t *leaf_table_of(const ap_mapping_t *m, uint64_t va)
{
	ap_pa_t root;
	unsigned level;
	ck_assert_int_eq(ap_mapping_root_address(m, &root), AP_OK);
	ck_assert_int_eq(ap_mapping_root_level(m, &level), AP_OK);
	uint64_t *table = (uint64_t *)(uintptr_t)root;
	for (; level < 3; level++) {
		uint64_t d = table[(va >> (12 + 9 * (3 - level))) & 511];
		ck_assert_uint_eq(d & 3, 3);
		table = (uint64_t *)(uintptr_t)(d & OA_BITS);
	}
	return table;
}

static void hardware_update_survives(hw_update_t kind, bool use_set)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	ap_attrs_t flags = kind == HW_ACCESS ? FRESH : FRESH | AP_EL1_ACCESSED | HW_DIRTY_CAPABLE;
	ap_region_t r = RS(RACE_VA, RACE_PAGES * PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x80000000, flags, 0, NULL), AP_OK);
	uint64_t *leaf = leaf_table_of(m, RACE_VA);
	unsigned first = (RACE_VA >> 12) & 511;
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = race_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	race_leaf = leaf;
	race_kind = kind;
	race_faults = 0;
	ck_assert_int_eq(sigaction(SIGSEGV, &sa, &race_old_action), 0);

	race_ctx_t c = {use_set, AP_EL1_SWFLAG_1, 0, 0};
	ap_status_t status = ap_mapping_modify(m, &r, racing_change, &c, NULL);

	ck_assert_int_eq(sigaction(SIGSEGV, &race_old_action, NULL), 0);
	race_leaf = NULL;
	ck_assert_int_eq(status, AP_OK);
	ck_assert_uint_eq(c.calls, 2 * RACE_PAGES); /* dry run, then for real */
	/* Every real write faulted once, so every page saw one hardware update. */
	ck_assert_uint_eq(race_faults, RACE_PAGES);
	for (unsigned i = 0; i < RACE_PAGES; i++) {
		uint64_t d = leaf[first + i];
		ck_assert_msg(d & AP_EL1_SWFLAG_1, "page %u: the library's change was lost (%#llx)", i,
			      (unsigned long long)d);
		if (kind == HW_ACCESS)
			ck_assert_msg(d & AP_EL1_ACCESSED,
				      "page %u: the hardware's access flag was lost (%#llx)", i,
				      (unsigned long long)d);
		else
			ck_assert_msg(!(d & AP_EL1_READ_ONLY),
				      "page %u: the hardware's dirty state was lost (%#llx)", i,
				      (unsigned long long)d);
		ck_assert_uint_eq(ap_pte_output_address(d, 3), 0x80000000 + i * PAGE);
	}
	/* The library noticed each race: one refusal per page, then a retry. */
	ck_assert_uint_eq(c.lost_races, RACE_PAGES);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

START_TEST(access_flag_set_during_modify_flags_survives)
{
	hardware_update_survives(HW_ACCESS, false);
}
END_TEST

START_TEST(access_flag_set_during_descriptor_set_survives)
{
	hardware_update_survives(HW_ACCESS, true);
}
END_TEST

START_TEST(dirty_state_set_during_modify_flags_survives)
{
	hardware_update_survives(HW_DIRTY, false);
}
END_TEST

START_TEST(dirty_state_set_during_descriptor_set_survives)
{
	hardware_update_survives(HW_DIRTY, true);
}
END_TEST

/* Threaded version: a second thread plays the hardware. The modify
 * callback publishes the descriptor it is about to change; the thread
 * sets AF on it and, where DBM is set, clears AP[2], after a random short
 * delay, while the library reads and writes it. The library toggles a
 * software bit. Only the real calls of a live modify publish: the first
 * RACE_TABLE calls are the dry run on copies. */
#define RACE_TABLE 512
#define THREAD_ROUNDS 300

typedef struct hw_thread {
	uint64_t *leaf;
	uint64_t *published;    /* atomic: the descriptor to update, or NULL */
	unsigned long seq;      /* atomic: bumped with each publication */
	unsigned long seen;     /* atomic: the last seq the thread acted on */
	int stop;               /* atomic */
	unsigned char touched[RACE_TABLE];
	uint64_t seed;
} hw_thread_t;

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

/* One poll of a busy wait. Natively the wait spins, so that the thread
 * reacts within the library's read-to-write window (a yield there lets
 * most races pass unseen). Under valgrind, which runs one thread at a
 * time, a spin burns whole time slices while the other thread waits to
 * run, so there each poll yields. */
static void idle_poll(void)
{
	if (RUNNING_ON_VALGRIND)
		sched_yield();
}

static void *hardware(void *arg)
{
	hw_thread_t *h = arg;
	unsigned long last = 0;
	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		unsigned long seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (seq == last) {
			idle_poll();
			continue;
		}
		uint64_t *entry = __atomic_load_n(&h->published, __ATOMIC_ACQUIRE);
		if (entry) {
			spin((unsigned)(xorshift(&h->seed) % 64));
			apply_hw_update(entry, HW_ACCESS);
			if (__atomic_load_n(entry, __ATOMIC_ACQUIRE) & AP_EL1_DBM)
				apply_hw_update(entry, HW_DIRTY);
			h->touched[entry - h->leaf] = 1;
		}
		last = seq;
		__atomic_store_n(&h->seen, seq, __ATOMIC_RELEASE);
	}
	return NULL;
}

typedef struct toggle_ctx {
	hw_thread_t *h;
	bool set;  /* set the software bit this round, or clear it */
	size_t calls;
	size_t lost_races;
	uint64_t seed;
} toggle_ctx_t;

static int toggling_change(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	toggle_ctx_t *c = ctx;
	if (c->calls++ >= RACE_TABLE) {
		uint64_t *entry = &c->h->leaf[(r->start >> 12) & 511];
		__atomic_store_n(&c->h->published, entry, __ATOMIC_RELEASE);
		__atomic_fetch_add(&c->h->seq, 1, __ATOMIC_ACQ_REL);
		spin((unsigned)(xorshift(&c->seed) % 64));
	}
	ap_status_t status;
	for (int attempt = 0;; attempt++) {
		status = ap_descriptor_modify_flags(d, c->set ? AP_EL1_SWFLAG_2 : 0,
						    c->set ? 0 : AP_EL1_SWFLAG_2);
		if (status != AP_ERR_BREAK_BEFORE_MAKE || attempt == 100)
			break;
		c->lost_races++;
	}
	return status != AP_OK;
}

static void wait_for_hardware(hw_thread_t *h)
{
	unsigned long seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&h->seen, __ATOMIC_ACQUIRE) != seq)
		idle_poll();
}

static void hardware_thread_race(void)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	ap_region_t r = RS(RACE_VA - RACE_VA % BLOCK_L2, BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x80000000, FRESH, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
			 AP_OK);
	static hw_thread_t h;
	memset(&h, 0, sizeof(h));
	h.leaf = leaf_table_of(m, r.start);
	h.seed = 0x9e3779b97f4a7c15;
	/* Half the pages may become dirty (DBM, clean = read-only). */
	for (unsigned i = 0; i < RACE_TABLE; i += 2)
		h.leaf[i] |= HW_DIRTY_CAPABLE;
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	pthread_t thread;
	ck_assert_int_eq(pthread_create(&thread, NULL, hardware, &h), 0);
	toggle_ctx_t c = {&h, true, 0, 0, 12345};
	size_t lost_hardware = 0, lost_library = 0;
	for (int round = 0; round < THREAD_ROUNDS; round++) {
		c.set = round % 2 == 0;
		c.calls = 0;
		ck_assert_int_eq(ap_mapping_modify(m, &r, toggling_change, &c, NULL), AP_OK);
		__atomic_store_n(&h.published, NULL, __ATOMIC_RELEASE);
		wait_for_hardware(&h);
		for (unsigned i = 0; i < RACE_TABLE; i++) {
			uint64_t d = h.leaf[i];
			if (!!(d & AP_EL1_SWFLAG_2) != c.set)
				lost_library++;
			if (h.touched[i] && (!(d & AP_EL1_ACCESSED) ||
					     ((d & AP_EL1_DBM) && (d & AP_EL1_READ_ONLY))))
				lost_hardware++;
			/* Back to clean and not accessed for the next round,
			 * while the thread is idle (software may do that, and
			 * this test needs fresh updates to lose). */
			d &= ~(uint64_t)AP_EL1_ACCESSED;
			if (d & AP_EL1_DBM)
				d |= AP_EL1_READ_ONLY;
			h.leaf[i] = d;
			h.touched[i] = 0;
		}
	}
	__atomic_store_n(&h.stop, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	if (getenv("ATOMICITY_VERBOSE"))
		fprintf(stderr, "thread race: %zu refusals retried, %zu hardware and %zu library updates lost\n",
			c.lost_races, lost_hardware, lost_library);
	ck_assert_msg(lost_hardware == 0 && lost_library == 0,
		      "%zu hardware and %zu library updates lost (%zu refusals retried)", lost_hardware,
		      lost_library, c.lost_races);
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

START_TEST(hardware_thread_modify_flags_loses_nothing)
{
	hardware_thread_race();
}
END_TEST

/* The usual way to use ap_descriptor_set in a callback: read the flags,
 * change one, set them back. If the hardware sets AF (or marks the page
 * dirty) between the caller's read and ap_descriptor_set, the library
 * compares against a value it reads afresh inside ap_descriptor_set, so it
 * writes the caller's stale flags and the hardware's update is lost; it
 * should refuse (AP_ERR_BREAK_BEFORE_MAKE) as it does when the update lands
 * inside the call. FAILS on the current library. */
typedef struct stale_ctx {
	uint64_t *leaf;
	hw_update_t kind;
	size_t calls;
	size_t refusals;
} stale_ctx_t;

static int stale_set(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	stale_ctx_t *c = ctx;
	bool real = c->calls++ >= RACE_PAGES; /* the first RACE_PAGES calls are the dry run */
	ap_pa_t pa = ap_descriptor_output_address(d);
	ap_attrs_t flags = ap_descriptor_flags(d);
	if (real)
		apply_hw_update(&c->leaf[(r->start >> 12) & 511], c->kind);
	ap_status_t status = ap_descriptor_set(d, pa, flags | AP_EL1_SWFLAG_3);
	if (status == AP_ERR_BREAK_BEFORE_MAKE) {
		/* Lost the race: read again and retry. */
		c->refusals++;
		status = ap_descriptor_set(d, ap_descriptor_output_address(d),
					   ap_descriptor_flags(d) | AP_EL1_SWFLAG_3);
	}
	return status != AP_OK;
}

static void stale_set_keeps_hardware_update(hw_update_t kind)
{
	test_alloc_t a;
	test_alloc_init(&a);
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = test_alloc_mapping(&a, &o);
	ap_attrs_t flags = kind == HW_ACCESS ? FRESH : FRESH | AP_EL1_ACCESSED | HW_DIRTY_CAPABLE;
	ap_region_t r = RS(RACE_VA, RACE_PAGES * PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x80000000, flags, 0, NULL), AP_OK);
	stale_ctx_t c = {leaf_table_of(m, RACE_VA), kind, 0, 0};
	ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
	ck_assert_int_eq(ap_mapping_modify(m, &r, stale_set, &c, NULL), AP_OK);
	for (unsigned i = 0; i < RACE_PAGES; i++) {
		uint64_t d = c.leaf[((RACE_VA >> 12) & 511) + i];
		ck_assert(d & AP_EL1_SWFLAG_3);
		if (kind == HW_ACCESS)
			ck_assert_msg(d & AP_EL1_ACCESSED,
				      "page %u: AF set between the caller's read and "
				      "ap_descriptor_set was lost (%#llx)",
				      i, (unsigned long long)d);
		else
			ck_assert_msg(!(d & AP_EL1_READ_ONLY),
				      "page %u: dirty state set between the caller's read and "
				      "ap_descriptor_set was lost (%#llx)",
				      i, (unsigned long long)d);
	}
	ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

START_TEST(access_flag_set_before_descriptor_set_survives)
{
	stale_set_keeps_hardware_update(HW_ACCESS);
}
END_TEST

START_TEST(dirty_state_set_before_descriptor_set_survives)
{
	stale_set_keeps_hardware_update(HW_DIRTY);
}
END_TEST

static Suite *atomicity_suite(void)
{
	Suite *s = suite_create("atomicity");
	TCase *tc = tcase_create("failure injection");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, large_map_is_all_or_nothing);
	tcase_add_test(tc, split_by_map_is_all_or_nothing);
	tcase_add_test(tc, split_by_modify_is_all_or_nothing);
	tcase_add_test(tc, partly_populated_map_is_all_or_nothing);
	tcase_add_test(tc, live_map_is_all_or_nothing);
	suite_add_tcase(s, tc);
	TCase *lost = tcase_create("lost updates");
	tcase_set_timeout(lost, 120);
	tcase_add_test(lost, access_flag_set_during_modify_flags_survives);
	tcase_add_test(lost, access_flag_set_during_descriptor_set_survives);
	tcase_add_test(lost, dirty_state_set_during_modify_flags_survives);
	tcase_add_test(lost, dirty_state_set_during_descriptor_set_survives);
	tcase_add_test(lost, hardware_thread_modify_flags_loses_nothing);
	tcase_add_test(lost, access_flag_set_before_descriptor_set_survives);
	tcase_add_test(lost, dirty_state_set_before_descriptor_set_survives);
	suite_add_tcase(s, lost);
	return s;
}

int main(void)
{
	return run_suite(atomicity_suite());
}
