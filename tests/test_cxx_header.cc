/* SPDX-License-Identifier: MIT OR Apache-2.0 */
// The public header as C++: it must compile warning-free and link, and the
// AP_*_INIT initialisers must be usable as they are in C.
#include <aarch64_paging.h>

#include <cstdio>

int main()
{
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = 2;
	ap_error_t err = AP_ERROR_INIT;
	ap_translate_result_t result = AP_TRANSLATE_RESULT_INIT;
	ap_translation_ops_t ops = AP_TRANSLATION_OPS_INIT;
	ap_regime_hooks_t hooks = AP_REGIME_HOOKS_INIT;
	ap_mapping_t *map = nullptr;
	if (ops.size != sizeof(ops) || hooks.size != sizeof(hooks) || err.size != sizeof(err) ||
	    result.size != sizeof(result))
		return 1;
	if (ap_mapping_create_identity(&options, &map) != AP_OK)
		return 1;
	uint64_t size = 0;
	bool ok = ap_mapping_size(map, &size) == AP_OK && size == (UINT64_C(1) << 30);
	ok = ok && ap_mapping_destroy(map) == AP_OK;
	std::printf("C++: %s\n", ok ? "ok" : "failed");
	return ok ? 0 : 1;
}
