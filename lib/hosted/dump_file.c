/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The dump written to a stdio stream. */
#include <stdio.h>

#include "../internal.h"

static int write_stream(void *ctx, const char *text, size_t length)
{
	return fwrite(text, 1, length, (FILE *)ctx) == length ? 0 : 1;
}

AP_EXPORT ap_status_t ap_mapping_dump_file(const ap_mapping_t *mapping, FILE *stream)
{
	if (!mapping || !stream)
		return AP_ERR_INVALID_ARGUMENT;
	ap_status_t status = ap_mapping_dump(mapping, write_stream, stream);
	if (status == AP_OK && fflush(stream) != 0)
		status = AP_ERR_WRITE_FAILED;
	return status;
}
