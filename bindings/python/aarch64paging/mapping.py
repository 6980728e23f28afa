# SPDX-License-Identifier: MIT OR Apache-2.0
"""The Mapping class: one translation table hierarchy."""
import ctypes
from collections import namedtuple

from . import _lib
from .errors import Error, check, error_for
from .regime import Regime

#: ap_mapping_translate's answer.
#: AP_ERR_NOT_MAPPED: translate's answer for an address that is not mapped.
NOT_MAPPED = 13

TranslateResult = namedtuple(
    "TranslateResult",
    "mapped output_address attributes table_attributes descriptor level block_size")
#: ap_mapping_translation_control's answer.
TranslationControl = namedtuple(
    "TranslationControl",
    "tcr tcr_mask ttbr input_bits tsz tg sl0 granule root_level root_entries root_tables")
#: One descriptor of a walk: its input range, raw bits and level.
WalkEntry = namedtuple("WalkEntry", "start size descriptor level")
#: One run of a walk_runs: its input range, the raw descriptors and the level.
WalkRun = namedtuple("WalkRun", "start size descriptors level")

_DUMP_FORMATS = {"reference": 0, "ranges": 1, "text": 1, "json": 2, "svg": 3}


class Descriptor:
    """A descriptor handed to a :meth:`Mapping.modify` callback; valid only
    during the callback."""

    def __init__(self, pointer):
        self._p = pointer

    @property
    def level(self):
        return _lib.lib.ap_descriptor_level(self._p)

    @property
    def bits(self):
        return _lib.lib.ap_descriptor_bits(self._p)

    @property
    def output_address(self):
        return _lib.lib.ap_descriptor_output_address(self._p)

    @property
    def flags(self):
        return _lib.lib.ap_descriptor_flags(self._p)

    @property
    def is_valid(self):
        return bool(_lib.lib.ap_descriptor_is_valid(self._p))

    @property
    def is_table(self):
        return bool(_lib.lib.ap_descriptor_is_table(self._p))

    @property
    def updated(self):
        return bool(_lib.lib.ap_descriptor_updated(self._p))

    def set(self, pa, flags):
        """Sets output address and attributes."""
        check(_lib.lib.ap_descriptor_set(self._p, pa, flags))

    def modify_flags(self, set_bits=0, clear_bits=0):
        """Sets and clears attribute bits."""
        check(_lib.lib.ap_descriptor_modify_flags(self._p, set_bits, clear_bits))


def _options(regime=None, root_level=0, asid=0, va_range=0, granule=0, input_bits=0,
             max_root_tables=0, mair=0):
    opts = _lib.sized(_lib.MappingOptions)
    if regime is not None:
        if isinstance(regime, int):
            regime = Regime.get(regime)
        opts.regime = regime.handle
    opts.root_level = root_level
    opts.asid = asid
    opts.va_range = va_range
    opts.reserved = 0
    opts.granule = granule
    opts.input_bits = input_bits
    opts.max_root_tables = max_root_tables
    opts.mair = mair
    return opts, regime


def _region(start, size):
    return _lib.Region(start, size)


class Mapping:
    """A translation table hierarchy.

    Make one with :meth:`identity`, :meth:`linear`, :meth:`target`,
    :meth:`custom` (a Python :class:`~aarch64paging.Translation`) or
    :meth:`open` (adopt an existing hierarchy). Every constructor takes the
    options as keywords: ``regime`` (a :class:`Regime` or a regime kind;
    default EL1&0), ``root_level``, ``asid``, ``va_range``, ``granule``
    (0/1/2 for 4/16/64 KiB), ``input_bits``, ``max_root_tables`` and
    ``mair`` (stage 1: the MAIR value, which the SVG dump uses to colour
    memory types; see :func:`~aarch64paging.mair_from_attributes`).
    Use it as a context manager or call :meth:`close`.
    """

    def __init__(self, handle, regime=None, keep=None):
        self._handle = handle
        self.regime = regime
        self._keep = keep  # translation/ops objects that must outlive the mapping

    @classmethod
    def _make(cls, fn, *args, keep=None, **options):
        opts, regime = _options(**options)
        out = ctypes.c_void_p()
        check(fn(ctypes.byref(opts), *args, ctypes.byref(out)))
        return cls(out.value, regime, keep)

    @classmethod
    def identity(cls, **options):
        """Tables from the library's pool, output address = physical address."""
        return cls._make(_lib.lib.ap_mapping_create_identity, **options)

    @classmethod
    def linear(cls, offset, **options):
        """Tables from the pool, table physical address = pointer + @p offset."""
        return cls._make(_lib.lib.ap_mapping_create_linear, offset, **options)

    @classmethod
    def target(cls, base, **options):
        """Tables of a target image placed at physical address @p base."""
        return cls._make(_lib.lib.ap_mapping_create_target, base, **options)

    @classmethod
    def custom(cls, translation, **options):
        """Tables from a Python :class:`~aarch64paging.Translation`."""
        ops = translation._ops()
        return cls._make(_lib.lib.ap_mapping_create, ctypes.byref(ops), None,
                         keep=(translation, ops), **options)

    @classmethod
    def open(cls, translation, root, editable=False, **options):
        """Adopts the hierarchy at physical address @p root, reached through
        @p translation (read-only unless @p editable)."""
        ops = translation._ops()
        return cls._make(_lib.lib.ap_mapping_open, ctypes.byref(ops), None, root,
                         1 if editable else 0, keep=(translation, ops), **options)

    # ------------------------------------------------------------ lifetime
    @property
    def handle(self):
        if not self._handle:
            raise ValueError("the mapping is closed")
        return self._handle

    def close(self):
        """Destroys the mapping (StillActiveError while it is active)."""
        if self._handle:
            check(_lib.lib.ap_mapping_destroy(self._handle))
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            if self._handle:
                _lib.lib.ap_mapping_destroy(self._handle)
        except Exception:
            pass

    # ------------------------------------------------------------ editing
    def map(self, start, size, pa, flags, constraints=0):
        """Maps [start, start+size) to @p pa with attribute bits @p flags."""
        err = _lib.ErrorDetail()
        check(_lib.lib.ap_mapping_map(self.handle, ctypes.byref(_region(start, size)), pa,
                                      flags, constraints, ctypes.byref(err)), err)

    def map_auto(self, start, size, flags, constraints=0):
        """Maps the region to the output addresses the translation gives."""
        err = _lib.ErrorDetail()
        check(_lib.lib.ap_mapping_map_auto(self.handle, ctypes.byref(_region(start, size)),
                                           flags, constraints, ctypes.byref(err)), err)

    def unmap(self, start, size):
        err = _lib.ErrorDetail()
        check(_lib.lib.ap_mapping_unmap(self.handle, ctypes.byref(_region(start, size)),
                                        ctypes.byref(err)), err)

    def _run(self, call, cfn_type, pyfn, wrap, detail=True):
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

    def modify(self, start, size, fn):
        """Calls ``fn(start, size, descriptor)`` for each descriptor in the
        region with a :class:`Descriptor`; a true return stops with
        PteUpdateFaultError."""
        def wrap(f, _ctx, region, d):
            r = region.contents
            return f(r.start, r.size, Descriptor(d))
        self._run(lambda cfn, err: _lib.lib.ap_mapping_modify(
            self.handle, ctypes.byref(_region(start, size)), cfn, None, err),
            _lib.MODIFY_FN, fn, wrap)

    def compact(self):
        """Frees subtables that hold no valid descriptor."""
        check(_lib.lib.ap_mapping_compact(self.handle))

    # ------------------------------------------------------------ reading
    def walk(self, start, size, fn=None):
        """Calls ``fn(start, size, descriptor, level)`` for every descriptor
        of the region (a true return stops with StoppedError); without @p fn
        returns the list of :class:`WalkEntry`."""
        entries = []
        if fn is None:
            def fn(s, n, d, lvl):
                entries.append(WalkEntry(s, n, d, lvl))

        def wrap(f, _ctx, region, d, level):
            r = region.contents
            return f(r.start, r.size, d, level)
        self._run(lambda cfn, err: _lib.lib.ap_mapping_walk(
            self.handle, ctypes.byref(_region(start, size)), cfn, None, err),
            _lib.WALK_FN, fn, wrap)
        return entries

    def walk_runs(self, start, size, fn=None):
        """Like :meth:`walk` by runs: ``fn(start, size, descriptors, level)``
        with a list of raw descriptors; without @p fn returns the
        :class:`WalkRun` list."""
        runs = []
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

    def translate(self, va):
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
        return TranslateResult(status == 0, res.output_address, res.attributes,
                               res.table_attributes, res.descriptor, res.level, res.block_size)

    def va_to_pa(self, va):
        out = ctypes.c_uint64()
        check(_lib.lib.ap_mapping_va_to_pa(self.handle, va, ctypes.byref(out)))
        return out.value

    def dump_as(self, fmt="reference"):
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

    def dump(self):
        return self.dump_as("reference")

    # ------------------------------------------------------------ activation
    def activate(self):
        """Installs the table; returns the previous TTBR value."""
        prev = ctypes.c_uint64()
        check(_lib.lib.ap_mapping_activate(self.handle, ctypes.byref(prev)))
        return prev.value

    def deactivate(self, previous_ttbr):
        check(_lib.lib.ap_mapping_deactivate(self.handle, previous_ttbr))

    def mark_active(self):
        check(_lib.lib.ap_mapping_mark_active(self.handle))

    def mark_inactive(self):
        check(_lib.lib.ap_mapping_mark_inactive(self.handle))

    @property
    def active(self):
        out = ctypes.c_bool()
        check(_lib.lib.ap_mapping_is_active(self.handle, ctypes.byref(out)))
        return out.value

    # ------------------------------------------------------------ properties
    def _get(self, fn, ctype):
        out = ctype()
        check(fn(self.handle, ctypes.byref(out)))
        return out.value

    @property
    def root(self):
        """The root table's physical address."""
        return self._get(_lib.lib.ap_mapping_root_address, ctypes.c_uint64)

    @property
    def ttbr(self):
        return self._get(_lib.lib.ap_mapping_ttbr, ctypes.c_uint64)

    @property
    def size(self):
        """Bytes of input address space the mapping covers."""
        return self._get(_lib.lib.ap_mapping_size, ctypes.c_uint64)

    @property
    def root_level(self):
        return self._get(_lib.lib.ap_mapping_root_level, ctypes.c_uint)

    @property
    def asid(self):
        return self._get(_lib.lib.ap_mapping_asid, ctypes.c_uint16)

    @property
    def va_range(self):
        return self._get(_lib.lib.ap_mapping_va_range, ctypes.c_int)

    @property
    def table_count(self):
        return self._get(_lib.lib.ap_mapping_table_count, ctypes.c_size_t)

    def translation_control(self):
        """The :class:`TranslationControl` (TCR fields, TTBR, geometry)."""
        tc = _lib.sized(_lib.TranslationControlC)
        check(_lib.lib.ap_mapping_translation_control(self.handle, ctypes.byref(tc)))
        return TranslationControl(tc.tcr, tc.tcr_mask, tc.ttbr, tc.input_bits, tc.tsz, tc.tg,
                                  tc.sl0, tc.granule, tc.root_level, tc.root_entries,
                                  tc.root_tables)


__all__ = ["Mapping", "Descriptor", "TranslateResult", "TranslationControl", "WalkEntry",
           "WalkRun", "Error"]
