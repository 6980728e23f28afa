/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The parts of the walker that are not inline: the set of tables a walk of
 * adopted tables has met. Tables the library built form a tree; tables it
 * adopted may share subtables or point back at an ancestor, and a walk over
 * a range would then visit the same entries again and again (512 times per
 * level, or forever in effect). A table met twice ends the walk instead.
 */
#include "walk.h"
#include "page_pool.h"

/* An open-addressing hash set of table addresses (page aligned, never 0
 * since 0 marks a free slot: a table at physical 0 is kept apart). */
struct table_set {
	size_t capacity; /* a power of two */
	size_t count;
	bool has_zero;
	bool in_page; /* from the page pool, not the object allocator */
	ap_pa_t slots[];
};

/* A set from the object allocator, or from a page of the page pool when
 * that has no room (a freestanding build's objects are small), so that
 * about 250 tables can be tracked there too. */
static table_set_t *set_new(size_t capacity)
{
	size_t bytes = sizeof(table_set_t) + capacity * sizeof(ap_pa_t);
	table_set_t *set = ap__object_alloc(bytes);
	bool in_page = !set && bytes <= AP_PAGE_SIZE;
	if (in_page)
		set = ap__page_alloc(); /* zeroed */
	if (set) {
		set->capacity = capacity;
		set->in_page = in_page;
	}
	return set;
}

static void set_free(table_set_t *set)
{
	if (set->in_page)
		ap__page_free(set);
	else
		ap__object_free(set);
}

static size_t slot_of(const table_set_t *set, ap_pa_t pa)
{
	uint64_t h = (pa >> AP_PAGE_SHIFT) * UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 32) & (set->capacity - 1);
}

/* Adds pa; false when it was there already. */
static bool set_add(table_set_t *set, ap_pa_t pa)
{
	if (pa == 0) {
		bool fresh = !set->has_zero;
		set->has_zero = true;
		return fresh;
	}
	size_t i = slot_of(set, pa);
	while (set->slots[i] != 0) {
		if (set->slots[i] == pa)
			return false;
		i = (i + 1) & (set->capacity - 1);
	}
	set->slots[i] = pa;
	set->count++;
	return true;
}

/* Doubles the set once it is half full, so that probes stay short. */
static bool set_grow(walk_t *w)
{
	table_set_t *old = w->seen;
	if (old && old->count * 2 < old->capacity)
		return true;
	table_set_t *set = set_new(old ? old->capacity * 2 : 16);
	if (!set)
		return false;
	if (old) {
		set->has_zero = old->has_zero;
		for (size_t i = 0; i < old->capacity; i++)
			if (old->slots[i])
				set_add(set, old->slots[i]);
		set_free(old);
	}
	w->seen = set;
	return true;
}

void ap__walk_begin(walk_t *w, const ap_mapping_t *m, error_detail_t *detail)
{
	w->m = m;
	w->detail = detail;
	w->into = NULL;
	w->seen = NULL;
	w->check_sharing = m->adopted;
	/* A table pointing back at the root is met twice too. Should there be
	 * no memory for the set now, the first table noted tries again and
	 * reports it. */
	if (w->check_sharing)
		(void)ap__walk_note_table(w, m->root_pa);
}

void ap__walk_end(walk_t *w)
{
	if (w->seen)
		set_free(w->seen);
	w->seen = NULL;
}

ap_status_t ap__walk_note_table(walk_t *w, ap_pa_t pa)
{
	if (!set_grow(w))
		return AP_ERR_NO_MEMORY;
	if (set_add(w->seen, pa))
		return AP_OK;
	w->detail->address = pa;
	return AP_ERR_MALFORMED_TABLE;
}
