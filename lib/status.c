/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Status names, the library version, and the size-field convention. */
#include "internal.h"

AP_EXPORT const char *ap_strerror(ap_status_t status)
{
	switch (status) {
	case AP_OK: return "success";
	case AP_ERR_ADDRESS_RANGE: return "address out of the table's range";
	case AP_ERR_INVALID_VIRTUAL_ADDRESS: return "address has no output address in this translation";
	case AP_ERR_REGION_BACKWARDS: return "region ends before it starts";
	case AP_ERR_PTE_UPDATE_FAULT: return "callback reported an error for a descriptor";
	case AP_ERR_INVALID_FLAGS: return "attribute flags not allowed here";
	case AP_ERR_BREAK_BEFORE_MAKE: return "change needs break-before-make on a live table";
	case AP_ERR_NO_MEMORY: return "out of memory for tables";
	case AP_ERR_INVALID_ARGUMENT: return "invalid argument";
	case AP_ERR_STILL_ACTIVE: return "still active or in use";
	case AP_ERR_NOT_ACTIVE: return "not active";
	case AP_ERR_UNSUPPORTED: return "not supported by this regime or translation";
	case AP_ERR_BAD_TABLE_ADDRESS: return "table address does not translate back";
	case AP_ERR_NOT_MAPPED: return "address not mapped";
	case AP_ERR_BUFFER_TOO_SMALL: return "buffer too small";
	case AP_ERR_WRITE_FAILED: return "writer reported an error";
	case AP_ERR_STOPPED: return "walk stopped by its callback";
	case AP_ERR_MALFORMED_TABLE: return "table reached twice in one walk (loop or shared subtable)";
	case AP_ERR_READ_ONLY: return "mapping opened read-only";
	}
	return "unknown status";
}

AP_EXPORT uint32_t ap_version(void)
{
	return AP_VERSION;
}

AP_EXPORT const char *ap_version_string(void)
{
	return AP_VERSION_STRING;
}

bool ap__sized_copy(void *dst, size_t dst_size, const void *src)
{
	size_t size = *(const size_t *)src;
	if (size < sizeof(size_t) || size > dst_size)
		return false;
	__builtin_memset(dst, 0, dst_size);
	__builtin_memcpy(dst, src, size);
	return true;
}

void ap__sized_store(void *dst, const void *src, size_t src_size)
{
	size_t size = *(const size_t *)dst;
	if (size > src_size)
		size = src_size;
	/* The caller's size field stays as the caller set it. */
	__builtin_memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
			 size - sizeof(size_t));
}
