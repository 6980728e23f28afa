/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The benchmark: seven workloads on an EL1&0 identity map with root level 1
 * (inactive), each timed on its own with CLOCK_MONOTONIC over several runs
 * after a warm-up run, with the 4 KiB granule and then (library 0.4.0 and
 * later) again with 16 and 64 KiB granules over the same 1 GiB (39-bit
 * input size), so fewer pages. Every workload checks its result, so a broken
 * library cannot produce a fast number. Usage: bench [--quick | --scale]
 * (--memory is the fresh process that measures W1's peak memory; --scale
 * [GIB...] runs only the scale workload S, at 1, 16 and 64 GiB or the
 * sizes given).
 */
#define _POSIX_C_SOURCE 200809L

#include <aarch64_paging.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GIB (UINT64_C(1) << 30)
#define BASE UINT64_C(0x40000000)
/* The granule being measured: its page size, and the mapping options. */
static uint64_t page_bytes = AP_PAGE_SIZE;
static int granule_code; /* ap_granule_t where the header has it */
#define PAGES (GIB / page_bytes)
/* W2 splits 16384 pages of blocks (half the space with 64 KiB pages). */
#define SPLIT_PAGES (PAGES / 2 < 16384 ? PAGES / 2 : 16384)
#define LOOKUPS 1000000
#define MAX_RUNS 15

static const ap_attrs_t normal = AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE |
				 AP_EL1_VALID | AP_EL1_ACCESSED;

static void require(ap_status_t status, const char *what)
{
	if (status != AP_OK) {
		fprintf(stderr, "bench: %s: %s\n", what, ap_strerror(status));
		exit(EXIT_FAILURE);
	}
}

static void require_true(int condition, const char *what)
{
	if (!condition) {
		fprintf(stderr, "bench: check failed: %s\n", what);
		exit(EXIT_FAILURE);
	}
}

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static ap_mapping_t *new_map(void)
{
	ap_mapping_options_t options;
	memset(&options, 0, sizeof(options));
	options.size = sizeof(options);
	options.root_level = 1;
#if AP_VERSION_MAJOR > 0 || AP_VERSION_MINOR >= 4
	if (granule_code != AP_GRANULE_4K) {
		options.root_level = 0;
		options.granule = (ap_granule_t)granule_code;
		options.input_bits = 39;
	}
#endif
	ap_mapping_t *map;
	require(ap_mapping_create_identity(&options, &map), "create mapping");
	return map;
}

/* Tables of 1 GiB of pages at BASE: a leaf table per level-2 entry, the
 * root, and a level-2 table when the root is above level 2 (4 KiB: 514;
 * 16 KiB: 34; 64 KiB, whose 39-bit root is at level 2: 3). */
static size_t page_tables(void)
{
	uint64_t entries = page_bytes / 8, leaf_tables = GIB / (page_bytes * entries);
	return (size_t)leaf_tables + (page_bytes == 65536 ? 1 : 2);
}

static ap_region_t gib_region(void)
{
	ap_region_t region;
	require(ap_region_from_size(BASE, GIB, &region), "region");
	return region;
}

/* The W1 table: 1 GiB of pages. */
static void map_pages(ap_mapping_t *map)
{
	ap_region_t region = gib_region();
	require(ap_mapping_map_auto(map, &region, normal, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
		"map 1 GiB of pages");
}

/* ------------------------------------------------------------ workloads */

/* Each workload builds what it needs untimed, returns the timed ns. */
typedef double (*workload_fn)(void);

static double w1_map_pages(void)
{
	ap_mapping_t *map = new_map();
	double start = now_ns();
	map_pages(map);
	double elapsed = now_ns() - start;
	size_t tables;
	require(ap_mapping_table_count(map, &tables), "table count");
	require_true(tables == page_tables(), "W1 builds 514 tables (4 KiB)");
	require(ap_mapping_destroy(map), "destroy");
	return elapsed;
}

static double w2_split(void)
{
	ap_mapping_t *map = new_map();
	ap_region_t region = gib_region();
	require(ap_mapping_map_auto(map, &region, normal, AP_CONSTRAINT_NONE, NULL), "map blocks");
	double start = now_ns();
	for (uint64_t i = 0; i < SPLIT_PAGES; i++) {
		ap_region_t page = {BASE + i * page_bytes, page_bytes};
		require(ap_mapping_map(map, &page, page.start, normal | AP_EL1_READ_ONLY,
				       AP_CONSTRAINT_NONE, NULL),
			"remap read-only");
	}
	double elapsed = now_ns() - start;
	ap_translate_result_t r = {.size = sizeof(r)};
	require(ap_mapping_translate(map, BASE + (SPLIT_PAGES - 1) * page_bytes, &r), "translate");
	require_true(r.level == 3 && (r.attributes & AP_EL1_READ_ONLY), "W2 pages are read-only");
	require(ap_mapping_translate(map, BASE + SPLIT_PAGES * page_bytes, &r), "translate");
	require_true(r.level == 2 && !(r.attributes & AP_EL1_READ_ONLY), "W2 stops at the boundary");
	require(ap_mapping_destroy(map), "destroy");
	return elapsed;
}

static double w3_map_page_by_page(void)
{
	ap_mapping_t *map = new_map();
	double start = now_ns();
	for (uint64_t i = 0; i < PAGES; i++) {
		ap_region_t page = {BASE + i * page_bytes, page_bytes};
		require(ap_mapping_map(map, &page, page.start, normal, AP_CONSTRAINT_NONE, NULL),
			"map one page");
	}
	double elapsed = now_ns() - start;
	size_t tables;
	require(ap_mapping_table_count(map, &tables), "table count");
	require_true(tables == page_tables(), "W3 builds 514 tables (4 KiB)");
	require(ap_mapping_destroy(map), "destroy");
	return elapsed;
}

static int set_swflag(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)ctx;
	(void)region;
	return ap_descriptor_modify_flags(d, AP_EL1_SWFLAG_0, 0);
}

static int count_swflag_run(void *ctx, const ap_region_t *region, const uint64_t *bits,
			    size_t count, unsigned level)
{
	(void)region;
	(void)level;
	for (size_t i = 0; i < count; i++)
		*(uint64_t *)ctx += (bits[i] & AP_EL1_SWFLAG_0) != 0;
	return 0;
}

static double w4_modify(void)
{
	ap_mapping_t *map = new_map();
	map_pages(map);
	ap_region_t region = gib_region();
	double start = now_ns();
	require(ap_mapping_modify(map, &region, set_swflag, NULL, NULL), "modify");
	double elapsed = now_ns() - start;
	uint64_t flagged = 0;
	require(ap_mapping_walk_runs(map, &region, count_swflag_run, &flagged, NULL), "walk");
	require_true(flagged == PAGES, "W4 sets the flag on every page");
	require(ap_mapping_destroy(map), "destroy");
	return elapsed;
}

static int count_valid(void *ctx, const ap_region_t *region, uint64_t bits, unsigned level)
{
	(void)region;
	(void)level;
	*(uint64_t *)ctx += bits & AP_ATTR_VALID;
	return 0;
}

static int count_valid_run(void *ctx, const ap_region_t *region, const uint64_t *bits,
			   size_t count, unsigned level)
{
	(void)region;
	(void)level;
	uint64_t valid = 0;
	for (size_t i = 0; i < count; i++)
		valid += bits[i] & AP_ATTR_VALID;
	*(uint64_t *)ctx += valid;
	return 0;
}

static ap_mapping_t *walk_map;

static double w5_walk(void)
{
	ap_region_t region = gib_region();
	uint64_t valid = 0;
	double start = now_ns();
	require(ap_mapping_walk(walk_map, &region, count_valid, &valid, NULL), "walk");
	double elapsed = now_ns() - start;
	require_true(valid == PAGES, "W5 counts every page");
	return elapsed;
}

static double w5_walk_runs(void)
{
	ap_region_t region = gib_region();
	uint64_t valid = 0;
	double start = now_ns();
	require(ap_mapping_walk_runs(walk_map, &region, count_valid_run, &valid, NULL), "walk runs");
	double elapsed = now_ns() - start;
	require_true(valid == PAGES, "W5 (runs) counts every page");
	return elapsed;
}

static double w6_unmap_compact(void)
{
	ap_mapping_t *map = new_map();
	map_pages(map);
	ap_region_t region = gib_region();
	double start = now_ns();
	require(ap_mapping_unmap(map, &region, NULL), "unmap");
	require(ap_mapping_compact(map), "compact");
	double elapsed = now_ns() - start;
	size_t tables;
	require(ap_mapping_table_count(map, &tables), "table count");
	require_true(tables == 1, "W6 leaves only the root");
	require(ap_mapping_destroy(map), "destroy");
	return elapsed;
}

static double w7_translate(void)
{
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15), wrong = 0;
	ap_translate_result_t r = {.size = sizeof(r)};
	double start = now_ns();
	for (unsigned i = 0; i < LOOKUPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t va = BASE + (x & (GIB - 1));
		if (ap_mapping_translate(walk_map, va, &r) != AP_OK || r.output_address != va)
			wrong++;
	}
	double elapsed = now_ns() - start;
	require_true(wrong == 0, "W7 translates every address to itself");
	return elapsed;
}

/* ------------------------------------------------------------ measuring */


typedef struct workload {
	const char *name;
	const char *what;
	workload_fn run;
	double units; /* pages, calls or lookups per run */
	const char *unit;
	double target; /* ns per unit, from the issue */
} workload_t;

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A field of /proc/self/smaps_rollup in KiB, or -1. */
static long smaps_kib(const char *field)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long kib = -1;
	size_t length = strlen(field);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, length) == 0 && line[length] == ':' &&
		    sscanf(line + length + 1, "%ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* Resident anonymous memory (table pages and heap), counted from the page
 * tables at the time of the call (smaps_rollup): code paged in from files is
 * not table memory, and the kernel's batched RSS counters can lag by
 * hundreds of KiB. Nothing is freed while W1 builds, so the growth over the
 * build is its peak. */
static long resident_kib(void)
{
	return smaps_kib("Anonymous");
}

/* ------------------------------------------------------------ scale */

/*
 * S: the cost per page must not grow with the size of the mapping. A map
 * of N GiB of pages with root level 0 touches 512 * N leaf tables, so at
 * 64 GiB the tables (128 MiB) are far beyond the caches and the TLB's
 * reach: what grows is page faults on fresh table pages and TLB misses on
 * scattered ones, which is what the page pool has to keep flat.
 */
#define SCALE_RUNS 5
#define SCALE_LOOKUPS 1000000

static ap_mapping_t *new_map_level0(void)
{
	ap_mapping_options_t options;
	memset(&options, 0, sizeof(options));
	options.size = sizeof(options); /* root level 0 */
	ap_mapping_t *map;
	require(ap_mapping_create_identity(&options, &map), "create mapping (root level 0)");
	return map;
}

/* Maps gib GiB of pages at BASE; returns the ns it took. The table count
 * proves every leaf table was built (root, one level-1 table, one level-2
 * table per GiB, 512 level-3 tables per GiB, as BASE is 1 GiB aligned). */
static double scale_map(ap_mapping_t *map, uint64_t gib)
{
	ap_region_t region;
	require(ap_region_from_size(BASE, gib * GIB, &region), "region");
	double start = now_ns();
	require(ap_mapping_map_auto(map, &region, normal, AP_CONSTRAINT_NO_BLOCK_MAPPINGS, NULL),
		"map pages (scale)");
	double elapsed = now_ns() - start;
	size_t tables;
	require(ap_mapping_table_count(map, &tables), "table count");
	require_true(tables == 2 + gib + 512 * gib, "S builds 2 + 513 tables per GiB");
	return elapsed;
}

/* Translates SCALE_LOOKUPS random addresses of the mapping; returns the ns.
 * Each result is compared with its address and the levels are summed, so
 * the lookups cannot be dropped as unused, and every one must be a page. */
static double scale_translate(ap_mapping_t *map, uint64_t gib)
{
	uint64_t x = UINT64_C(0x2545f4914f6cdd1d), wrong = 0, levels = 0;
	uint64_t span = gib * GIB; /* a power of two: the sizes are */
	ap_translate_result_t r = {.size = sizeof(r)};
	double start = now_ns();
	for (unsigned i = 0; i < SCALE_LOOKUPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t va = BASE + (x & (span - 1));
		if (ap_mapping_translate(map, va, &r) != AP_OK || r.output_address != va)
			wrong++;
		levels += r.level;
	}
	double elapsed = now_ns() - start;
	require_true(wrong == 0, "S translates every address to itself");
	require_true(levels == 3 * (uint64_t)SCALE_LOOKUPS, "S finds every address in a page");
	return elapsed;
}

/* Times map and translate at each size (median of `runs` after a warm-up
 * run, each run on a fresh mapping that is destroyed untimed) and prints
 * the growth from the smallest size to the largest. */
static void measure_scale(const uint64_t *sizes, size_t count, int runs)
{
	double map_ns[8], lookup_ns[8];
	printf("S    scale: identity EL1&0, root level 0, pages only; median of %d run(s) after a "
	       "warm-up; min, max\n",
	       runs);
	for (size_t s = 0; s < count; s++) {
		uint64_t gib = sizes[s], pages = gib * GIB / AP_PAGE_SIZE;
		require_true(gib && !(gib & (gib - 1)), "S sizes are powers of two");
		double m[MAX_RUNS], t[MAX_RUNS];
		long anon_kib = 0, huge_kib = 0;
		for (int i = -1; i < runs; i++) {
			ap_mapping_t *map = new_map_level0();
			double map_time = scale_map(map, gib);
			/* How the tables are backed (the pool's business, but it
			 * explains the figures): the whole process's anonymous
			 * memory, and how much of it is in transparent huge pages. */
			anon_kib = smaps_kib("Anonymous");
			huge_kib = smaps_kib("AnonHugePages");
			double lookup_time = scale_translate(map, gib);
			require(ap_mapping_destroy(map), "destroy");
			if (i >= 0) { /* run -1 is the warm-up */
				m[i] = map_time / (double)pages;
				t[i] = lookup_time / SCALE_LOOKUPS;
			}
		}
		qsort(m, (size_t)runs, sizeof(m[0]), compare_doubles);
		qsort(t, (size_t)runs, sizeof(t[0]), compare_doubles);
		map_ns[s] = m[runs / 2];
		lookup_ns[s] = t[runs / 2];
		printf("S    map %3" PRIu64 " GiB of pages (%9" PRIu64 " pages) %8.3f ns/page   %8.3f %8.3f\n",
		       gib, pages, map_ns[s], m[0], m[runs - 1]);
		printf("S    translate random in %3" PRIu64 " GiB             %8.3f ns/lookup %8.3f %8.3f\n",
		       gib, lookup_ns[s], t[0], t[runs - 1]);
		printf("S    %3" PRIu64 " GiB: tables %" PRIu64 " KiB; process anonymous memory %ld KiB, "
		       "%ld KiB of it in huge pages\n",
		       gib, (2 + 513 * gib) * AP_PAGE_SIZE / 1024, anon_kib, huge_kib);
		fflush(stdout);
	}
	if (count > 1)
		printf("S    growth %" PRIu64 " GiB / %" PRIu64 " GiB: map %.2fx, translate %.2fx   target < "
		       "1.50x\n",
		       sizes[count - 1], sizes[0], map_ns[count - 1] / map_ns[0],
		       lookup_ns[count - 1] / lookup_ns[0]);
	fflush(stdout);
}

static void measure(const workload_t *w, int runs, double *median)
{
	double ns[MAX_RUNS];
	w->run(); /* warm-up: page faults and caches are not the workload */
	for (int i = 0; i < runs; i++)
		ns[i] = w->run() / w->units;
	qsort(ns, (size_t)runs, sizeof(ns[0]), compare_doubles);
	*median = ns[runs / 2];
	printf("%-4s %-44s %8.3f ns/%-6s %8.3f %8.3f %12.0f %s/s", w->name, w->what, *median,
	       w->unit, ns[0], ns[runs - 1], 1e9 / *median, w->unit);
	if (w->target > 0)
		printf("   target <= %.2f", w->target);
	printf("\n");
	fflush(stdout);
}

/* W1's peak memory against its table bytes. Runs in a fresh process (this
 * program again, with --memory), because the page pool of a process that
 * already built tables would hand back pages that are resident already. */
static int memory_child(void)
{
	/* A small edit first, so that the code and malloc's arena are paged in
	 * before the measurement; its tables stay resident in the pool and are
	 * counted back in below. */
	ap_mapping_t *warm = new_map();
	ap_region_t page = {BASE, AP_PAGE_SIZE};
	require(ap_mapping_map(warm, &page, BASE, normal, AP_CONSTRAINT_NONE, NULL), "warm-up map");
	size_t warm_tables;
	require(ap_mapping_table_count(warm, &warm_tables), "table count");
	require(ap_mapping_destroy(warm), "destroy");

	long before = resident_kib();
	ap_mapping_t *map = new_map();
	map_pages(map);
	long after = resident_kib();
	size_t tables;
	require(ap_mapping_table_count(map, &tables), "table count");
	double table_kib = (double)tables * AP_PAGE_SIZE / 1024.0;
	double grown_kib = (double)(after - before) + (double)warm_tables * AP_PAGE_SIZE / 1024.0;
	printf("MEM  W1 table: %zu tables = %.0f KiB; resident anonymous memory grew %.0f KiB = %.3fx the table "
	       "bytes   target <= 1.10x\n",
	       tables, table_kib, grown_kib, grown_kib / table_kib);
	require(ap_mapping_destroy(map), "destroy");
	return before < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static void measure_memory(void)
{
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		char *args[] = {"bench", "--memory", NULL};
		execv("/proc/self/exe", args);
		_exit(127);
	}
	int status;
	require_true(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
			     WEXITSTATUS(status) == 0,
		     "memory measurement in a fresh process");
}

/* The seven workloads with one granule; names get the suffix (".16K"),
 * and only the 4 KiB rows carry the targets. */
static void measure_granule(uint64_t bytes, int granule, const char *suffix, int runs)
{
	page_bytes = bytes;
	granule_code = granule;
	bool four_k = bytes == 4096;
	char split_what[64];
	snprintf(split_what, sizeof(split_what), "remap %u pages of blocks read-only",
		 (unsigned)SPLIT_PAGES);
	const workload_t workloads[] = {
		{"W1", "map 1 GiB of pages in one call", w1_map_pages, PAGES, "page", 2.2},
		{"W2", four_k ? "remap 16384 pages of 1 GiB blocks read-only" : split_what, w2_split,
		 SPLIT_PAGES, "call", 8},
		{"W3", "map 1 GiB one page per call", w3_map_page_by_page, PAGES, "page", 6},
		{"W4", "modify 1 GiB of pages (set SWFLAG_0)", w4_modify, PAGES, "page", 2.5},
		{"W5", "walk 1 GiB of pages, callback per page", w5_walk, PAGES, "page", 0.55},
		{"W5r", "walk 1 GiB of pages, callback per run", w5_walk_runs, PAGES, "page", 0.55},
		{"W6", "unmap 1 GiB of pages, then compact", w6_unmap_compact, PAGES, "page", 0.45},
		{"W7", "translate 1,000,000 random addresses", w7_translate, LOOKUPS, "lookup", 5},
	};
	walk_map = new_map();
	map_pages(walk_map);
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		workload_t w = workloads[i];
		char name[16];
		snprintf(name, sizeof(name), "%s%s", w.name, suffix);
		w.name = name;
		if (!four_k)
			w.target = 0;
		double median;
		measure(&w, runs, &median);
	}
	require(ap_mapping_destroy(walk_map), "destroy");
	page_bytes = AP_PAGE_SIZE; /* the scale and memory figures are 4 KiB ones */
	granule_code = 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--memory") == 0)
		return memory_child();
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int scale_only = argc > 1 && strcmp(argv[1], "--scale") == 0;
	int runs = quick ? 1 : 7;
	/* --quick proves the scale workload works at small sizes only: the
	 * smoke test must stay fast. */
	static const uint64_t scale_sizes[] = {1, 16, 64}, quick_sizes[] = {1, 2};
	if (scale_only) {
		/* --scale [GIB...]: other sizes (powers of two, at most 8) */
		uint64_t sizes[8];
		size_t count = 0;
		for (int i = 2; i < argc && count < 8; i++)
			sizes[count++] = strtoull(argv[i], NULL, 0);
		if (count)
			measure_scale(sizes, count, SCALE_RUNS);
		else
			measure_scale(scale_sizes, 3, SCALE_RUNS);
		return EXIT_SUCCESS;
	}
	printf("libaarch64paging %s benchmark: median of %d run(s) after a warm-up; min, max\n",
	       ap_version_string(), runs);
	printf("%-4s %-44s %19s %8s %8s %14s\n", "", "workload", "median", "min", "max", "rate");
	measure_granule(4096, 0, "", runs);
#if AP_VERSION_MAJOR > 0 || AP_VERSION_MINOR >= 4
	measure_granule(16384, AP_GRANULE_16K, ".16K", runs);
	measure_granule(65536, AP_GRANULE_64K, ".64K", runs);
#endif
	if (quick)
		measure_scale(quick_sizes, 2, 1);
	else
		measure_scale(scale_sizes, 3, SCALE_RUNS);
	measure_memory();
	return EXIT_SUCCESS;
}
