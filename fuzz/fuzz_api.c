/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Differential fuzz target over the public API (libFuzzer).
 *
 * The input bytes choose a mapping (regime, root level, ASID, VA range,
 * translation) and a window of pages in its input range, then a sequence of
 * operations: map (with and without blocks), unmap, map_auto, modify with
 * callbacks that set flags or whole descriptors (forbidden values included),
 * walk, walk_runs, translate, compact, mark_active / mark_inactive and dump.
 * Beside the library runs a page-by-page model of the window.
 *
 * After every step:
 *  - sampled pages (and all pages touched by the step) translate as the
 *    model says; addresses outside the window are unmapped;
 *  - a failed edit left every table byte as it was (a hash of every table
 *    reachable from the root, taken before the edit) and did no maintenance;
 *  - allocations fail when the input says so, and NO_MEMORY only comes after
 *    a failed allocation;
 *  - on a live mapping with the recording regime, every page of the window
 *    that was valid and changed is covered by an invalidation of the
 *    mapping's ASID and VA range, a barrier follows the last invalidation,
 *    and no table is freed while an invalidation is pending;
 *  - at the end the mapping is destroyed and no table is left (caller
 *    translation).
 * Any mismatch aborts with a message.
 *
 * Where the exact outcome is subtle (which live changes break-before-make
 * refuses, whether odd flag bits are accepted), only what is certain is
 * checked: a failure changes nothing, a success agrees with the model.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200112L
#endif
#include <aarch64_paging.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE ((uint64_t)AP_PAGE_SIZE)
#define L2_PAGES 512u
#define WINDOW_MAX 2048u /* pages: 8 MiB, four level-2 blocks */
#define MAX_STEPS 64
#define MAX_TABLES 1024
#define MAX_EVENTS 16384
#define OA_MASK UINT64_C(0x0000fffffffff000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "fuzz_api: ");
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	abort();
}

#define CHECK(cond, ...)                   \
	do {                               \
		if (!(cond))               \
			die(__VA_ARGS__); \
	} while (0)

/* ------------------------------------------------------------ input */

typedef struct input {
	const uint8_t *data;
	size_t size, pos;
} input_t;

static uint8_t u8(input_t *in)
{
	return in->pos < in->size ? in->data[in->pos++] : 0;
}

static uint16_t u16(input_t *in)
{
	return (uint16_t)(u8(in) | (unsigned)u8(in) << 8);
}

static uint64_t u64(input_t *in)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)u8(in) << (8 * i);
	return v;
}

/* ------------------------------------------------------------ world */

typedef struct page {
	bool valid;
	ap_pa_t pa;
	ap_attrs_t flags;
} page_t;

typedef enum tmode { T_CALLER, T_IDENTITY, T_LINEAR, T_TARGET } tmode_t;

typedef struct world {
	ap_regime_kind_t kind;
	tmode_t tmode;
	int64_t linear_offset;
	bool recording; /* the regime records its hooks */
	uint16_t asid;
	ap_va_range_t va_range;
	unsigned root_level;
	uint64_t space_start, space_size; /* the table's input range */
	uint64_t base;                    /* first address of the window */
	unsigned pages;                   /* pages in the window */
	ap_mapping_t *m;
	ap_regime_t *regime;
	unsigned active;
	/* the caller translation */
	void *tables[MAX_TABLES];
	size_t table_count;
	size_t alloc_calls, alloc_ok, frees;
	long fail_after; /* -1: never; else fail once this many succeeded in the step */
	size_t step_alloc_ok;
	/* the recording regime */
	char events[MAX_EVENTS];
	ap_invalidation_t invs[MAX_EVENTS];
	size_t event_count, inv_count;
	bool overflow;
	page_t model[WINDOW_MAX];
	page_t before[WINDOW_MAX];
	page_t scratch[WINDOW_MAX];
	int step;
} world_t;

static world_t W;

static void event(world_t *w, char e)
{
	if (w->event_count < MAX_EVENTS)
		w->events[w->event_count++] = e;
	else
		w->overflow = true;
}

static void *t_allocate(void *ctx, ap_pa_t *pa)
{
	world_t *w = ctx;
	w->alloc_calls++;
	if (w->fail_after >= 0 && w->step_alloc_ok >= (size_t)w->fail_after)
		return NULL;
	if (w->table_count == MAX_TABLES)
		return NULL;
	void *t = NULL;
	if (posix_memalign(&t, AP_PAGE_SIZE, AP_PAGE_SIZE) != 0)
		return NULL;
	memset(t, 0, AP_PAGE_SIZE);
	w->tables[w->table_count++] = t;
	w->alloc_ok++;
	w->step_alloc_ok++;
	*pa = (uint64_t)(uintptr_t)t;
	return t;
}

static void t_free(void *ctx, void *table, ap_pa_t pa)
{
	world_t *w = ctx;
	CHECK(pa == (uint64_t)(uintptr_t)table, "free_table: pa 0x%llx is not the table's",
	      (unsigned long long)pa);
	event(w, 'F');
	for (size_t i = 0; i < w->table_count; i++) {
		if (w->tables[i] == table) {
			w->tables[i] = w->tables[--w->table_count];
			w->frees++;
			free(table);
			return;
		}
	}
	die("free_table of a table this translation does not own");
}

static void *t_p2v(void *ctx, ap_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const ap_translation_ops_t caller_ops = {sizeof(ap_translation_ops_t), t_allocate, t_free,
						 t_p2v};

static void r_invalidate(void *ctx, const ap_invalidation_t *inv)
{
	world_t *w = ctx;
	if (w->inv_count < MAX_EVENTS)
		w->invs[w->inv_count++] = *inv;
	else
		w->overflow = true;
	event(w, 'I');
}

static void r_barrier(void *ctx)
{
	event(ctx, 'B');
}

static uint64_t r_activate(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t va_range)
{
	(void)ctx, (void)root, (void)asid, (void)va_range;
	return 0;
}

static void r_deactivate(void *ctx, uint64_t prev, uint16_t asid, ap_va_range_t va_range)
{
	(void)ctx, (void)prev, (void)asid, (void)va_range;
}

/* ------------------------------------------------------------ table hash */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t hash_table(const world_t *w, ap_pa_t pa, unsigned level, uint64_t h, size_t *count)
{
	uint64_t va = 0;
	CHECK(ap_mapping_pa_to_table(w->m, pa, &va) == AP_OK, "table at 0x%llx unreachable",
	      (unsigned long long)pa);
	const uint64_t *t = (const uint64_t *)(uintptr_t)va;
	(*count)++;
	h = fnv(h, &pa, sizeof(pa));
	h = fnv(h, t, AP_PAGE_SIZE);
	if (level < AP_LEAF_LEVEL)
		for (unsigned i = 0; i < AP_ENTRIES_PER_TABLE; i++)
			if (ap_pte_is_table(t[i], level))
				h = hash_table(w, t[i] & OA_MASK, level + 1, h, count);
	return h;
}

/* Every table byte reachable from the root, with the tables' addresses. */
static uint64_t hash_tables(const world_t *w)
{
	ap_pa_t root;
	size_t count = 0, reported = 0;
	CHECK(ap_mapping_root_address(w->m, &root) == AP_OK, "root address");
	uint64_t h = hash_table(w, root, w->root_level, UINT64_C(0xcbf29ce484222325), &count);
	CHECK(ap_mapping_table_count(w->m, &reported) == AP_OK && reported == count,
	      "table_count says %zu, %zu tables reachable", reported, count);
	return h;
}

/* ------------------------------------------------------------ geometry */

static uint64_t page_va(const world_t *w, unsigned i)
{
	return w->base + (uint64_t)i * PAGE;
}

static bool in_window(const world_t *w, uint64_t va, unsigned *i)
{
	uint64_t off = va - w->base;
	if (off >= (uint64_t)w->pages * PAGE)
		return false;
	*i = (unsigned)(off / PAGE);
	return true;
}

static uint64_t granule(unsigned level)
{
	return AP_GRANULE_AT_LEVEL(level);
}

static ap_attrs_t attr_mask(void)
{
	/* Bit 16 is nT in a block and an address bit in a page: left out. */
	return ~(AP_ATTR_TABLE_OR_PAGE | AP_EL1_NT);
}

/* ------------------------------------------------------------ flags */

static ap_attrs_t safe_flags(const world_t *w, uint64_t r)
{
	ap_attrs_t f;
	if (w->kind == AP_REGIME_STAGE2) {
		f = AP_S2_VALID | AP_S2_ACCESS_FLAG | ((r & 0xf) << 2) | ((r >> 4 & 3) << 6) |
		    ((r >> 6 & 1) ? AP_S2_SH_INNER : 0);
		if (r & 0x80)
			f |= AP_S2_XN;
		f |= ((r >> 8) & 0xf) << 55; /* software flags */
		return f;
	}
	f = AP_EL1_VALID | AP_EL1_ACCESSED | ((r & 7) << 2) | ((r >> 3 & 1) ? AP_EL1_INNER_SHAREABLE : 0);
	if (r & 0x10)
		f |= AP_EL1_READ_ONLY;
	if (r & 0x20)
		f |= (w->kind == AP_REGIME_EL1AND0 || w->kind == AP_REGIME_EL2AND0) ? AP_EL1_USER
										  : AP_EL23_USER_RES1;
	/* PXN (bit 53) exists only where there is an EL0: the EL2 and EL3
	 * formats have one XN, and a map refuses bit 53 there. */
	if ((r & 0x40) && (w->kind == AP_REGIME_EL1AND0 || w->kind == AP_REGIME_EL2AND0))
		f |= AP_EL1_PXN;
	if (r & 0x80)
		f |= AP_EL1_UXN;
	if ((r & 0x100) && w->asid)
		f |= AP_EL1_NON_GLOBAL;
	f |= ((r >> 9) & 0xf) << 55;
	return f;
}

/* Safe flags with one or two arbitrary bits flipped: often refused. */
static ap_attrs_t odd_flags(const world_t *w, uint64_t r)
{
	ap_attrs_t f = safe_flags(w, r);
	f ^= (ap_attrs_t)1 << ((r >> 16) & 63);
	if (r & (UINT64_C(1) << 22))
		f ^= (ap_attrs_t)1 << ((r >> 23) & 63);
	return f;
}

/* ------------------------------------------------------------ checks */

static void check_page(world_t *w, unsigned i, uint64_t offset)
{
	ap_translate_result_t t;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	uint64_t va = page_va(w, i) + (offset & (PAGE - 1));
	ap_status_t s = ap_mapping_translate(w->m, va, &t);
	const page_t *p = &w->model[i];
	if (!p->valid) {
		CHECK(s == AP_ERR_NOT_MAPPED, "step %d: page %u (0x%llx) should be unmapped: %s", w->step,
		      i, (unsigned long long)va, ap_strerror(s));
		return;
	}
	CHECK(s == AP_OK, "step %d: page %u (0x%llx) should be mapped: %s", w->step, i,
	      (unsigned long long)va, ap_strerror(s));
	CHECK(t.output_address == p->pa + (va & (PAGE - 1)),
	      "step %d: page %u (0x%llx) -> 0x%llx, model 0x%llx", w->step, i, (unsigned long long)va,
	      (unsigned long long)t.output_address, (unsigned long long)p->pa);
	CHECK((t.attributes & attr_mask()) == (p->flags & attr_mask()),
	      "step %d: page %u (0x%llx) attributes 0x%llx, model 0x%llx", w->step, i,
	      (unsigned long long)va, (unsigned long long)t.attributes, (unsigned long long)p->flags);
}

static void check_outside(world_t *w, uint64_t va)
{
	unsigned i;
	if (in_window(w, va, &i)) {
		check_page(w, i, va);
		return;
	}
	ap_translate_result_t t;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	ap_status_t s = ap_mapping_translate(w->m, va, &t);
	bool inside = va - w->space_start < w->space_size;
	CHECK(s == (inside ? AP_ERR_NOT_MAPPED : AP_ERR_ADDRESS_RANGE),
	      "step %d: 0x%llx outside the window: %s", w->step, (unsigned long long)va, ap_strerror(s));
}

static void check_all(world_t *w)
{
	for (unsigned i = 0; i < w->pages; i++)
		check_page(w, i, i * 8u);
}

/* The maintenance of one successful step on a live mapping. */
static void check_maintenance(world_t *w)
{
	if (!w->recording || w->overflow)
		return;
	static bool covered[WINDOW_MAX];
	memset(covered, 0, sizeof(covered));
	unsigned __int128 wlo = w->base, whi = wlo + (unsigned __int128)w->pages * PAGE;
	for (size_t k = 0; k < w->inv_count; k++) {
		const ap_invalidation_t *inv = &w->invs[k];
		CHECK(inv->size >= sizeof(ap_invalidation_t), "step %d: short invalidation", w->step);
		CHECK(inv->asid == w->asid && inv->va_range == w->va_range,
		      "step %d: invalidation with asid %u range %d, mapping has %u %d", w->step, inv->asid,
		      inv->va_range, w->asid, w->va_range);
		CHECK(inv->level <= 3 && inv->range_size >= granule(inv->level) &&
			      (inv->range_start & (inv->range_size - 1)) == 0 &&
			      inv->va - inv->range_start < inv->range_size,
		      "step %d: malformed invalidation va 0x%llx level %u range 0x%llx+0x%llx", w->step,
		      (unsigned long long)inv->va, inv->level, (unsigned long long)inv->range_start,
		      (unsigned long long)inv->range_size);
		unsigned __int128 lo = inv->range_start, hi = lo + inv->range_size;
		if (lo < wlo)
			lo = wlo;
		if (hi > whi)
			hi = whi;
		for (unsigned __int128 a = lo; a < hi; a += PAGE)
			covered[(unsigned)((a - wlo) / PAGE)] = true;
	}
	for (unsigned i = 0; i < w->pages; i++) {
		const page_t *o = &w->before[i], *p = &w->model[i];
		bool changed = o->valid && (!p->valid || o->pa != p->pa || o->flags != p->flags);
		CHECK(!changed || covered[i], "step %d: page %u (0x%llx) changed without invalidation",
		      w->step, i, (unsigned long long)page_va(w, i));
	}
	size_t pending = 0, waited_tables = 0, pending_tables = 0, inv = 0;
	for (size_t e = 0; e < w->event_count; e++) {
		switch (w->events[e]) {
		case 'I':
			pending++;
			pending_tables += w->invs[inv++].kind == AP_INVALIDATE_TABLE;
			break;
		case 'B':
			pending = 0;
			waited_tables += pending_tables;
			pending_tables = 0;
			break;
		case 'F':
			CHECK(pending == 0 && waited_tables > 0,
			      "step %d: table freed before its invalidation was waited for", w->step);
			break;
		}
	}
	CHECK(pending == 0, "step %d: invalidation without a barrier after it", w->step);
}

static void check_no_maintenance(world_t *w, const char *why)
{
	for (size_t e = 0; e < w->event_count; e++)
		CHECK(w->events[e] == 'F', "step %d: %s, yet maintenance event %c", w->step, why,
		      w->events[e]);
}

/* ------------------------------------------------------------ modify callback */

typedef struct modify_ctx {
	world_t *w;
	unsigned mode;
	uint64_t seed;
	uint64_t last_start;
	bool started;
	unsigned calls;
} modify_ctx_t;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static uint64_t oa_mask(unsigned level)
{
	return OA_MASK & ~(granule(level) - 1);
}

/* Records what a descriptor now holds into the scratch model, for the
 * pages of the window in region. */
static void record_descriptor(modify_ctx_t *c, const ap_region_t *region, const ap_descriptor_t *d)
{
	world_t *w = c->w;
	unsigned level = ap_descriptor_level(d);
	uint64_t start = region->start & ~(granule(level) - 1);
	bool valid = ap_descriptor_is_valid(d);
	if (valid && level == 0)
		die("step %d: a valid level-0 descriptor left a modify", w->step);
	for (uint64_t off = 0; off < region->size; off += PAGE) {
		unsigned i;
		if (!in_window(w, region->start + off, &i))
			continue;
		page_t *p = &c->w->scratch[i];
		p->valid = valid;
		if (valid) {
			p->pa = ap_descriptor_output_address(d) + (region->start + off - start);
			p->flags = ap_descriptor_flags(d) & ~AP_ATTR_TABLE_OR_PAGE;
		}
	}
}

static int modify_cb(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	modify_ctx_t *c = ctx;
	world_t *w = c->w;
	/* A new pass (the live dry run, then the real one) starts over. */
	if (c->started && region->start <= c->last_start)
		memcpy(w->scratch, w->before, sizeof(page_t) * w->pages);
	c->started = true;
	c->last_start = region->start;
	c->calls++;
	CHECK(region->size > 0 && (region->start & (PAGE - 1)) == 0 && (region->size & (PAGE - 1)) == 0,
	      "step %d: modify region 0x%llx+0x%llx", w->step, (unsigned long long)region->start,
	      (unsigned long long)region->size);

	unsigned level = ap_descriptor_level(d);
	uint64_t bits0 = ap_descriptor_bits(d);
	CHECK(level <= 3 && !ap_descriptor_is_table(d), "step %d: modify on a table (level %u)",
	      w->step, level);
	CHECK(region->size <= granule(level), "step %d: region larger than its descriptor", w->step);
	CHECK(!ap_descriptor_updated(d), "step %d: descriptor updated before the callback", w->step);
	/* The same answer for the same descriptor each time. */
	uint64_t r = mix(c->seed ^ region->start ^ mix(bits0) ^ level);
	bool changed_ok = false;
	ap_status_t s = AP_OK;
	switch (c->mode) {
	case 0: /* a software flag on valid descriptors */
		if (ap_descriptor_is_valid(d)) {
			ap_attrs_t sw = (ap_attrs_t)1 << (55 + (r & 3));
			ap_attrs_t before = ap_descriptor_flags(d);
			s = ap_descriptor_modify_flags(d, sw, 0);
			CHECK(s == AP_OK, "step %d: setting a software flag: %s", w->step, ap_strerror(s));
			CHECK(ap_descriptor_flags(d) == (before | sw), "step %d: modify_flags result",
			      w->step);
			changed_ok = true;
		}
		break;
	case 1: { /* arbitrary set / clear bits, forbidden ones included */
		ap_attrs_t set = (ap_attrs_t)1 << (r & 63), clear = (r & 0x40) ? (ap_attrs_t)1 << ((r >> 8) & 63) : 0;
		if (r & 0x80)
			set = (ap_attrs_t)1 << (55 + ((r >> 16) & 3));
		ap_attrs_t before = ap_descriptor_flags(d);
		ap_pa_t oa = ap_descriptor_output_address(d);
		s = ap_descriptor_modify_flags(d, set, clear);
		if (s == AP_OK) {
			CHECK(ap_descriptor_flags(d) == ((before | set) & ~clear),
			      "step %d: modify_flags(0x%llx, 0x%llx) on 0x%llx gave 0x%llx", w->step,
			      (unsigned long long)set, (unsigned long long)clear, (unsigned long long)before,
			      (unsigned long long)ap_descriptor_flags(d));
			CHECK(ap_descriptor_output_address(d) == oa, "step %d: modify_flags moved the address",
			      w->step);
			changed_ok = true;
		} else {
			CHECK(ap_descriptor_bits(d) == bits0, "step %d: a refused modify_flags changed bits",
			      w->step);
		}
		break;
	}
	case 2:
	case 3: { /* a whole new descriptor: valid (mode 2) or odd (mode 3) */
		ap_attrs_t f = c->mode == 2 ? safe_flags(w, r) : odd_flags(w, r);
		if (level == AP_LEAF_LEVEL && c->mode == 2)
			f |= AP_ATTR_TABLE_OR_PAGE;
		ap_pa_t pa = (r >> 20) & OA_MASK & ~(granule(level) - 1);
		if (r & 1)
			pa = ap_descriptor_output_address(d); /* often the same address */
		s = ap_descriptor_set(d, pa, f);
		if (s == AP_OK) {
			CHECK(ap_descriptor_output_address(d) == (pa & oa_mask(level)) ||
				      !ap_descriptor_is_valid(d),
			      "step %d: set(0x%llx) gave 0x%llx", w->step, (unsigned long long)pa,
			      (unsigned long long)ap_descriptor_output_address(d));
			CHECK((ap_descriptor_flags(d) & attr_mask()) == (f & attr_mask()),
			      "step %d: set flags 0x%llx gave 0x%llx", w->step, (unsigned long long)f,
			      (unsigned long long)ap_descriptor_flags(d));
			CHECK(!(level == 0 && ap_descriptor_is_valid(d)), "step %d: valid level-0 block", w->step);
			CHECK(!(level == 3 && ap_descriptor_is_valid(d) && !(ap_descriptor_bits(d) & AP_ATTR_TABLE_OR_PAGE)),
			      "step %d: reserved level-3 encoding accepted", w->step);
			CHECK(!(level < 3 && (ap_descriptor_bits(d) & 3) == 3),
			      "step %d: set made a table pointer", w->step);
			changed_ok = true;
		} else {
			CHECK(ap_descriptor_bits(d) == bits0, "step %d: a refused set changed bits", w->step);
		}
		break;
	}
	case 4: /* unmap through the callback */
		s = ap_descriptor_set(d, 0, 0);
		if (s == AP_OK) {
			CHECK(!ap_descriptor_is_valid(d), "step %d: set(0, 0) left it valid", w->step);
			changed_ok = true;
		}
		break;
	case 5: /* fail on some descriptors, before touching them */
		if ((r & 7) == 0)
			return 1;
		break;
	default: /* read only */
		break;
	}
	if (changed_ok)
		record_descriptor(c, region, d);
	CHECK(ap_descriptor_updated(d) == (ap_descriptor_bits(d) != bits0) || changed_ok,
	      "step %d: ap_descriptor_updated disagrees", w->step);
	/* A refused change may end the edit (a callback's choice). */
	return s != AP_OK && (r & 0x100) ? 1 : 0;
}

/* ------------------------------------------------------------ walk callbacks */

typedef struct walk_ctx {
	world_t *w;
	uint64_t next; /* where the next region must start */
	uint64_t end_stop; /* stop after this many calls (0: never) */
	uint64_t calls;
} walk_ctx_t;

static void check_descriptor(world_t *w, uint64_t start, uint64_t size, uint64_t bits, unsigned level)
{
	uint64_t dstart = start & ~(granule(level) - 1);
	bool valid = ap_pte_is_valid(bits) && level > 0 && (level < 3 || (bits & AP_ATTR_TABLE_OR_PAGE));
	for (uint64_t off = 0; off < size; off += PAGE) {
		unsigned i;
		if (!in_window(w, start + off, &i)) {
			CHECK(!ap_pte_is_valid(bits), "step %d: walk: valid descriptor outside the window at 0x%llx",
			      w->step, (unsigned long long)(start + off));
			continue;
		}
		const page_t *p = &w->model[i];
		CHECK(p->valid == valid, "step %d: walk: page %u valid %d, model %d", w->step, i, valid, p->valid);
		if (valid) {
			CHECK(ap_pte_output_address(bits, level) + (start + off - dstart) == p->pa,
			      "step %d: walk: page %u address", w->step, i);
			CHECK((ap_pte_flags(bits, level) & attr_mask()) == (p->flags & attr_mask()),
			      "step %d: walk: page %u flags 0x%llx, model 0x%llx", w->step, i,
			      (unsigned long long)ap_pte_flags(bits, level), (unsigned long long)p->flags);
		}
	}
}

static int walk_cb(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level)
{
	walk_ctx_t *c = ctx;
	CHECK(region->start == c->next, "step %d: walk regions not contiguous (0x%llx, expected 0x%llx)",
	      c->w->step, (unsigned long long)region->start, (unsigned long long)c->next);
	CHECK(level <= 3 && !ap_pte_is_table(descriptor, level), "step %d: walk gave a table", c->w->step);
	CHECK(region->size > 0 && region->size <= granule(level), "step %d: walk region size", c->w->step);
	check_descriptor(c->w, region->start, region->size, descriptor, level);
	c->next = region->start + region->size;
	return c->end_stop && ++c->calls >= c->end_stop;
}

static int runs_cb(void *ctx, const ap_region_t *region, const uint64_t *descriptors, size_t count,
		   unsigned level)
{
	walk_ctx_t *c = ctx;
	CHECK(region->start == c->next && count > 0 && level <= 3,
	      "step %d: walk_runs regions not contiguous", c->w->step);
	uint64_t g = granule(level), a = region->start, end = region->start + region->size;
	for (size_t k = 0; k < count; k++) {
		uint64_t dend = (a & ~(g - 1)) + g;
		uint64_t n = (dend - a < end - a || end == a) ? dend - a : end - a;
		if (k + 1 == count)
			CHECK(a + n == end, "step %d: walk_runs: %zu descriptors do not cover the run",
			      c->w->step, count);
		check_descriptor(c->w, a, n, descriptors[k], level);
		a += n;
	}
	c->next = end;
	return c->end_stop && ++c->calls >= c->end_stop;
}

typedef struct dump_ctx {
	size_t bytes;
	int fail_at; /* 0: never */
	int calls;
} dump_ctx_t;

static int dump_write(void *ctx, const char *text, size_t length)
{
	dump_ctx_t *c = ctx;
	CHECK(length == 0 || text != NULL, "dump: NULL text");
	c->bytes += length;
	return c->fail_at && ++c->calls >= c->fail_at;
}

/* ------------------------------------------------------------ steps */

/* Whether the region lies in the table's range and does not wrap. */
static bool region_fits(const world_t *w, const ap_region_t *r)
{
	unsigned __int128 s = r->start & ~(PAGE - 1), e = (unsigned __int128)r->start + r->size;
	unsigned __int128 lo = w->space_start, hi = lo + w->space_size;
	if (e > ((unsigned __int128)1 << 64))
		return false;
	return r->size == 0 || (s >= lo && e <= hi);
}

typedef struct region_choice {
	ap_region_t region;
	unsigned first, count; /* in the window when inside */
	bool inside;           /* wholly inside the window */
} region_choice_t;

static region_choice_t choose_region(world_t *w, input_t *in)
{
	region_choice_t rc;
	memset(&rc, 0, sizeof(rc));
	uint8_t how = u8(in);
	unsigned first = u16(in) % w->pages;
	unsigned count = 1 + u16(in) % (how & 0x10 ? 16 : w->pages);
	if (how & 0x20)
		first &= ~(L2_PAGES - 1);
	if (how & 0x40)
		count = (count + L2_PAGES - 1) & ~(L2_PAGES - 1);
	if ((how & 7) == 7) {
		/* Partly or wholly outside the table's range, or wrapping. */
		uint64_t start = (how & 8) ? w->space_start + w->space_size - PAGE * (u8(in) % 4)
					   : w->space_start - PAGE * (1 + u8(in) % 4);
		if (w->space_start == 0 && !(how & 8))
			start = u64(in) & ~(PAGE - 1);
		uint64_t size = (how & 0x80) ? u64(in) : (uint64_t)(1 + u8(in) % 8) * PAGE;
		rc.region.start = start;
		rc.region.size = size;
		if (region_fits(w, &rc.region)) /* make sure it does not */
			rc.region.size = w->space_start + w->space_size - (start & ~(PAGE - 1)) + PAGE;
		rc.inside = false;
		return rc;
	}
	if (first + count > w->pages)
		count = w->pages - first;
	rc.first = first;
	rc.count = count;
	rc.inside = true;
	rc.region.start = page_va(w, first);
	rc.region.size = (uint64_t)count * PAGE;
	if (getenv("FUZZ_API_DEBUG"))
		fprintf(stderr, " region pages %u+%u\n", first, count);
	/* Unaligned ends: the library rounds out to pages. */
	if (how & 0x80) {
		rc.region.start += 0x10;
		rc.region.size -= 0x20;
	}
	return rc;
}

static void apply_map_to_model(world_t *w, const region_choice_t *rc, ap_pa_t pa, ap_attrs_t flags)
{
	for (unsigned i = rc->first; i < rc->first + rc->count; i++) {
		page_t *p = &w->model[i];
		p->valid = (flags & AP_ATTR_VALID) != 0;
		if (p->valid) {
			p->pa = (pa & ~(PAGE - 1)) + (uint64_t)(i - rc->first) * PAGE;
			p->flags = flags & ~AP_ATTR_TABLE_OR_PAGE;
		}
	}
}

static bool all_invalid(const world_t *w, const region_choice_t *rc)
{
	for (unsigned i = rc->first; i < rc->first + rc->count; i++)
		if (w->model[i].valid)
			return false;
	return true;
}

static void begin_edit(world_t *w)
{
	w->event_count = 0;
	w->inv_count = 0;
	w->overflow = false;
	w->step_alloc_ok = 0;
	memcpy(w->before, w->model, sizeof(page_t) * w->pages);
}

/* After an edit: maintenance on success, nothing changed on failure. */
static void end_edit(world_t *w, ap_status_t s, uint64_t hash_before, size_t calls_before,
		     size_t ok_before, size_t frees_before, const char *what)
{
	if (s == AP_ERR_NO_MEMORY)
		CHECK(w->tmode == T_CALLER && w->alloc_calls - calls_before > w->alloc_ok - ok_before,
		      "step %d: %s: NO_MEMORY without a failed allocation", w->step, what);
	if (s != AP_OK) {
		memcpy(w->model, w->before, sizeof(page_t) * w->pages);
		CHECK(hash_tables(w) == hash_before, "step %d: failed %s (%s) changed the tables",
		      w->step, what, ap_strerror(s));
		check_no_maintenance(w, "failed edit");
		if (w->tmode == T_CALLER)
			CHECK(w->alloc_ok - ok_before == w->frees - frees_before,
			      "step %d: failed %s kept %zu new tables", w->step, what,
			      (w->alloc_ok - ok_before) - (w->frees - frees_before));
		return;
	}
	if (getenv("FUZZ_API_DEBUG"))
		fprintf(stderr, " %s: %s\n", what, ap_strerror(s));
	if (getenv("FUZZ_API_DEBUG"))
		for (size_t k = 0; k < w->inv_count; k++)
			fprintf(stderr, "  inv %s va 0x%llx level %u range 0x%llx+0x%llx\n",
				w->invs[k].kind == AP_INVALIDATE_TABLE ? "TABLE" : "LEAF",
				(unsigned long long)w->invs[k].va, w->invs[k].level,
				(unsigned long long)w->invs[k].range_start, (unsigned long long)w->invs[k].range_size);
	if (w->active)
		check_maintenance(w);
	else if (w->recording)
		check_no_maintenance(w, "inactive mapping");
}

static void step(world_t *w, input_t *in)
{
	uint8_t op = u8(in);
	uint8_t fail = u8(in);
	w->fail_after = (w->tmode == T_CALLER && (fail & 0xc0) == 0xc0) ? (long)(fail & 3) : -1;
	size_t calls0 = w->alloc_calls, ok0 = w->alloc_ok, frees0 = w->frees;
	ap_error_t err;
	memset(&err, 0, sizeof(err));
	err.size = sizeof(err);
	uint64_t h = 0;
	ap_status_t s = AP_OK;
	region_choice_t rc;
	memset(&rc, 0, sizeof(rc));

	switch (op % 12) {
	case 0:
	case 1:
	case 2: { /* map */
		rc = choose_region(w, in);
		uint8_t how = u8(in);
		uint64_t r = u64(in);
		ap_attrs_t flags = (how & 3) == 3 ? odd_flags(w, r) : safe_flags(w, r);
		ap_constraints_t cons = (how & 4) ? AP_CONSTRAINT_NO_BLOCK_MAPPINGS : 0;
		if (how & 8)
			cons |= AP_CONSTRAINT_NO_CONTIGUOUS_HINT;
		if ((how & 0x30) == 0x30)
			cons |= 4u << (how >> 6); /* unknown constraint bits */
		ap_pa_t pa;
		if (how & 0x40)
			pa = u64(in) & ((how & 0x80) ? UINT64_MAX : OA_MASK);
		else
			pa = UINT64_C(0x40000000) * (1 + (r >> 40 & 7)) + (uint64_t)rc.first * PAGE +
			     ((how & 0x80) ? (r >> 50 & 0xf) * PAGE : 0);
		begin_edit(w);
		h = hash_tables(w);
		s = ap_mapping_map(w->m, &rc.region, pa, flags, cons, &err);
		if (s == AP_OK) {
			CHECK(rc.inside, "step %d: map outside the window/range succeeded", w->step);
			CHECK((cons & ~3u) == 0, "step %d: unknown constraint accepted", w->step);
			uint64_t top = (pa & ~(PAGE - 1)) + rc.region.size;
			CHECK(!(flags & AP_ATTR_VALID) || top <= (UINT64_C(1) << 48),
			      "step %d: map output past 2^48 accepted", w->step);
			apply_map_to_model(w, &rc, pa, flags);
		} else if (rc.inside && flags == safe_flags(w, r) && (cons & ~3u) == 0 &&
			   pa < (UINT64_C(1) << 48) && (pa & ~(PAGE - 1)) + (uint64_t)rc.count * PAGE <= (UINT64_C(1) << 48) &&
			   w->fail_after < 0 && (!w->active || all_invalid(w, &rc))) {
			die("step %d: map of pages %u+%u to 0x%llx flags 0x%llx failed: %s", w->step, rc.first,
			    rc.count, (unsigned long long)pa, (unsigned long long)flags, ap_strerror(s));
		}
		end_edit(w, s, h, calls0, ok0, frees0, "map");
		break;
	}
	case 3:
	case 4: /* unmap */
		rc = choose_region(w, in);
		begin_edit(w);
		h = hash_tables(w);
		s = ap_mapping_unmap(w->m, &rc.region, &err);
		if (s == AP_OK) {
			CHECK(rc.inside || region_fits(w, &rc.region),
			      "step %d: unmap outside the range succeeded", w->step);
			if (rc.inside)
				apply_map_to_model(w, &rc, 0, 0);
		} else {
			CHECK(!(rc.inside && !w->active && w->fail_after < 0),
			      "step %d: unmap of pages %u+%u failed: %s", w->step, rc.first, rc.count,
			      ap_strerror(s));
			CHECK(!(rc.inside && all_invalid(w, &rc) && w->fail_after < 0) || s != AP_ERR_BREAK_BEFORE_MAKE,
			      "step %d: unmap of unmapped pages refused", w->step);
		}
		end_edit(w, s, h, calls0, ok0, frees0, "unmap");
		break;
	case 5: { /* map_auto */
		rc = choose_region(w, in);
		uint64_t r = u64(in);
		ap_attrs_t flags = safe_flags(w, r);
		begin_edit(w);
		h = hash_tables(w);
		s = ap_mapping_map_auto(w->m, &rc.region, flags, 0, &err);
		if (w->tmode == T_CALLER || w->tmode == T_TARGET)
			CHECK(s == AP_ERR_UNSUPPORTED || s == AP_ERR_INVALID_ARGUMENT || s == AP_ERR_ADDRESS_RANGE ||
				      s == AP_ERR_REGION_BACKWARDS,
			      "step %d: map_auto on a translation without addresses: %s", w->step,
			      ap_strerror(s));
		if (s == AP_OK) {
			CHECK(rc.inside, "step %d: map_auto outside the window succeeded", w->step);
			uint64_t off = w->tmode == T_LINEAR ? (uint64_t)w->linear_offset : 0;
			apply_map_to_model(w, &rc, page_va(w, rc.first) + off, flags);
		}
		end_edit(w, s, h, calls0, ok0, frees0, "map_auto");
		break;
	}
	case 6:
	case 7: { /* modify */
		rc = choose_region(w, in);
		modify_ctx_t c;
		memset(&c, 0, sizeof(c));
		c.w = w;
		c.mode = u8(in) % 7;
		if (getenv("FUZZ_API_DEBUG"))
			fprintf(stderr, " modify mode %u\n", c.mode);
		c.seed = u64(in);
		begin_edit(w);
		memcpy(w->scratch, w->model, sizeof(page_t) * w->pages);
		h = hash_tables(w);
		s = ap_mapping_modify(w->m, &rc.region, modify_cb, &c, &err);
		if (s == AP_OK) {
			CHECK(rc.inside || region_fits(w, &rc.region), "step %d: modify outside the range succeeded",
			      w->step);
			memcpy(w->model, w->scratch, sizeof(page_t) * w->pages);
			end_edit(w, s, h, calls0, ok0, frees0, "modify");
		} else if (s == AP_ERR_PTE_UPDATE_FAULT && !w->active) {
			/* The reference's rule: what the callback changed stays. */
			memcpy(w->model, w->scratch, sizeof(page_t) * w->pages);
			check_no_maintenance(w, "inactive modify");
		} else {
			CHECK(!(rc.inside && !w->active && w->fail_after < 0 && c.mode != 5),
			      "step %d: modify (mode %u) of pages %u+%u failed: %s", w->step, c.mode, rc.first,
			      rc.count, ap_strerror(s));
			end_edit(w, s, h, calls0, ok0, frees0, "modify");
		}
		break;
	}
	case 8: { /* walk or walk_runs */
		rc = choose_region(w, in);
		walk_ctx_t c;
		memset(&c, 0, sizeof(c));
		c.w = w;
		c.next = rc.region.start & ~(PAGE - 1);
		uint8_t how = u8(in);
		c.end_stop = (how & 0xf0) == 0xf0 ? 1 + (how & 7) : 0;
		h = hash_tables(w);
		if (how & 8)
			s = ap_mapping_walk_runs(w->m, &rc.region, runs_cb, &c, &err);
		else
			s = ap_mapping_walk(w->m, &rc.region, walk_cb, &c, &err);
		CHECK(hash_tables(w) == h, "step %d: a walk changed the tables", w->step);
		if (rc.inside) {
			if (c.end_stop && c.calls >= c.end_stop)
				CHECK(s == AP_ERR_STOPPED, "step %d: stopped walk: %s", w->step, ap_strerror(s));
			else
				CHECK(s == AP_OK && c.next == (uint64_t)((rc.region.start + rc.region.size + PAGE - 1) & ~(PAGE - 1)),
				      "step %d: walk of pages %u+%u: %s, ended at 0x%llx", w->step, rc.first, rc.count,
				      ap_strerror(s), (unsigned long long)c.next);
		}
		break;
	}
	case 9: /* compact */
		begin_edit(w);
		h = hash_tables(w);
		s = ap_mapping_compact(w->m);
		CHECK(s == AP_OK, "step %d: compact: %s", w->step, ap_strerror(s));
		end_edit(w, s, h, calls0, ok0, frees0, "compact");
		break;
	case 10: /* activation */
		if (u8(in) & 1) {
			s = ap_mapping_mark_active(w->m);
			CHECK(s == AP_OK, "step %d: mark_active: %s", w->step, ap_strerror(s));
			w->active++;
		} else {
			s = ap_mapping_mark_inactive(w->m);
			CHECK(s == (w->active ? AP_OK : AP_ERR_NOT_ACTIVE), "step %d: mark_inactive: %s",
			      w->step, ap_strerror(s));
			if (w->active)
				w->active--;
		}
		{
			bool a = false;
			CHECK(ap_mapping_is_active(w->m, &a) == AP_OK && a == (w->active > 0),
			      "step %d: is_active disagrees", w->step);
		}
		break;
	default: { /* dump, translate of arbitrary addresses */
		uint8_t how = u8(in);
		if (how & 1) {
			dump_ctx_t c = {0, (how & 6) == 6 ? 1 + (how >> 4) : 0, 0};
			h = hash_tables(w);
			s = ap_mapping_dump(w->m, dump_write, &c);
			CHECK(s == AP_OK || (c.fail_at && s == AP_ERR_WRITE_FAILED), "step %d: dump: %s",
			      w->step, ap_strerror(s));
			CHECK(hash_tables(w) == h, "step %d: dump changed the tables", w->step);
		} else {
			check_outside(w, u64(in));
		}
		break;
	}
	}
	if (getenv("FUZZ_API_DEBUG"))
		fprintf(stderr, "step %d: op %d region 0x%llx+0x%llx (pages %u+%u%s) active %u fail %ld: %s, %zu invalidations\n",
			w->step, op % 12, (unsigned long long)rc.region.start, (unsigned long long)rc.region.size,
			rc.first, rc.count, rc.inside ? "" : ", outside", w->active, w->fail_after, ap_strerror(s), w->inv_count);
	w->fail_after = -1;
	/* Sampled pages, and the ends of the step's region. */
	if (rc.inside && rc.count) {
		check_page(w, rc.first, 0);
		check_page(w, rc.first + rc.count - 1, PAGE - 8);
		if (rc.first)
			check_page(w, rc.first - 1, 0);
		if (rc.first + rc.count < w->pages)
			check_page(w, rc.first + rc.count, 0);
	}
	for (int k = 0; k < 8; k++)
		check_page(w, (unsigned)(mix((uint64_t)w->step * 8 + k) % w->pages), (uint64_t)k * 8);
}

/* ------------------------------------------------------------ setup */

static bool setup(world_t *w, input_t *in)
{
	uint8_t a = u8(in), b = u8(in);
	w->kind = (ap_regime_kind_t)(a % 5);
	w->root_level = (a >> 3) & 3;
	bool asid_ok = w->kind == AP_REGIME_EL1AND0 || w->kind == AP_REGIME_EL2AND0;
	w->va_range = asid_ok && (a & 0x20) ? AP_VA_RANGE_UPPER : AP_VA_RANGE_LOWER;
	w->asid = asid_ok && (a & 0x40) ? u16(in) : 0;
	w->tmode = (tmode_t)(b & 3);
	w->recording = !(b & 4);
	w->space_size = UINT64_C(1) << (48 - 9 * w->root_level);
	w->space_start = w->va_range == AP_VA_RANGE_UPPER ? 0 - w->space_size : 0;
	w->pages = w->space_size / PAGE < WINDOW_MAX ? (unsigned)(w->space_size / PAGE) : WINDOW_MAX;
	uint64_t wsize = (uint64_t)w->pages * PAGE;
	switch ((b >> 3) & 3) {
	case 0:
		w->base = w->space_start;
		break;
	case 1: /* across a 1 GiB boundary */
		w->base = w->space_size > granule(1) ? w->space_start + granule(1) - wsize / 2 : w->space_start;
		break;
	case 2: /* the top of the range */
		w->base = w->space_start + w->space_size - wsize;
		break;
	default: /* somewhere, 2 MiB aligned */
		w->base = w->space_start +
			  ((u64(in) % (w->space_size - wsize + 1)) & ~(granule(2) - 1));
		break;
	}
	w->linear_offset = 0;
	if (w->tmode == T_LINEAR) {
		/* Tables must land at valid addresses: a small offset. */
		w->linear_offset = (int64_t)((u8(in) % 16) * PAGE) * ((b & 0x80) ? -1 : 1);
	}
	if (w->recording) {
		ap_regime_hooks_t hooks;
		memset(&hooks, 0, sizeof(hooks));
		hooks.size = sizeof(hooks);
		hooks.invalidate = r_invalidate;
		hooks.barrier = r_barrier;
		hooks.activate = r_activate;
		hooks.deactivate = r_deactivate;
		CHECK(ap_regime_create(w->kind, &hooks, w, &w->regime) == AP_OK, "regime_create");
	}
	const ap_regime_t *regime = w->regime;
	if (!regime)
		CHECK(ap_regime_get(w->kind, &regime) == AP_OK, "regime_get");
	ap_mapping_options_t o;
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.regime = regime;
	o.root_level = w->root_level;
	o.asid = w->asid;
	o.va_range = w->va_range;
	ap_status_t s;
	switch (w->tmode) {
	case T_CALLER:
		s = ap_mapping_create(&o, &caller_ops, w, &w->m);
		break;
	case T_IDENTITY:
		s = ap_mapping_create_identity(&o, &w->m);
		break;
	case T_LINEAR:
		s = ap_mapping_create_linear(&o, w->linear_offset, &w->m);
		break;
	default:
		s = ap_mapping_create_target(&o, (uint64_t)(u8(in)) << 20, &w->m);
		break;
	}
	if (s != AP_OK) {
		/* Linear offsets below the pool are refused: not a failure. */
		CHECK(w->tmode == T_LINEAR && s == AP_ERR_BAD_TABLE_ADDRESS, "create (mode %d): %s",
		      (int)w->tmode, ap_strerror(s));
		w->m = NULL;
		return false;
	}
	return true;
}

static void teardown(world_t *w)
{
	if (w->m) {
		if (w->active) {
			CHECK(ap_mapping_destroy(w->m) == AP_ERR_STILL_ACTIVE, "destroy of an active mapping");
			while (w->active) {
				CHECK(ap_mapping_mark_inactive(w->m) == AP_OK, "mark_inactive at the end");
				w->active--;
			}
		}
		CHECK(ap_mapping_destroy(w->m) == AP_OK, "destroy");
	}
	if (w->regime)
		CHECK(ap_regime_destroy(w->regime) == AP_OK, "regime_destroy");
	CHECK(w->table_count == 0 && w->alloc_ok == w->frees, "%zu tables leaked at destroy",
	      w->table_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	world_t *w = &W;
	memset(w, 0, offsetof(world_t, model));
	memset(w->model, 0, sizeof(w->model));
	w->fail_after = -1;
	input_t in = {data, size, 0};
	if (setup(w, &in)) {
		for (w->step = 0; w->step < MAX_STEPS && in.pos < in.size; w->step++)
			step(w, &in);
		check_all(w);
	}
	teardown(w);
	return 0;
}
