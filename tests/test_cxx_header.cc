/* SPDX-License-Identifier: MIT OR Apache-2.0 */
// The public header as C++: it must compile warning-free and link.
#include <aarch64_paging.h>

#include <cstdio>

int main()
{
	ap_mapping_options_t options = {sizeof(options), nullptr, 2, 0, AP_VA_RANGE_LOWER};
	ap_mapping_t *map = nullptr;
	if (ap_mapping_create_identity(&options, &map) != AP_OK)
		return 1;
	uint64_t size = 0;
	bool ok = ap_mapping_size(map, &size) == AP_OK && size == (UINT64_C(1) << 30);
	ok = ok && ap_mapping_destroy(map) == AP_OK;
	std::printf("C++: %s\n", ok ? "ok" : "failed");
	return ok ? 0 : 1;
}
