# SPDX-License-Identifier: MIT OR Apache-2.0
"""The Mapping class: one translation table hierarchy."""
from __future__ import annotations

import ctypes
from typing import Any, Callable, List, NamedTuple, Optional, Type, Union

from . import _lib
from .constants import (Constraint, El1Attr, El23Attr, Granule, RegimeKind, S2Attr,
                        VaRange, attributes_for)
from .errors import Error, check, error_for
from .regime import Regime
from .translation import Translation

#: AP_ERR_NOT_MAPPED: translate's answer for an address that is not mapped.
NOT_MAPPED = 13

#: An attribute set of one of the three descriptor formats.
Attributes = Union[El1Attr, El23Attr, S2Attr]
AttrType = Union[Type[El1Attr], Type[El23Attr], Type[S2Attr]]


class TranslateResult(NamedTuple):
    """ap_mapping_translate's answer. ``attributes`` and
    ``table_attributes`` are of the mapping's attribute class
    (:attr:`Mapping.attr_type`)."""
    mapped: bool
    output_address: int
    attributes: Attributes
    table_attributes: Attributes
    descriptor: int
    level: int
    block_size: int

    def __repr__(self) -> str:
        return ("TranslateResult(mapped=%r, output_address=%#x, attributes=%r, "
                "table_attributes=%r, descriptor=%#x, level=%d, block_size=%#x)"
                % (self.mapped, self.output_address, self.attributes, self.table_attributes,
                   self.descriptor, self.level, self.block_size))


class TranslationControl(NamedTuple):
    """ap_mapping_translation_control's answer: TCR fields, TTBR, geometry."""
    tcr: int
    tcr_mask: int
    ttbr: int
    input_bits: int
    tsz: int
    tg: int
    sl0: int
    granule: Granule
    root_level: int
    root_entries: int
    root_tables: int

    def __repr__(self) -> str:
        return ("TranslationControl(tcr=%#x, tcr_mask=%#x, ttbr=%#x, input_bits=%d, tsz=%d, "
                "tg=%d, sl0=%d, granule=%s, root_level=%d, root_entries=%d, root_tables=%d)"
                % (self.tcr, self.tcr_mask, self.ttbr, self.input_bits, self.tsz, self.tg,
                   self.sl0, getattr(self.granule, "name", self.granule), self.root_level,
                   self.root_entries, self.root_tables))


class WalkEntry(NamedTuple):
    """One descriptor of a walk: its input range, raw bits, level and its
    attribute bits in the mapping's attribute class."""
    start: int
    size: int
    descriptor: int
    level: int
    attributes: Attributes

    @property
    def output_address(self) -> int:
        """The output address (a table descriptor: the next table's)."""
        return _lib.lib.ap_pte_output_address(self.descriptor, self.level)

    @property
    def is_valid(self) -> bool:
        return bool(_lib.lib.ap_pte_is_valid(self.descriptor))

    @property
    def is_table(self) -> bool:
        return bool(_lib.lib.ap_pte_is_table(self.descriptor, self.level))

    def __repr__(self) -> str:
        return ("WalkEntry(start=%#x, size=%#x, descriptor=%#x, level=%d, attributes=%r)"
                % (self.start, self.size, self.descriptor, self.level, self.attributes))


class WalkRun(NamedTuple):
    """One run of a walk_runs: its input range, the raw descriptors and the level."""
    start: int
    size: int
    descriptors: List[int]
    level: int

    def __repr__(self) -> str:
        return ("WalkRun(start=%#x, size=%#x, descriptors=[%s], level=%d)"
                % (self.start, self.size, ", ".join("%#x" % d for d in self.descriptors),
                   self.level))


_DUMP_FORMATS = {"reference": 0, "ranges": 1, "text": 1, "json": 2, "svg": 3}


class Descriptor:
    """A descriptor handed to a :meth:`Mapping.modify` callback; valid only
    during the callback (afterwards its methods raise ValueError instead of
    reading freed memory). ``flags`` is of the mapping's attribute class."""

    def __init__(self, pointer: Any, attr_type: AttrType = El1Attr):
        self._pointer = pointer
        self._attr_type = attr_type

    @property
    def _p(self) -> Any:
        if self._pointer is None:
            raise ValueError("a Descriptor is valid only during its modify callback")
        return self._pointer

    @property
    def level(self) -> int:
        return _lib.lib.ap_descriptor_level(self._p)

    @property
    def bits(self) -> int:
        return _lib.lib.ap_descriptor_bits(self._p)

    @property
    def output_address(self) -> int:
        return _lib.lib.ap_descriptor_output_address(self._p)

    @property
    def flags(self) -> Attributes:
        return self._attr_type(_lib.lib.ap_descriptor_flags(self._p))

    @property
    def is_valid(self) -> bool:
        return bool(_lib.lib.ap_descriptor_is_valid(self._p))

    @property
    def is_table(self) -> bool:
        return bool(_lib.lib.ap_descriptor_is_table(self._p))

    @property
    def updated(self) -> bool:
        return bool(_lib.lib.ap_descriptor_updated(self._p))

    def set(self, pa: int, flags: int) -> None:
        """Sets output address and attributes."""
        check(_lib.lib.ap_descriptor_set(self._p, pa, flags))

    def modify_flags(self, set_bits: int = 0, clear_bits: int = 0) -> None:
        """Sets and clears attribute bits."""
        check(_lib.lib.ap_descriptor_modify_flags(self._p, set_bits, clear_bits))

    def __repr__(self) -> str:
        if self._pointer is None:
            return "<Descriptor (callback over)>"
        return "<Descriptor level %d %#x %r>" % (self.level, self.bits, self.flags)


def _options(regime: Union[Regime, int, None] = None, root_level: int = 0, asid: int = 0,
             va_range: int = 0, granule: Union[int, str] = 0, input_bits: int = 0,
             max_root_tables: int = 0, mair: int = 0) -> Any:
    opts = _lib.sized(_lib.MappingOptions)
    if regime is not None:
        if isinstance(regime, int):
            regime = Regime.get(regime)
        opts.regime = regime.handle
    opts.root_level = root_level
    opts.asid = asid
    opts.va_range = va_range
    opts.reserved = 0
    opts.granule = Granule.of(granule)
    opts.input_bits = input_bits
    opts.max_root_tables = max_root_tables
    opts.mair = mair
    return opts, regime


def _region(start: int, size: int) -> _lib.Region:
    return _lib.Region(start, size)


class Mapping(_lib.Handle):
    """A translation table hierarchy.

    Make one with :meth:`identity`, :meth:`linear`, :meth:`target`,
    :meth:`custom` (a Python :class:`~aarch64paging.Translation`) or
    :meth:`open` (adopt an existing hierarchy). Every constructor takes the
    options as keywords: ``regime`` (a :class:`Regime` or a regime kind;
    default EL1&0), ``root_level``, ``asid``, ``va_range``, ``granule``
    (a :class:`Granule`, an AP_GRANULE_* value, a page size such as 16384
    or text such as "16K"), ``input_bits``, ``max_root_tables`` and
    ``mair`` (stage 1: the MAIR value, which the SVG dump uses to colour
    memory types; see :func:`~aarch64paging.mair_from_attributes`).
    Use it as a context manager or call :meth:`close`.

    Attributes read back (:meth:`translate`, :meth:`walk`,
    :attr:`Descriptor.flags`) are of :attr:`attr_type`, the class of the
    regime's format; ``map`` and friends take those or plain ints.
    """

    def __init__(self, handle: int, regime: Optional[Regime] = None, keep: Any = None):
        self._handle = handle
        self.regime = regime
        self._keep = keep  # translation/ops objects that must outlive the mapping
        self._kind: Optional[RegimeKind] = None

    @classmethod
    def _make(cls, fn: Callable[..., int], *args: Any, keep: Any = None,
              **options: Any) -> "Mapping":
        opts, regime = _options(**options)
        out = ctypes.c_void_p()
        check(fn(ctypes.byref(opts), *args, ctypes.byref(out)))
        return cls(out.value, regime, keep)

    @classmethod
    def identity(cls, **options: Any) -> "Mapping":
        """Tables from the library's pool, output address = physical address."""
        return cls._make(_lib.lib.ap_mapping_create_identity, **options)

    @classmethod
    def linear(cls, offset: int, **options: Any) -> "Mapping":
        """Tables from the pool, table physical address = pointer + @p offset."""
        return cls._make(_lib.lib.ap_mapping_create_linear, offset, **options)

    @classmethod
    def target(cls, base: int, **options: Any) -> "Mapping":
        """Tables of a target image placed at physical address @p base."""
        return cls._make(_lib.lib.ap_mapping_create_target, base, **options)

    @classmethod
    def custom(cls, translation: "Translation", **options: Any) -> "Mapping":
        """Tables from a Python :class:`~aarch64paging.Translation`."""
        ops = translation._ops()
        return cls._make(_lib.lib.ap_mapping_create, ctypes.byref(ops), None,
                         keep=(translation, ops), **options)

    @classmethod
    def open(cls, translation: "Translation", root: int, editable: bool = False,
             **options: Any) -> "Mapping":
        """Adopts the hierarchy at physical address @p root, reached through
        @p translation (read-only unless @p editable)."""
        ops = translation._ops()
        return cls._make(_lib.lib.ap_mapping_open, ctypes.byref(ops), None, root,
                         1 if editable else 0, keep=(translation, ops), **options)

    # ------------------------------------------------------------ lifetime
    # close() (StillActiveError while it is active), with and the
    # collection come from _lib.Handle.
    @property
    def handle(self) -> int:
        """The ap_mapping_t pointer as an integer (ValueError once closed)."""
        if not self._handle:
            raise ValueError("the mapping is closed")
        return self._handle

    def _destroy(self, handle: int) -> int:
        return _lib.lib.ap_mapping_destroy(handle)

    def __repr__(self) -> str:
        if self.closed:
            return "<Mapping closed>"
        try:
            tc = self.translation_control()
            return "<Mapping %s %s %d-bit root=%#x level %d, %d tables%s>" % (
                self.regime_kind.name, tc.granule.name[len("SIZE_"):], tc.input_bits,
                self.root, tc.root_level, self.table_count, ", active" if self.active else "")
        except Error as exc:  # e.g. an adopted table that no longer translates
            return "<Mapping at %#x (%s)>" % (self._handle, type(exc).__name__)

    # ------------------------------------------------------------ editing
    def map(self, start: int, size: int, pa: int, flags: int,
            constraints: int = Constraint.NONE) -> None:
        """Maps [start, start+size) to @p pa with attribute bits @p flags."""
        err = _lib.ErrorDetail()
        check(_lib.lib.ap_mapping_map(self.handle, ctypes.byref(_region(start, size)), pa,
                                      flags, constraints, ctypes.byref(err)), err)

    def map_auto(self, start: int, size: int, flags: int,
                 constraints: int = Constraint.NONE) -> None:
        """Maps the region to the output addresses the translation gives."""
        err = _lib.ErrorDetail()
        check(_lib.lib.ap_mapping_map_auto(self.handle, ctypes.byref(_region(start, size)),
                                           flags, constraints, ctypes.byref(err)), err)

    def unmap(self, start: int, size: int) -> None:
        """Unmaps [start, start+size)."""
        err = _lib.ErrorDetail()
        check(_lib.lib.ap_mapping_unmap(self.handle, ctypes.byref(_region(start, size)),
                                        ctypes.byref(err)), err)

    def _run(self, call: Callable[..., int], cfn_type: Any, pyfn: Callable[..., Any],
             wrap: Callable[..., Any]) -> None:
        """Runs a callback-taking call; an exception in @p pyfn stops it and
        is re-raised afterwards (chained to the library's error)."""
        raised = []

        def cb(*args):
            try:
                return 1 if wrap(pyfn, *args) else 0
            except BaseException as exc:
                raised.append(exc)
                return 1

        cfn = cfn_type(cb)
        err = _lib.ErrorDetail()
        status = call(cfn, ctypes.byref(err))
        if raised:
            raise raised[0]
        check(status, err)

    def modify(self, start: int, size: int,
               fn: Callable[[int, int, Descriptor], Any]) -> None:
        """Calls ``fn(start, size, descriptor)`` for each descriptor in the
        region with a :class:`Descriptor`; a true return stops with
        PteUpdateFaultError."""
        attr_type = self.attr_type

        def wrap(f, _ctx, region, d):
            r = region.contents
            descriptor = Descriptor(d, attr_type)
            try:
                return f(r.start, r.size, descriptor)
            finally:
                descriptor._pointer = None  # the C descriptor is gone after the call
        self._run(lambda cfn, err: _lib.lib.ap_mapping_modify(
            self.handle, ctypes.byref(_region(start, size)), cfn, None, err),
            _lib.MODIFY_FN, fn, wrap)

    def compact(self) -> None:
        """Frees subtables that hold no valid descriptor."""
        check(_lib.lib.ap_mapping_compact(self.handle))

    # ------------------------------------------------------------ reading
    def walk(self, start: int, size: int,
             fn: Optional[Callable[[int, int, int, int], Any]] = None) -> List[WalkEntry]:
        """Calls ``fn(start, size, descriptor, level)`` for every descriptor
        of the region (a true return stops with StoppedError); without @p fn
        returns the list of :class:`WalkEntry`."""
        entries: List[WalkEntry] = []
        if fn is None:
            attr_type = self.attr_type

            def fn(s, n, d, lvl):
                flags = attr_type(_lib.lib.ap_pte_flags(d, lvl))
                entries.append(WalkEntry(s, n, d, lvl, flags))

        def wrap(f, _ctx, region, d, level):
            r = region.contents
            return f(r.start, r.size, d, level)
        self._run(lambda cfn, err: _lib.lib.ap_mapping_walk(
            self.handle, ctypes.byref(_region(start, size)), cfn, None, err),
            _lib.WALK_FN, fn, wrap)
        return entries

    def walk_runs(self, start: int, size: int,
                  fn: Optional[Callable[[int, int, List[int], int], Any]] = None
                  ) -> List[WalkRun]:
        """Like :meth:`walk` by runs: ``fn(start, size, descriptors, level)``
        with a list of raw descriptors; without @p fn returns the
        :class:`WalkRun` list."""
        runs: List[WalkRun] = []
        if fn is None:
            def fn(s, n, ds, lvl):
                runs.append(WalkRun(s, n, ds, lvl))

        def wrap(f, _ctx, region, descs, count, level):
            r = region.contents
            return f(r.start, r.size, [descs[i] for i in range(count)], level)
        self._run(lambda cfn, err: _lib.lib.ap_mapping_walk_runs(
            self.handle, ctypes.byref(_region(start, size)), cfn, None, err),
            _lib.WALK_RUN_FN, fn, wrap)
        return runs

    def translate(self, va: int) -> TranslateResult:
        """The :class:`TranslateResult` of @p va, as the MMU would walk it.
        An address that is not mapped is an answer, as in the other
        bindings: ``mapped`` is False and ``level`` and ``descriptor`` say
        where the walk faulted. Errors are the call's own (an address
        outside the mapping, a table that does not translate)."""
        res = _lib.sized(_lib.TranslateResult)
        status = _lib.lib.ap_mapping_translate(self.handle, va, ctypes.byref(res))
        if status not in (0, NOT_MAPPED):
            detail = _lib.ErrorDetail()
            detail.status = status
            detail.address = va
            raise error_for(status, detail)
        attr_type = self.attr_type
        return TranslateResult(status == 0, res.output_address, attr_type(res.attributes),
                               attr_type(res.table_attributes), res.descriptor, res.level,
                               res.block_size)

    def va_to_pa(self, va: int) -> int:
        """The output address of @p va through a linear translation
        (UnsupportedError for other translations)."""
        out = ctypes.c_uint64()
        check(_lib.lib.ap_mapping_va_to_pa(self.handle, va, ctypes.byref(out)))
        return out.value

    def dump_as(self, fmt: Union[str, int] = "reference") -> str:
        """The text of ap_mapping_dump_as: @p fmt is "reference", "ranges"
        (alias "text"), "json", "svg" (a picture of the input address
        space) or an AP_DUMP_* value."""
        if isinstance(fmt, str):
            fmt = _DUMP_FORMATS[fmt]
        chunks = []

        def write(_ctx, text, length):
            chunks.append(ctypes.string_at(text, length))
            return 0
        cfn = _lib.WRITE_FN(write)
        check(_lib.lib.ap_mapping_dump_as(self.handle, fmt, cfn, None))
        return b"".join(chunks).decode()

    def dump(self) -> str:
        """The reference dump (``dump_as("reference")``)."""
        return self.dump_as("reference")

    # ------------------------------------------------------------ activation
    def activate(self) -> int:
        """Installs the table; returns the previous TTBR value."""
        prev = ctypes.c_uint64()
        check(_lib.lib.ap_mapping_activate(self.handle, ctypes.byref(prev)))
        return prev.value

    def deactivate(self, previous_ttbr: int) -> None:
        check(_lib.lib.ap_mapping_deactivate(self.handle, previous_ttbr))

    def mark_active(self) -> None:
        check(_lib.lib.ap_mapping_mark_active(self.handle))

    def mark_inactive(self) -> None:
        check(_lib.lib.ap_mapping_mark_inactive(self.handle))

    @property
    def active(self) -> bool:
        out = ctypes.c_bool()
        check(_lib.lib.ap_mapping_is_active(self.handle, ctypes.byref(out)))
        return out.value

    # ------------------------------------------------------------ properties
    def _get(self, fn: Callable[..., int], ctype: Any) -> Any:
        out = ctype()
        check(fn(self.handle, ctypes.byref(out)))
        return out.value

    @property
    def root(self) -> int:
        """The root table's physical address."""
        return self._get(_lib.lib.ap_mapping_root_address, ctypes.c_uint64)

    @property
    def ttbr(self) -> int:
        return self._get(_lib.lib.ap_mapping_ttbr, ctypes.c_uint64)

    @property
    def size(self) -> int:
        """Bytes of input address space the mapping covers."""
        return self._get(_lib.lib.ap_mapping_size, ctypes.c_uint64)

    @property
    def root_level(self) -> int:
        return self._get(_lib.lib.ap_mapping_root_level, ctypes.c_uint)

    @property
    def asid(self) -> int:
        return self._get(_lib.lib.ap_mapping_asid, ctypes.c_uint16)

    @property
    def va_range(self) -> VaRange:
        return VaRange(self._get(_lib.lib.ap_mapping_va_range, ctypes.c_int))

    @property
    def table_count(self) -> int:
        return self._get(_lib.lib.ap_mapping_table_count, ctypes.c_size_t)

    @property
    def regime_kind(self) -> RegimeKind:
        """The kind of the mapping's regime, as the library reports it."""
        if self._kind is None:
            regime = self._get(_lib.lib.ap_mapping_regime, ctypes.c_void_p)
            out = ctypes.c_int()
            check(_lib.lib.ap_regime_get_kind(regime, ctypes.byref(out)))
            self._kind = RegimeKind(out.value)
        return self._kind

    @property
    def attr_type(self) -> AttrType:
        """The attribute class of the mapping's descriptors: :class:`El1Attr`
        (EL1&0, EL2&0), :class:`El23Attr` (EL2, EL3) or :class:`S2Attr`."""
        return attributes_for(self.regime_kind)

    @property
    def granule(self) -> Granule:
        """The translation granule."""
        return self.translation_control().granule

    def translation_control(self) -> TranslationControl:
        """The :class:`TranslationControl` (TCR fields, TTBR, geometry)."""
        tc = _lib.sized(_lib.TranslationControlC)
        check(_lib.lib.ap_mapping_translation_control(self.handle, ctypes.byref(tc)))
        return TranslationControl(tc.tcr, tc.tcr_mask, tc.ttbr, tc.input_bits, tc.tsz, tc.tg,
                                  tc.sl0, Granule(tc.granule), tc.root_level, tc.root_entries,
                                  tc.root_tables)


__all__ = ["Mapping", "Descriptor", "TranslateResult", "TranslationControl", "WalkEntry",
           "WalkRun", "Error", "Attributes"]
