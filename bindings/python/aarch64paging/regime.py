# SPDX-License-Identifier: MIT OR Apache-2.0
"""Translation regimes: the built-in ones and custom ones with Python hooks."""
from __future__ import annotations

import ctypes
from typing import Any, List, NamedTuple, Optional, Tuple, Type

from . import _lib
from .constants import El1Attr, El23Attr, Granule, RegimeKind, S2Attr, attributes_for
from .errors import check

EL1AND0 = RegimeKind.EL1AND0
EL2AND0 = RegimeKind.EL2AND0
EL2 = RegimeKind.EL2
EL3 = RegimeKind.EL3
STAGE2 = RegimeKind.STAGE2


class Invalidation(NamedTuple):
    """One TLB invalidation a custom regime's ``invalidate`` hook receives."""
    va: int
    level: int
    kind: int  #: AP_INVALIDATE_LEAF or AP_INVALIDATE_TABLE
    asid: int
    va_range: int
    range_start: int
    range_size: int
    granule: int  #: a :class:`Granule`

    def __repr__(self) -> str:
        return ("Invalidation(va=%#x, level=%d, kind=%d, asid=%d, va_range=%d, "
                "range_start=%#x, range_size=%#x, granule=%s)"
                % (self.va, self.level, self.kind, self.asid, self.va_range,
                   self.range_start, self.range_size, _granule_name(self.granule)))


def _kind(value: int) -> RegimeKind:
    """@p value as a RegimeKind; an unknown value is kept as it is, for the
    library to refuse (InvalidArgumentError)."""
    try:
        return RegimeKind(value)
    except ValueError:
        return value  # type: ignore[return-value]


def _granule_name(value: int) -> str:
    try:
        return Granule(value).name
    except ValueError:
        return str(value)


class Regime(_lib.Handle):
    """A regime. ``Regime.get(kind)`` gives a built-in one (never released);
    ``Regime.create(kind, hooks)`` a custom one whose maintenance runs the
    Python hooks (see :class:`RegimeHooks`). ``kind`` is a
    :class:`RegimeKind`."""

    def __init__(self, handle: Optional[int], kind: int, owned: bool, hooks: Any = None):
        self._handle = handle
        self.kind = _kind(kind)
        self._owned = owned
        self.hooks = hooks
        self.hook_errors: List[BaseException] = []
        self._callbacks: Optional[list] = None  # the ctypes function objects, kept alive

    @property
    def handle(self) -> Optional[int]:
        """The ap_regime_t pointer as an integer (None once closed)."""
        return self._handle

    @property
    def attr_type(self) -> Type[El1Attr] | Type[El23Attr] | Type[S2Attr]:
        """The attribute class of this regime's descriptors."""
        return attributes_for(self.kind)

    @classmethod
    def get(cls, kind: int) -> "Regime":
        """The built-in regime of @p kind (EL1AND0, EL2AND0, EL2, EL3, STAGE2)."""
        out = ctypes.c_void_p()
        check(_lib.lib.ap_regime_get(kind, ctypes.byref(out)))
        return cls(out.value, kind, False)

    @classmethod
    def create(cls, kind: int, hooks: Any) -> "Regime":
        """A regime behaving like @p kind whose maintenance calls @p hooks.

        @p hooks is any object; of its methods ``invalidate(inv)``,
        ``barrier()``, ``activate(root, asid, va_range) -> previous ttbr`` and
        ``deactivate(previous_ttbr, asid, va_range)`` those present are
        installed, the others are left NULL (skipped by the library).
        An exception in a hook is printed by ctypes and stored in
        ``regime.hook_errors``; the library cannot be told of it.
        """
        regime = cls(None, kind, True, hooks)
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

    def get_kind(self) -> RegimeKind:
        """The kind the library reports for this regime."""
        out = ctypes.c_int()
        check(_lib.lib.ap_regime_get_kind(self._handle, ctypes.byref(out)))
        return RegimeKind(out.value)

    # close() (StillActiveError while a mapping uses it; nothing for a
    # built-in regime), with and the collection come from _lib.Handle.
    def _destroy(self, handle: int) -> int:
        return _lib.lib.ap_regime_destroy(handle)

    def _owns(self) -> bool:
        return self._owned

    def _released(self) -> None:
        self._handle = None
        self._callbacks = None

    def __repr__(self) -> str:
        what = "custom" if self._owned else "built-in"
        state = ", closed" if self._owned and self._handle is None else ""
        return "<Regime %s %s%s>" % (getattr(self.kind, "name", self.kind), what, state)


class RegimeHooks:
    """A base for hooks that records what the library asks for:
    ``invalidations`` (Invalidation tuples), ``barriers`` (a count),
    ``activations`` and ``deactivations``. ``activate`` returns
    ``previous_ttbr``."""

    def __init__(self, previous_ttbr: int = 0):
        self.invalidations: List[Invalidation] = []
        self.barriers = 0
        self.activations: List[Tuple[int, int, int]] = []
        self.deactivations: List[Tuple[int, int, int]] = []
        self.previous_ttbr = previous_ttbr

    def invalidate(self, invalidation: Invalidation) -> None:
        self.invalidations.append(invalidation)

    def barrier(self) -> None:
        self.barriers += 1

    def activate(self, root: int, asid: int, va_range: int) -> int:
        self.activations.append((root, asid, va_range))
        return self.previous_ttbr

    def deactivate(self, previous_ttbr: int, asid: int, va_range: int) -> None:
        self.deactivations.append((previous_ttbr, asid, va_range))
