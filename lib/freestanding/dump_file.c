/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A freestanding build has no stdio: the symbol stays (the ABI is the same
 * in every build) but only reports that it cannot write. ap_mapping_dump()
 * with a caller's writer works everywhere.
 */
/* Without stdio the header leaves FILE out, so the definition below is the
 * only declaration. */
#define AP_NO_STDIO 1
#include "../internal.h"

/* FILE does not exist here; the parameter is only compared with NULL, and a
 * pointer is passed the same way whatever it points to. */
struct ap_no_file;
AP_EXPORT ap_status_t ap_mapping_dump_file(const ap_mapping_t *mapping, struct ap_no_file *stream);

AP_EXPORT ap_status_t ap_mapping_dump_file(const ap_mapping_t *mapping, struct ap_no_file *stream)
{
	if (!mapping || !stream)
		return AP_ERR_INVALID_ARGUMENT;
	return AP_ERR_UNSUPPORTED;
}
