/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Helpers shared by the Check suites: regions, dumps, a counting and
 * failure-injecting translation, and a regime that records its hooks. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <aarch64_paging.h>
#include <check.h>

/*
 * Check's assertions report every success to the parent process (one
 * write() each in fork mode), so that a crash can name the last assertion
 * passed. The suites assert millions of times in their loops, and those
 * writes were half the time of a test run. A passing assertion here costs
 * nothing; a failing one reports exactly as before. A crash is reported at
 * the test's start or at its last explicit mark_point().
 */
#undef ck_assert_msg
#define ck_assert_msg(expr, ...)                                                          \
	((expr) ? (void)0                                                                 \
		: _ck_assert_failed(__FILE__, __LINE__, "Assertion '" #expr "' failed",      \
				    ##__VA_ARGS__))
#include <stddef.h>
#include <stdint.h>

#define PAGE ((uint64_t)AP_PAGE_SIZE)
#define BLOCK_L2 ((uint64_t)AP_PAGE_SIZE << 9)  /* 2 MiB */
#define BLOCK_L1 ((uint64_t)AP_PAGE_SIZE << 18) /* 1 GiB */

/* Region from a half-open range, rounded like the reference's MemoryRegion::new. */
ap_region_t R(uint64_t start, uint64_t end);
/* Region from start + size (reaches the top page). */
ap_region_t RS(uint64_t start, uint64_t size);

/* Options for a mapping; regime NULL means EL1&0. */
ap_mapping_options_t opts(const ap_regime_t *regime, unsigned root_level, uint16_t asid,
			  ap_va_range_t va_range);
const ap_regime_t *regime_of(ap_regime_kind_t kind);

/* The dump as a malloc'ed string (caller frees). Fails the test on error. */
char *dump_string(const ap_mapping_t *m);

/* An ap_write_fn that takes any text and succeeds. */
int discard_text(void *ctx, const char *text, size_t length);

/* An ap_error_t ready to pass. */
ap_error_t new_error(void);

/* ---- A translation that counts, can fail, and knows its live tables. ---- */
#define TEST_ALLOC_MAX_TABLES 4096
typedef struct test_alloc {
	size_t allocations;     /* successful allocate_table(s) calls */
	size_t frees;           /* free_table(s) calls */
	long fail_after;        /* fail every allocation once this many have succeeded; -1: never */
	long fail_every;        /* if > 0: fail each call whose 1-based number is a multiple */
	size_t calls;           /* allocate_table calls, failed ones included */
	uint64_t pa_offset;     /* pa = host address + pa_offset */
	void *live[TEST_ALLOC_MAX_TABLES];
	size_t live_bytes[TEST_ALLOC_MAX_TABLES];
	size_t live_count;
} test_alloc_t;

void test_alloc_init(test_alloc_t *a);
const ap_translation_ops_t *test_alloc_ops(void);
/* Options for a mapping with a granule and an input size (root_level 0). */
ap_mapping_options_t granule_opts(const ap_regime_t *regime, ap_granule_t granule,
				  unsigned input_bits, uint16_t asid, ap_va_range_t va_range);
/* Creates a mapping over a test_alloc; fails the test on error. */
ap_mapping_t *test_alloc_mapping(test_alloc_t *a, const ap_mapping_options_t *o);

/* Bytes of every live table, ordered by address: compare two to prove a
 * hierarchy is unchanged. Caller frees. */
typedef struct table_snapshot {
	size_t count;
	size_t total; /* bytes */
	uint64_t *addresses;
	uint8_t *bytes;
} table_snapshot_t;
table_snapshot_t snapshot_tables(const test_alloc_t *a);
int snapshots_equal(const table_snapshot_t *x, const table_snapshot_t *y);
void snapshot_free(table_snapshot_t *s);

/* ---- A regime that records every hook call. ---- */
#define RECORDER_MAX 32768 /* a live unmap of three 512 MiB blocks of 64 KiB pages */
typedef struct recorder {
	ap_invalidation_t invalidations[RECORDER_MAX];
	size_t invalidation_count;
	size_t barrier_count;
	size_t activate_count;
	size_t deactivate_count;
	/* Sequence of events: 'I' invalidate, 'B' barrier, 'A' activate, 'D' deactivate. */
	char events[RECORDER_MAX];
	size_t event_count;
	uint64_t last_previous_ttbr;
	ap_pa_t last_root;
	uint16_t last_asid;
	ap_va_range_t last_va_range;
	uint64_t ttbr_to_return;
} recorder_t;

/* Creates a regime of @kind whose hooks fill @rec; fails the test on error. */
ap_regime_t *recording_regime(ap_regime_kind_t kind, recorder_t *rec);
void recorder_reset(recorder_t *rec);

/* Runs a suite with CK_NORMAL output and returns an exit status. */
int run_suite(Suite *s);

#endif
