/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* The scenario's table filled with the library's functions, called as C
 * programs call them, and plain C callbacks. */
#include "scenario.h"

void direct_api(api_t *api)
{
	api->regime_get = ap_regime_get;
	api->regime_create = ap_regime_create;
	api->regime_destroy = ap_regime_destroy;
	api->mapping_create = ap_mapping_create;
	api->create_identity = ap_mapping_create_identity;
	api->create_target = ap_mapping_create_target;
	api->destroy = ap_mapping_destroy;
	api->region_from_range = ap_region_from_range;
	api->map = ap_mapping_map;
	api->map_auto = ap_mapping_map_auto;
	api->unmap = ap_mapping_unmap;
	api->modify = ap_mapping_modify;
	api->modify_flags = ap_descriptor_modify_flags;
	api->descriptor_bits = ap_descriptor_bits;
	api->walk = ap_mapping_walk;
	api->walk_runs = ap_mapping_walk_runs;
	api->compact = ap_mapping_compact;
	api->translate = ap_mapping_translate;
	api->activate = ap_mapping_activate;
	api->deactivate = ap_mapping_deactivate;
	api->image_size = ap_target_image_size;
	api->image_write = ap_target_image_write;
	api->dump = ap_mapping_dump;
	api->translation_control = ap_mapping_translation_control;

	api->arena_ops.size = sizeof(api->arena_ops);
	api->arena_ops.allocate_table = logic_allocate;
	api->arena_ops.free_table = logic_free;
	api->arena_ops.physical_to_virtual = logic_to_virtual;
	api->arena_ops.allocate_tables = logic_allocate_tables;
	api->arena_ops.free_tables = logic_free_tables;
	api->make_read_only = logic_make_read_only;
	api->refuse = logic_refuse;
	api->record_walk = logic_record_walk;
	api->record_runs = logic_record_runs;
	api->record_text = logic_record_text;
	api->recording_hooks.size = sizeof(api->recording_hooks);
	api->recording_hooks.invalidate = logic_invalidate;
	api->recording_hooks.barrier = logic_barrier;
	api->recording_hooks.activate = logic_activate;
	api->recording_hooks.deactivate = logic_deactivate;
}
