/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The public header as strict C99 (-pedantic -Werror), compiled and run,
 * with every AP_*_INIT initialiser in the form the examples use. */
#include <aarch64_paging.h>

int main(void)
{
	ap_error_t err = AP_ERROR_INIT;
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	ap_translate_result_t result = AP_TRANSLATE_RESULT_INIT;
	ap_translation_ops_t ops = AP_TRANSLATION_OPS_INIT;
	ap_regime_hooks_t hooks = AP_REGIME_HOOKS_INIT;
	ap_mapping_t *map;
	int ok = ap_version() == AP_VERSION && ops.size == sizeof(ops) && hooks.size == sizeof(hooks);
	options.root_level = 2;
	ok = ok && ap_mapping_create_identity(&options, &map) == AP_OK;
	ok = ok && ap_mapping_translate(map, UINT64_C(1) << 40, &result) == AP_ERR_ADDRESS_RANGE;
	ap_region_t beyond = {UINT64_C(1) << 40, 4096};
	ok = ok && ap_mapping_unmap(map, &beyond, &err) == AP_ERR_ADDRESS_RANGE &&
	     err.status == AP_ERR_ADDRESS_RANGE;
	ok = ok && ap_mapping_destroy(map) == AP_OK;
	return ok ? 0 : 1;
}
