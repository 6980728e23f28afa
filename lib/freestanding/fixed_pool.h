/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A fixed array of equal slots with a used flag each: what a freestanding
 * build has in place of malloc. Taking a slot is a test-and-set on its flag,
 * so concurrent callers never get the same slot.
 */
#ifndef AP_FIXED_POOL_H
#define AP_FIXED_POOL_H

#include "../internal.h"

/* A zeroed free slot of @p count slots of @p stride bytes at @p base, or NULL. */
static inline void *fixed_pool_take(void *base, bool *used, size_t count, size_t stride)
{
	for (size_t i = 0; i < count; i++) {
		if (!__atomic_test_and_set(&used[i], __ATOMIC_ACQUIRE)) {
			void *slot = (unsigned char *)base + i * stride;
			__builtin_memset(slot, 0, stride);
			return slot;
		}
	}
	return NULL;
}

/* Gives a slot back. Compared as integers: pointers outside the pool (NULL
 * among them) are ignored, as free() ignores NULL. */
static inline void fixed_pool_give(void *base, bool *used, size_t count, size_t stride,
				   void *slot)
{
	uintptr_t offset = (uintptr_t)slot - (uintptr_t)base;
	if ((uintptr_t)slot >= (uintptr_t)base && offset < count * stride)
		__atomic_clear(&used[offset / stride], __ATOMIC_RELEASE);
}

#endif
