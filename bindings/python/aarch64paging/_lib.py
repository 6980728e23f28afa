# SPDX-License-Identifier: MIT OR Apache-2.0
"""The shared library, the C structures and the function prototypes.

The structures mirror <aarch64_paging.h> member for member; every one with
a leading ``size`` member is passed with ``ctypes.sizeof`` of its mirror.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any, Callable, Optional, TypeVar

c_size_t = ctypes.c_size_t
c_u64 = ctypes.c_uint64
c_u32 = ctypes.c_uint32
c_u16 = ctypes.c_uint16
c_uint = ctypes.c_uint
c_int = ctypes.c_int
c_enum = ctypes.c_int  # C enums of this header fit an int
c_void_p = ctypes.c_void_p

SONAME = "libaarch64paging.so.0"


def _load() -> ctypes.CDLL:
    """AP_LIBRARY first, then the linker's search (find_library), then the soname."""
    path = os.environ.get("AP_LIBRARY")
    if path:
        return ctypes.CDLL(path)
    found = ctypes.util.find_library("aarch64paging")
    for name in (found, SONAME):
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    raise OSError("libaarch64paging not found: set AP_LIBRARY to the path of %s" % SONAME)


lib = _load()


class Region(ctypes.Structure):
    _fields_ = [("start", c_u64), ("size", c_u64)]


class ErrorDetail(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("status", c_enum), ("address", c_u64),
                ("region", Region), ("descriptor", c_u64), ("flags", c_u64)]

    def __init__(self):
        super().__init__()
        self.size = ctypes.sizeof(ErrorDetail)


class Invalidation(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("va", c_u64), ("level", c_uint), ("kind", c_enum),
                ("asid", c_u16), ("va_range", c_enum), ("range_start", c_u64),
                ("range_size", c_u64), ("granule", c_enum)]


INVALIDATE_FN = ctypes.CFUNCTYPE(None, c_void_p, ctypes.POINTER(Invalidation))
BARRIER_FN = ctypes.CFUNCTYPE(None, c_void_p)
ACTIVATE_FN = ctypes.CFUNCTYPE(c_u64, c_void_p, c_u64, c_u16, c_enum)
DEACTIVATE_FN = ctypes.CFUNCTYPE(None, c_void_p, c_u64, c_u16, c_enum)


class RegimeHooks(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("invalidate", INVALIDATE_FN), ("barrier", BARRIER_FN),
                ("activate", ACTIVATE_FN), ("deactivate", DEACTIVATE_FN)]


ALLOCATE_TABLE_FN = ctypes.CFUNCTYPE(c_void_p, c_void_p, ctypes.POINTER(c_u64))
FREE_TABLE_FN = ctypes.CFUNCTYPE(None, c_void_p, c_void_p, c_u64)
PHYS_TO_VIRT_FN = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_u64)
ALLOCATE_TABLES_FN = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_size_t, ctypes.POINTER(c_u64))
FREE_TABLES_FN = ctypes.CFUNCTYPE(None, c_void_p, c_void_p, c_u64, c_size_t)


class TranslationOps(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("allocate_table", ALLOCATE_TABLE_FN),
                ("free_table", FREE_TABLE_FN), ("physical_to_virtual", PHYS_TO_VIRT_FN),
                ("allocate_tables", ALLOCATE_TABLES_FN), ("free_tables", FREE_TABLES_FN)]


class MappingOptions(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("regime", c_void_p), ("root_level", c_uint),
                ("asid", c_u16), ("va_range", c_enum), ("reserved", c_u64),
                ("granule", c_enum), ("input_bits", c_uint), ("max_root_tables", c_uint),
                ("mair", c_u64)]


class TranslateResult(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("output_address", c_u64), ("attributes", c_u64),
                ("table_attributes", c_u64), ("descriptor", c_u64), ("level", c_uint),
                ("block_size", c_u64)]


class TranslationControlC(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("tcr", c_u64), ("tcr_mask", c_u64), ("ttbr", c_u64),
                ("input_bits", c_uint), ("tsz", c_uint), ("tg", c_uint), ("sl0", c_uint),
                ("granule", c_enum), ("root_level", c_uint), ("root_entries", c_uint),
                ("root_tables", c_uint)]


def sized(struct_type: Any) -> Any:
    """An instance of @p struct_type with its size member set."""
    value = struct_type()
    value.size = ctypes.sizeof(struct_type)
    return value


MODIFY_FN = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(Region), c_void_p)
WALK_FN = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(Region), c_u64, c_uint)
WALK_RUN_FN = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(Region), ctypes.POINTER(c_u64),
                               c_size_t, c_uint)
WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(ctypes.c_char), c_size_t)

P = ctypes.POINTER
_S = c_enum  # ap_status_t

_PROTOTYPES = {
    "ap_strerror": (ctypes.c_char_p, [_S]),
    "ap_version": (c_u32, []),
    "ap_version_string": (ctypes.c_char_p, []),
    "ap_region_from_range": (_S, [c_u64, c_u64, P(Region)]),
    "ap_region_from_size": (_S, [c_u64, c_u64, P(Region)]),
    "ap_error_describe": (_S, [P(ErrorDetail), ctypes.c_char_p, c_size_t, P(c_size_t)]),
    "ap_regime_get": (_S, [_S, P(c_void_p)]),
    "ap_regime_create": (_S, [c_enum, P(RegimeHooks), c_void_p, P(c_void_p)]),
    "ap_regime_destroy": (_S, [c_void_p]),
    "ap_regime_get_kind": (_S, [c_void_p, P(c_enum)]),
    "ap_mapping_create": (_S, [P(MappingOptions), P(TranslationOps), c_void_p, P(c_void_p)]),
    "ap_mapping_create_identity": (_S, [P(MappingOptions), P(c_void_p)]),
    "ap_mapping_create_linear": (_S, [P(MappingOptions), ctypes.c_int64, P(c_void_p)]),
    "ap_mapping_create_target": (_S, [P(MappingOptions), c_u64, P(c_void_p)]),
    "ap_mapping_open": (_S, [P(MappingOptions), P(TranslationOps), c_void_p, c_u64, c_u32,
                             P(c_void_p)]),
    "ap_mapping_destroy": (_S, [c_void_p]),
    "ap_mapping_map": (_S, [c_void_p, P(Region), c_u64, c_u64, c_u32, P(ErrorDetail)]),
    "ap_mapping_map_auto": (_S, [c_void_p, P(Region), c_u64, c_u32, P(ErrorDetail)]),
    "ap_mapping_unmap": (_S, [c_void_p, P(Region), P(ErrorDetail)]),
    "ap_descriptor_level": (c_uint, [c_void_p]),
    "ap_descriptor_bits": (c_u64, [c_void_p]),
    "ap_descriptor_output_address": (c_u64, [c_void_p]),
    "ap_descriptor_flags": (c_u64, [c_void_p]),
    "ap_descriptor_is_valid": (ctypes.c_bool, [c_void_p]),
    "ap_descriptor_is_table": (ctypes.c_bool, [c_void_p]),
    "ap_descriptor_updated": (ctypes.c_bool, [c_void_p]),
    "ap_descriptor_set": (_S, [c_void_p, c_u64, c_u64]),
    "ap_descriptor_modify_flags": (_S, [c_void_p, c_u64, c_u64]),
    "ap_bbm_safe": (_S, [c_enum, c_uint, c_u64, c_u64, P(ctypes.c_bool)]),
    "ap_mapping_modify": (_S, [c_void_p, P(Region), MODIFY_FN, c_void_p, P(ErrorDetail)]),
    "ap_mapping_walk": (_S, [c_void_p, P(Region), WALK_FN, c_void_p, P(ErrorDetail)]),
    "ap_mapping_walk_runs": (_S, [c_void_p, P(Region), WALK_RUN_FN, c_void_p, P(ErrorDetail)]),
    "ap_mapping_compact": (_S, [c_void_p]),
    "ap_mapping_translate": (_S, [c_void_p, c_u64, P(TranslateResult)]),
    "ap_mapping_activate": (_S, [c_void_p, P(c_u64)]),
    "ap_mapping_deactivate": (_S, [c_void_p, c_u64]),
    "ap_mapping_mark_active": (_S, [c_void_p]),
    "ap_mapping_mark_inactive": (_S, [c_void_p]),
    "ap_mapping_is_active": (_S, [c_void_p, P(ctypes.c_bool)]),
    "ap_mapping_root_address": (_S, [c_void_p, P(c_u64)]),
    "ap_mapping_ttbr": (_S, [c_void_p, P(c_u64)]),
    "ap_mapping_translation_control": (_S, [c_void_p, P(TranslationControlC)]),
    "ap_mapping_size": (_S, [c_void_p, P(c_u64)]),
    "ap_mapping_root_level": (_S, [c_void_p, P(c_uint)]),
    "ap_mapping_asid": (_S, [c_void_p, P(c_u16)]),
    "ap_mapping_va_range": (_S, [c_void_p, P(c_enum)]),
    "ap_mapping_regime": (_S, [c_void_p, P(c_void_p)]),
    "ap_mapping_table_count": (_S, [c_void_p, P(c_size_t)]),
    "ap_mapping_va_to_pa": (_S, [c_void_p, c_u64, P(c_u64)]),
    "ap_pte_output_address": (c_u64, [c_u64, c_uint]),
    "ap_pte_flags": (c_u64, [c_u64, c_uint]),
    "ap_pte_is_valid": (ctypes.c_bool, [c_u64]),
    "ap_pte_is_table": (ctypes.c_bool, [c_u64, c_uint]),
    "ap_attrs_describe": (_S, [c_enum, c_u64, ctypes.c_char_p, c_size_t, P(c_size_t)]),
    "ap_mair_normal": (_S, [c_enum, c_enum, P(ctypes.c_uint8)]),
    "ap_mair_from_attributes": (_S, [P(ctypes.c_uint8), P(c_u64)]),
    "ap_mair_with_attribute": (_S, [c_u64, c_uint, ctypes.c_uint8, P(c_u64)]),
    "ap_mair_attributes": (_S, [c_u64, P(ctypes.c_uint8)]),
    "ap_mair_attribute_describe": (_S, [ctypes.c_uint8, ctypes.c_char_p, c_size_t,
                                        P(c_size_t)]),
    "ap_mair_describe": (_S, [c_u64, ctypes.c_char_p, c_size_t, P(c_size_t)]),
    "ap_mapping_dump_as": (_S, [c_void_p, c_enum, WRITE_FN, c_void_p]),
}

for _name, (_res, _args) in _PROTOTYPES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args


_Self = TypeVar("_Self", bound="Handle")


class Handle:
    """An object that owns a library handle: :meth:`close` releases it once,
    ``with`` closes it on the way out, and a handle still open when the
    object is collected is released then (errors ignored). Mapping and
    Regime derive from it; a subclass says how to release
    (:meth:`_destroy`) and whether it owns the handle (:meth:`_owns`)."""

    _handle: Optional[int] = None

    def _destroy(self, handle: int) -> int:
        """Releases @p handle; returns the library's status."""
        raise NotImplementedError

    def _owns(self) -> bool:
        """Whether :meth:`close` releases the handle (built-in regimes: no)."""
        return True

    def _released(self) -> None:
        """Called after the handle was released: drop what it kept alive."""
        self._handle = None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` released the handle."""
        return self._handle is None

    def close(self) -> None:
        """Releases the handle; a second call does nothing. A refusal of the
        library (StillActiveError: still in use) leaves the object open."""
        if self._handle and self._owns():
            from .errors import check
            check(self._destroy(self._handle))
            self._released()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if self._handle and self._owns():
                self._destroy(self._handle)
        except Exception:
            pass


def text_call(fn: Callable[..., int], *args: Any) -> str:
    """Calls a formatter (..., char *buf, size_t size, size_t *needed) twice:
    once for the size, once for the text."""
    from .errors import check
    needed = c_size_t(0)
    status = fn(*args, None, 0, ctypes.byref(needed))
    if status not in (0, 14):  # AP_OK, AP_ERR_BUFFER_TOO_SMALL
        check(status)
    buf = ctypes.create_string_buffer(needed.value + 1)
    check(fn(*args, buf, len(buf), ctypes.byref(needed)))
    return buf.value.decode()
