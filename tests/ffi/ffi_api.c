/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The scenario's table filled the way a dynamic language's FFI does it:
 * every library function is found with dlsym in the dlopen'ed shared object
 * and called through ffi_call with a signature declared here, and every
 * callback handed to the library is a libffi closure whose generic handler
 * unpacks the arguments and runs the scenario's logic.
 */
#include "ffi_api.h"

#include <dlfcn.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>

static void *library;

#define P (&ffi_type_pointer)
#define U64 (&ffi_type_uint64)
#define U32 (&ffi_type_uint32)
#define U16 (&ffi_type_uint16)
#define UINT (&ffi_type_uint)
#define SINT (&ffi_type_sint)
#define SIZE (sizeof(size_t) == 8 ? &ffi_type_uint64 : &ffi_type_uint32)

static void fail(const char *what, const char *name)
{
	fprintf(stderr, "ffi: %s %s\n", what, name);
	exit(1);
}

static void invoke(const char *name, ffi_type *rtype, void *rvalue, unsigned n, ffi_type **types,
		   void **values)
{
	void *fn = dlsym(library, name);
	if (!fn)
		fail("no symbol", name);
	ffi_cif cif;
	if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, n, rtype, types) != FFI_OK)
		fail("cannot describe the call to", name);
	ffi_call(&cif, FFI_FN(fn), rvalue, values);
}

/* Every status-returning call: an enum comes back as an int. */
static ap_status_t status_call(const char *name, unsigned n, ffi_type **types, void **values)
{
	ffi_sarg result = 0;
	invoke(name, SINT, &result, n, types, values);
	return (ap_status_t)(int)result;
}

/* ------------------------------------------------------------ calls */

static ap_status_t f_regime_get(ap_regime_kind_t kind, const ap_regime_t **out)
{
	int k = (int)kind;
	ffi_type *t[] = {SINT, P};
	void *v[] = {&k, &out};
	return status_call("ap_regime_get", 2, t, v);
}

static ap_status_t f_regime_create(ap_regime_kind_t kind, const ap_regime_hooks_t *hooks, void *ctx,
				   ap_regime_t **out)
{
	int k = (int)kind;
	ffi_type *t[] = {SINT, P, P, P};
	void *v[] = {&k, &hooks, &ctx, &out};
	return status_call("ap_regime_create", 4, t, v);
}

static ap_status_t f_regime_destroy(ap_regime_t *regime)
{
	ffi_type *t[] = {P};
	void *v[] = {&regime};
	return status_call("ap_regime_destroy", 1, t, v);
}

static ap_status_t f_mapping_create(const ap_mapping_options_t *options,
				    const ap_translation_ops_t *ops, void *ctx, ap_mapping_t **out)
{
	ffi_type *t[] = {P, P, P, P};
	void *v[] = {&options, &ops, &ctx, &out};
	return status_call("ap_mapping_create", 4, t, v);
}

static ap_status_t f_create_identity(const ap_mapping_options_t *options, ap_mapping_t **out)
{
	ffi_type *t[] = {P, P};
	void *v[] = {&options, &out};
	return status_call("ap_mapping_create_identity", 2, t, v);
}

static ap_status_t f_create_target(const ap_mapping_options_t *options, ap_pa_t base,
				   ap_mapping_t **out)
{
	ffi_type *t[] = {P, U64, P};
	void *v[] = {&options, &base, &out};
	return status_call("ap_mapping_create_target", 3, t, v);
}

static ap_status_t f_destroy(ap_mapping_t *m)
{
	ffi_type *t[] = {P};
	void *v[] = {&m};
	return status_call("ap_mapping_destroy", 1, t, v);
}

static ap_status_t f_region_from_range(uint64_t start, uint64_t end, ap_region_t *out)
{
	ffi_type *t[] = {U64, U64, P};
	void *v[] = {&start, &end, &out};
	return status_call("ap_region_from_range", 3, t, v);
}

static ap_status_t f_map(ap_mapping_t *m, const ap_region_t *r, ap_pa_t pa, ap_attrs_t flags,
			 ap_constraints_t constraints, ap_error_t *err)
{
	ffi_type *t[] = {P, P, U64, U64, U32, P};
	void *v[] = {&m, &r, &pa, &flags, &constraints, &err};
	return status_call("ap_mapping_map", 6, t, v);
}

static ap_status_t f_map_auto(ap_mapping_t *m, const ap_region_t *r, ap_attrs_t flags,
			      ap_constraints_t constraints, ap_error_t *err)
{
	ffi_type *t[] = {P, P, U64, U32, P};
	void *v[] = {&m, &r, &flags, &constraints, &err};
	return status_call("ap_mapping_map_auto", 5, t, v);
}

static ap_status_t f_unmap(ap_mapping_t *m, const ap_region_t *r, ap_error_t *err)
{
	ffi_type *t[] = {P, P, P};
	void *v[] = {&m, &r, &err};
	return status_call("ap_mapping_unmap", 3, t, v);
}

static ap_status_t f_modify(ap_mapping_t *m, const ap_region_t *r, ap_modify_fn fn, void *ctx,
			    ap_error_t *err)
{
	ffi_type *t[] = {P, P, P, P, P};
	void *v[] = {&m, &r, &fn, &ctx, &err};
	return status_call("ap_mapping_modify", 5, t, v);
}

static ap_status_t f_modify_flags(ap_descriptor_t *d, ap_attrs_t set, ap_attrs_t clear)
{
	ffi_type *t[] = {P, U64, U64};
	void *v[] = {&d, &set, &clear};
	return status_call("ap_descriptor_modify_flags", 3, t, v);
}

static uint64_t f_descriptor_bits(const ap_descriptor_t *d)
{
	uint64_t bits = 0;
	ffi_type *t[] = {P};
	void *v[] = {&d};
	invoke("ap_descriptor_bits", U64, &bits, 1, t, v);
	return bits;
}

static ap_status_t f_walk(const ap_mapping_t *m, const ap_region_t *r, ap_walk_fn fn, void *ctx,
			  ap_error_t *err)
{
	ffi_type *t[] = {P, P, P, P, P};
	void *v[] = {&m, &r, &fn, &ctx, &err};
	return status_call("ap_mapping_walk", 5, t, v);
}

static ap_status_t f_walk_runs(const ap_mapping_t *m, const ap_region_t *r, ap_walk_run_fn fn,
			       void *ctx, ap_error_t *err)
{
	ffi_type *t[] = {P, P, P, P, P};
	void *v[] = {&m, &r, &fn, &ctx, &err};
	return status_call("ap_mapping_walk_runs", 5, t, v);
}

static ap_status_t f_compact(ap_mapping_t *m)
{
	ffi_type *t[] = {P};
	void *v[] = {&m};
	return status_call("ap_mapping_compact", 1, t, v);
}

static ap_status_t f_translate(const ap_mapping_t *m, ap_va_t va, ap_translate_result_t *result)
{
	ffi_type *t[] = {P, U64, P};
	void *v[] = {&m, &va, &result};
	return status_call("ap_mapping_translate", 3, t, v);
}

static ap_status_t f_activate(ap_mapping_t *m, uint64_t *previous)
{
	ffi_type *t[] = {P, P};
	void *v[] = {&m, &previous};
	return status_call("ap_mapping_activate", 2, t, v);
}

static ap_status_t f_deactivate(ap_mapping_t *m, uint64_t previous)
{
	ffi_type *t[] = {P, U64};
	void *v[] = {&m, &previous};
	return status_call("ap_mapping_deactivate", 2, t, v);
}

static ap_status_t f_image_size(const ap_mapping_t *m, size_t *bytes)
{
	ffi_type *t[] = {P, P};
	void *v[] = {&m, &bytes};
	return status_call("ap_target_image_size", 2, t, v);
}

static ap_status_t f_image_write(const ap_mapping_t *m, void *buf, size_t size)
{
	ffi_type *t[] = {P, P, SIZE};
	void *v[] = {&m, &buf, &size};
	return status_call("ap_target_image_write", 3, t, v);
}

static ap_status_t f_dump(const ap_mapping_t *m, ap_write_fn write, void *ctx)
{
	ffi_type *t[] = {P, P, P};
	void *v[] = {&m, &write, &ctx};
	return status_call("ap_mapping_dump", 3, t, v);
}

static ap_status_t f_translation_control(const ap_mapping_t *m, ap_translation_control_t *out)
{
	ffi_type *t[] = {P, P};
	void *v[] = {&m, &out};
	return status_call("ap_mapping_translation_control", 2, t, v);
}

/* ------------------------------------------------------------ closures */

/* Generic handlers: each unpacks libffi's argument array and runs the
 * logic; the library only ever sees the closures' code addresses. */
#define ARG(type, i) (*(type *)args[i])

static void h_allocate(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(void **)ret = logic_allocate(ARG(void *, 0), ARG(ap_pa_t *, 1));
}

static void h_free(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)ret, (void)user;
	logic_free(ARG(void *, 0), ARG(void *, 1), ARG(ap_pa_t, 2));
}

static void h_to_virtual(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(void **)ret = logic_to_virtual(ARG(void *, 0), ARG(ap_pa_t, 1));
}

static void h_allocate_tables(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(void **)ret = logic_allocate_tables(ARG(void *, 0), ARG(size_t, 1), ARG(ap_pa_t *, 2));
}

static void h_free_tables(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)ret, (void)user;
	logic_free_tables(ARG(void *, 0), ARG(void *, 1), ARG(ap_pa_t, 2), ARG(size_t, 3));
}

/* The two modify callbacks share a signature; user data picks the logic. */
static void h_modify(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif;
	ap_modify_fn logic = *(ap_modify_fn *)user;
	*(ffi_sarg *)ret = logic(ARG(void *, 0), ARG(const ap_region_t *, 1),
				 ARG(ap_descriptor_t *, 2));
}

static void h_walk(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(ffi_sarg *)ret = logic_record_walk(ARG(void *, 0), ARG(const ap_region_t *, 1),
					     ARG(uint64_t, 2), ARG(unsigned, 3));
}

static void h_runs(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(ffi_sarg *)ret = logic_record_runs(ARG(void *, 0), ARG(const ap_region_t *, 1),
					     ARG(const uint64_t *, 2), ARG(size_t, 3),
					     ARG(unsigned, 4));
}

static void h_text(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(ffi_sarg *)ret = logic_record_text(ARG(void *, 0), ARG(const char *, 1), ARG(size_t, 2));
}

static void h_invalidate(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)ret, (void)user;
	logic_invalidate(ARG(void *, 0), ARG(const ap_invalidation_t *, 1));
}

static void h_barrier(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)ret, (void)user;
	logic_barrier(ARG(void *, 0));
}

static void h_activate(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)user;
	*(uint64_t *)ret = logic_activate(ARG(void *, 0), ARG(ap_pa_t, 1), ARG(uint16_t, 2),
					  (ap_va_range_t)ARG(int, 3));
}

static void h_deactivate(ffi_cif *cif, void *ret, void **args, void *user)
{
	(void)cif, (void)ret, (void)user;
	logic_deactivate(ARG(void *, 0), ARG(uint64_t, 1), ARG(uint16_t, 2),
			 (ap_va_range_t)ARG(int, 3));
}

typedef struct closure {
	ffi_cif cif;
	ffi_type *types[5];
	ffi_closure *closure;
	void *code;
} closure_t;

static closure_t closures[20];
static unsigned closure_count;

static void *make_closure(void (*handler)(ffi_cif *, void *, void **, void *), void *user,
			  ffi_type *rtype, unsigned n, ffi_type *t0, ffi_type *t1, ffi_type *t2,
			  ffi_type *t3, ffi_type *t4)
{
	closure_t *c = &closures[closure_count++];
	ffi_type *types[5] = {t0, t1, t2, t3, t4};
	for (unsigned i = 0; i < 5; i++)
		c->types[i] = types[i];
	c->closure = ffi_closure_alloc(sizeof(ffi_closure), &c->code);
	if (!c->closure || ffi_prep_cif(&c->cif, FFI_DEFAULT_ABI, n, rtype, c->types) != FFI_OK ||
	    ffi_prep_closure_loc(c->closure, &c->cif, handler, user, c->code) != FFI_OK)
		fail("cannot make a closure", "");
	return c->code;
}

/* ------------------------------------------------------------ the table */

static ap_modify_fn modify_logic[2] = {logic_make_read_only, logic_refuse};

int ffi_api_open(api_t *api, const char *shared_object)
{
	library = dlopen(shared_object, RTLD_NOW | RTLD_LOCAL);
	if (!library) {
		fprintf(stderr, "ffi: %s\n", dlerror());
		return -1;
	}
	api->regime_get = f_regime_get;
	api->regime_create = f_regime_create;
	api->regime_destroy = f_regime_destroy;
	api->mapping_create = f_mapping_create;
	api->create_identity = f_create_identity;
	api->create_target = f_create_target;
	api->destroy = f_destroy;
	api->region_from_range = f_region_from_range;
	api->map = f_map;
	api->map_auto = f_map_auto;
	api->unmap = f_unmap;
	api->modify = f_modify;
	api->modify_flags = f_modify_flags;
	api->descriptor_bits = f_descriptor_bits;
	api->walk = f_walk;
	api->walk_runs = f_walk_runs;
	api->compact = f_compact;
	api->translate = f_translate;
	api->activate = f_activate;
	api->deactivate = f_deactivate;
	api->image_size = f_image_size;
	api->image_write = f_image_write;
	api->dump = f_dump;
	api->translation_control = f_translation_control;

	api->arena_ops.size = sizeof(api->arena_ops);
	api->arena_ops.allocate_table = (void *(*)(void *, ap_pa_t *))make_closure(
		h_allocate, NULL, P, 2, P, P, NULL, NULL, NULL);
	api->arena_ops.free_table = (void (*)(void *, void *, ap_pa_t))make_closure(
		h_free, NULL, &ffi_type_void, 3, P, P, U64, NULL, NULL);
	api->arena_ops.physical_to_virtual = (void *(*)(void *, ap_pa_t))make_closure(
		h_to_virtual, NULL, P, 2, P, U64, NULL, NULL, NULL);
	api->arena_ops.allocate_tables = (void *(*)(void *, size_t, ap_pa_t *))make_closure(
		h_allocate_tables, NULL, P, 3, P, SIZE, P, NULL, NULL);
	api->arena_ops.free_tables = (void (*)(void *, void *, ap_pa_t, size_t))make_closure(
		h_free_tables, NULL, &ffi_type_void, 4, P, P, U64, SIZE, NULL);
	api->make_read_only = (ap_modify_fn)make_closure(h_modify, &modify_logic[0], SINT, 3, P,
							 P, P, NULL, NULL);
	api->refuse = (ap_modify_fn)make_closure(h_modify, &modify_logic[1], SINT, 3, P, P, P,
						 NULL, NULL);
	api->record_walk = (ap_walk_fn)make_closure(h_walk, NULL, SINT, 4, P, P, U64, UINT, NULL);
	api->record_runs = (ap_walk_run_fn)make_closure(h_runs, NULL, SINT, 5, P, P, P, SIZE, UINT);
	api->record_text = (ap_write_fn)make_closure(h_text, NULL, SINT, 3, P, P, SIZE, NULL, NULL);
	api->recording_hooks.size = sizeof(api->recording_hooks);
	api->recording_hooks.invalidate = (void (*)(void *, const ap_invalidation_t *))make_closure(
		h_invalidate, NULL, &ffi_type_void, 2, P, P, NULL, NULL, NULL);
	api->recording_hooks.barrier = (void (*)(void *))make_closure(
		h_barrier, NULL, &ffi_type_void, 1, P, NULL, NULL, NULL, NULL);
	api->recording_hooks.activate = (uint64_t(*)(void *, ap_pa_t, uint16_t, ap_va_range_t))
		make_closure(h_activate, NULL, U64, 4, P, U64, U16, SINT, NULL);
	api->recording_hooks.deactivate = (void (*)(void *, uint64_t, uint16_t, ap_va_range_t))
		make_closure(h_deactivate, NULL, &ffi_type_void, 4, P, U64, U16, SINT, NULL);
	return 0;
}

void ffi_api_close(void)
{
	for (unsigned i = 0; i < closure_count; i++)
		ffi_closure_free(closures[i].closure);
	closure_count = 0;
	if (library)
		dlclose(library);
	library = NULL;
}
