/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Library objects come from the C heap in hosted builds. */
#include <stdlib.h>

#include "../internal.h"

void *ap__object_alloc(size_t size)
{
	return calloc(1, size);
}

void ap__object_free(void *object)
{
	free(object);
}
