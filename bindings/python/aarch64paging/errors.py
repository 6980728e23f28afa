# SPDX-License-Identifier: MIT OR Apache-2.0
"""Status codes as exceptions.

Every failing call raises a subclass of :class:`Error`. The exception
carries the status and, for calls that take an ``ap_error_t``, its detail:
``address``, ``region`` (a ``(start, size)`` tuple), ``descriptor`` and
``flags``; its message is the library's ``ap_error_describe`` text.
"""
from __future__ import annotations

import ctypes
from typing import Any, Optional, Tuple, Type

from . import _lib

OK = 0


class Error(Exception):
    """A status other than AP_OK. ``status`` is the numeric ap_status_t."""

    status: Optional[int] = None
    #: The status this class stands for (AP_ERR_*); the base class has none.
    code: Optional[int] = None

    def __init__(self, status: int, detail: Any = None, message: Optional[str] = None):
        self.status = status
        self.address = detail.address if detail is not None else 0
        self.region: Tuple[int, int] = ((detail.region.start, detail.region.size)
                                        if detail is not None else (0, 0))
        self.descriptor = detail.descriptor if detail is not None else 0
        self.flags = detail.flags if detail is not None else 0
        if message is None:
            message = _describe(status, detail)
        self.message = message
        super().__init__(message)

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self.message)


def _describe(status: int, detail: Any) -> str:
    if detail is None:
        detail = _lib.ErrorDetail()
        detail.status = status
    try:
        needed = ctypes.c_size_t(0)
        _lib.lib.ap_error_describe(ctypes.byref(detail), None, 0, ctypes.byref(needed))
        buf = ctypes.create_string_buffer(needed.value + 1)
        if _lib.lib.ap_error_describe(ctypes.byref(detail), buf, len(buf), None) == OK:
            return buf.value.decode()
    except Exception:  # pragma: no cover - fall back to the status name
        pass
    return _lib.lib.ap_strerror(status).decode()


def _cls(name: str, code: int, doc: str) -> Type[Error]:
    return type(name, (Error,), {"code": code, "__doc__": doc})


AddressRangeError = _cls("AddressRangeError", 1, "AP_ERR_ADDRESS_RANGE: detail address.")
InvalidVirtualAddressError = _cls("InvalidVirtualAddressError", 2,
                                  "AP_ERR_INVALID_VIRTUAL_ADDRESS: detail address.")
RegionBackwardsError = _cls("RegionBackwardsError", 3, "AP_ERR_REGION_BACKWARDS: detail region.")
PteUpdateFaultError = _cls("PteUpdateFaultError", 4,
                           "AP_ERR_PTE_UPDATE_FAULT: a callback failed; detail descriptor.")
InvalidFlagsError = _cls("InvalidFlagsError", 5, "AP_ERR_INVALID_FLAGS: detail flags.")
BreakBeforeMakeError = _cls("BreakBeforeMakeError", 6,
                            "AP_ERR_BREAK_BEFORE_MAKE: detail region.")
NoMemoryError = _cls("NoMemoryError", 7, "AP_ERR_NO_MEMORY.")
InvalidArgumentError = _cls("InvalidArgumentError", 8, "AP_ERR_INVALID_ARGUMENT.")
StillActiveError = _cls("StillActiveError", 9, "AP_ERR_STILL_ACTIVE.")
NotActiveError = _cls("NotActiveError", 10, "AP_ERR_NOT_ACTIVE.")
UnsupportedError = _cls("UnsupportedError", 11, "AP_ERR_UNSUPPORTED.")
BadTableAddressError = _cls("BadTableAddressError", 12,
                            "AP_ERR_BAD_TABLE_ADDRESS: detail address.")
NotMappedError = _cls("NotMappedError", 13, "AP_ERR_NOT_MAPPED.")
BufferTooSmallError = _cls("BufferTooSmallError", 14, "AP_ERR_BUFFER_TOO_SMALL.")
WriteFailedError = _cls("WriteFailedError", 15, "AP_ERR_WRITE_FAILED.")
StoppedError = _cls("StoppedError", 16, "AP_ERR_STOPPED: detail descriptor.")
MalformedTableError = _cls("MalformedTableError", 17, "AP_ERR_MALFORMED_TABLE: detail address.")
ReadOnlyError = _cls("ReadOnlyError", 18, "AP_ERR_READ_ONLY.")

_BY_STATUS = {c.code: c for c in (
    AddressRangeError, InvalidVirtualAddressError, RegionBackwardsError, PteUpdateFaultError,
    InvalidFlagsError, BreakBeforeMakeError, NoMemoryError, InvalidArgumentError,
    StillActiveError, NotActiveError, UnsupportedError, BadTableAddressError, NotMappedError,
    BufferTooSmallError, WriteFailedError, StoppedError, MalformedTableError, ReadOnlyError)}


def error_for(status: int, detail: Any = None) -> Error:
    """The exception for @p status (an Error subclass; Error for unknown codes)."""
    return _BY_STATUS.get(status, Error)(status, detail)


def check(status: int, detail: Any = None) -> None:
    """Raises the exception for @p status unless it is AP_OK."""
    if status != OK:
        raise error_for(status, detail)


def strerror(status: int) -> str:
    """The library's name for a status."""
    return _lib.lib.ap_strerror(status).decode()
