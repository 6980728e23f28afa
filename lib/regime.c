/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Translation regimes: the built-in ones, whose maintenance goes to the arch
 * layer, and caller-defined ones, whose maintenance goes to hooks.
 */
#include "internal.h"
#include "arch/arch.h"

static const ap_regime_t builtin_regimes[] = {
	{AP_REGIME_EL1AND0, true, {0, 0, 0, 0, 0}, 0, 0},
	{AP_REGIME_EL2AND0, true, {0, 0, 0, 0, 0}, 0, 0},
	{AP_REGIME_EL2, true, {0, 0, 0, 0, 0}, 0, 0},
	{AP_REGIME_EL3, true, {0, 0, 0, 0, 0}, 0, 0},
	{AP_REGIME_STAGE2, true, {0, 0, 0, 0, 0}, 0, 0},
};

bool ap__regime_kind_ok(ap_regime_kind_t kind)
{
	return (unsigned)kind <= AP_REGIME_STAGE2;
}

bool ap__regime_has_asid(ap_regime_kind_t kind)
{
	return kind == AP_REGIME_EL1AND0 || kind == AP_REGIME_EL2AND0;
}

AP_EXPORT ap_status_t ap_regime_get(ap_regime_kind_t kind, const ap_regime_t **out)
{
	if (!out || !ap__regime_kind_ok(kind))
		return AP_ERR_INVALID_ARGUMENT;
	*out = &builtin_regimes[kind];
	return AP_OK;
}

AP_EXPORT ap_status_t ap_regime_create(ap_regime_kind_t kind, const ap_regime_hooks_t *hooks,
				       void *ctx, ap_regime_t **out)
{
	ap_regime_hooks_t copy;
	if (!hooks || !out || !ap__regime_kind_ok(kind) || !ap__sized_copy(&copy, sizeof(copy), hooks))
		return AP_ERR_INVALID_ARGUMENT;
	ap_regime_t *regime = ap__object_alloc(sizeof(*regime));
	if (!regime)
		return AP_ERR_NO_MEMORY;
	regime->kind = kind;
	regime->builtin = false;
	regime->hooks = copy;
	regime->ctx = ctx;
	*out = regime;
	return AP_OK;
}

AP_EXPORT ap_status_t ap_regime_destroy(ap_regime_t *regime)
{
	if (!regime || regime->builtin)
		return AP_ERR_INVALID_ARGUMENT;
	if (__atomic_load_n(&regime->users, __ATOMIC_ACQUIRE) != 0)
		return AP_ERR_STILL_ACTIVE;
	ap__object_free(regime);
	return AP_OK;
}

AP_EXPORT ap_status_t ap_regime_get_kind(const ap_regime_t *regime, ap_regime_kind_t *out)
{
	if (!regime || !out)
		return AP_ERR_INVALID_ARGUMENT;
	*out = regime->kind;
	return AP_OK;
}

void ap__regime_acquire(const ap_regime_t *regime)
{
	if (!regime->builtin)
		__atomic_fetch_add(&((ap_regime_t *)regime)->users, 1, __ATOMIC_ACQ_REL);
}

void ap__regime_release(const ap_regime_t *regime)
{
	if (!regime->builtin)
		__atomic_fetch_sub(&((ap_regime_t *)regime)->users, 1, __ATOMIC_ACQ_REL);
}

void ap__regime_invalidate(const ap_regime_t *regime, const ap_invalidation_t *inv)
{
	if (regime->builtin)
		ap__arch_invalidate(regime->kind, inv);
	else if (regime->hooks.invalidate)
		regime->hooks.invalidate(regime->ctx, inv);
}

void ap__regime_barrier(const ap_regime_t *regime)
{
	if (regime->builtin)
		ap__arch_barrier(regime->kind);
	else if (regime->hooks.barrier)
		regime->hooks.barrier(regime->ctx);
}

uint64_t ap__regime_activate(const ap_regime_t *regime, ap_pa_t root, uint16_t asid,
			     ap_va_range_t va_range)
{
	if (regime->builtin)
		return ap__arch_activate(regime->kind, root, asid, va_range);
	if (regime->hooks.activate)
		return regime->hooks.activate(regime->ctx, root, asid, va_range);
	return UINT64_MAX;
}

void ap__regime_deactivate(const ap_regime_t *regime, uint64_t previous, uint16_t asid,
			   ap_va_range_t va_range)
{
	if (regime->builtin)
		ap__arch_deactivate(regime->kind, previous, asid, va_range);
	else if (regime->hooks.deactivate)
		regime->hooks.deactivate(regime->ctx, previous, asid, va_range);
}
