/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#ifndef FFI_API_H
#define FFI_API_H

#include "scenario.h"

/* Fills @p api with calls through libffi into @p shared_object; -1 if it
 * cannot be loaded. */
int ffi_api_open(api_t *api, const char *shared_object);
/* Frees the closures and unloads the library. */
void ffi_api_close(void);

#endif
