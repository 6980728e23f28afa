# SPDX-License-Identifier: MIT OR Apache-2.0
"""Translation regimes: the built-in ones and custom ones with Python hooks."""
import ctypes
from collections import namedtuple

from . import _lib
from .errors import check

EL1AND0, EL2AND0, EL2, EL3, STAGE2 = 0, 1, 2, 3, 4

#: One TLB invalidation a custom regime's ``invalidate`` hook receives.
Invalidation = namedtuple("Invalidation", "va level kind asid va_range range_start range_size granule")


class Regime:
    """A regime. ``Regime.get(kind)`` gives a built-in one (never released);
    ``Regime.create(kind, hooks)`` a custom one whose maintenance runs the
    Python hooks (see :class:`RegimeHooks`)."""

    def __init__(self, handle, kind, owned, hooks=None):
        self._handle = handle
        self.kind = kind
        self._owned = owned
        self.hooks = hooks
        self._callbacks = None  # the ctypes function objects, kept alive

    @property
    def handle(self):
        """The ap_regime_t pointer as an integer."""
        return self._handle

    @classmethod
    def get(cls, kind):
        """The built-in regime of @p kind (EL1AND0, EL2AND0, EL2, EL3, STAGE2)."""
        out = ctypes.c_void_p()
        check(_lib.lib.ap_regime_get(kind, ctypes.byref(out)))
        return cls(out.value, kind, False)

    @classmethod
    def create(cls, kind, hooks):
        """A regime behaving like @p kind whose maintenance calls @p hooks.

        @p hooks is any object; of its methods ``invalidate(inv)``,
        ``barrier()``, ``activate(root, asid, va_range) -> previous ttbr`` and
        ``deactivate(previous_ttbr, asid, va_range)`` those present are
        installed, the others are left NULL (skipped by the library).
        An exception in a hook is printed by ctypes and stored in
        ``regime.hook_errors``; the library cannot be told of it.
        """
        regime = cls(None, kind, True, hooks)
        regime.hook_errors = []
        c_hooks = _lib.sized(_lib.RegimeHooks)
        callbacks = []

        def guard(fn, default=None):
            def wrapper(*args):
                try:
                    return fn(*args)
                except BaseException as exc:  # recorded, not lost
                    regime.hook_errors.append(exc)
                    return default
            return wrapper

        if hasattr(hooks, "invalidate"):
            def invalidate(_ctx, inv):
                i = inv.contents
                hooks.invalidate(Invalidation(i.va, i.level, i.kind, i.asid, i.va_range,
                                              i.range_start, i.range_size, i.granule))
            c_hooks.invalidate = _lib.INVALIDATE_FN(guard(invalidate))
            callbacks.append(c_hooks.invalidate)
        if hasattr(hooks, "barrier"):
            c_hooks.barrier = _lib.BARRIER_FN(guard(lambda _ctx: hooks.barrier()))
            callbacks.append(c_hooks.barrier)
        if hasattr(hooks, "activate"):
            def activate(_ctx, root, asid, va_range):
                return int(hooks.activate(root, asid, va_range) or 0)
            c_hooks.activate = _lib.ACTIVATE_FN(guard(activate, 0))
            callbacks.append(c_hooks.activate)
        if hasattr(hooks, "deactivate"):
            c_hooks.deactivate = _lib.DEACTIVATE_FN(
                guard(lambda _ctx, prev, asid, rng: hooks.deactivate(prev, asid, rng)))
            callbacks.append(c_hooks.deactivate)
        out = ctypes.c_void_p()
        check(_lib.lib.ap_regime_create(kind, ctypes.byref(c_hooks), None, ctypes.byref(out)))
        regime._handle = out.value
        regime._callbacks = callbacks
        return regime

    def get_kind(self):
        """The kind the library reports for this regime."""
        out = ctypes.c_int()
        check(_lib.lib.ap_regime_get_kind(self._handle, ctypes.byref(out)))
        return out.value

    def close(self):
        """Releases a custom regime (StillActiveError while a mapping uses it).
        Does nothing for built-in regimes."""
        if self._owned and self._handle:
            check(_lib.lib.ap_regime_destroy(self._handle))
            self._handle = None
            self._callbacks = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            if self._owned and self._handle:
                _lib.lib.ap_regime_destroy(self._handle)
        except Exception:
            pass


class RegimeHooks:
    """A base for hooks that records what the library asks for:
    ``invalidations`` (Invalidation tuples), ``barriers`` (a count),
    ``activations`` and ``deactivations``. ``activate`` returns
    ``previous_ttbr``."""

    def __init__(self, previous_ttbr=0):
        self.invalidations = []
        self.barriers = 0
        self.activations = []
        self.deactivations = []
        self.previous_ttbr = previous_ttbr

    def invalidate(self, invalidation):
        self.invalidations.append(invalidation)

    def barrier(self):
        self.barriers += 1

    def activate(self, root, asid, va_range):
        self.activations.append((root, asid, va_range))
        return self.previous_ttbr

    def deactivate(self, previous_ttbr, asid, va_range):
        self.deactivations.append((previous_ttbr, asid, va_range))
