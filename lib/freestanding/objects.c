/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Library objects in a freestanding build, which has no malloc: a fixed
 * pool of slots, each big enough for a mapping, a regime or the state of a
 * built-in translation (a target image's slot array included, which limits
 * such an image to 48 slots of 4 KiB: 48 tables of 4 KiB, 3 of 64 KiB).
 * A mapping with its geometry takes about 300 bytes. Its size is a build-time choice
 * (AP_MAX_OBJECTS); when it is used up, creating a mapping or a regime
 * reports AP_ERR_NO_MEMORY.
 */
#include "../internal.h"
#include "fixed_pool.h"

#ifndef AP_MAX_OBJECTS
#define AP_MAX_OBJECTS 64
#endif

#define SLOT_BYTES 384

/* Fails to compile if an object outgrows its slot. */
typedef char mapping_fits_in_a_slot[sizeof(struct ap_mapping) <= SLOT_BYTES ? 1 : -1];
typedef char regime_fits_in_a_slot[sizeof(struct ap_regime) <= SLOT_BYTES ? 1 : -1];

typedef union slot {
	unsigned char bytes[SLOT_BYTES];
	uint64_t align;
	void *align_pointer;
} slot_t;

static slot_t slots[AP_MAX_OBJECTS];
static bool slot_used[AP_MAX_OBJECTS];

void *ap__object_alloc(size_t size)
{
	if (size > SLOT_BYTES)
		return NULL;
	return fixed_pool_take(slots, slot_used, AP_MAX_OBJECTS, sizeof(slot_t));
}

void ap__object_free(void *object)
{
	fixed_pool_give(slots, slot_used, AP_MAX_OBJECTS, sizeof(slot_t), object);
}
