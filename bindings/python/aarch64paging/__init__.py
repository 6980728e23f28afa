# SPDX-License-Identifier: MIT OR Apache-2.0
"""aarch64paging: Python bindings (ctypes, standard library only) for
libaarch64paging, which builds AArch64 translation tables.

The library is loaded from $AP_LIBRARY when set, else found as
``libaarch64paging.so.0`` by the dynamic linker.

>>> from aarch64paging import Mapping, El1Attr
>>> with Mapping.identity() as m:
...     m.map(0x80000000, 0x200000, 0x80000000, El1Attr.VALID | El1Attr.ACCESSED)
...     r = m.translate(0x80001234)
>>> hex(r.output_address), r.attributes
('0x80001234', <El1Attr.VALID|ACCESSED: 0x401>)
"""
from __future__ import annotations

import ctypes as _ctypes
from typing import Tuple

from . import _lib
from .constants import *  # noqa: F401,F403 - the AP_* attribute bits and enums
from .constants import (Constraint, El1Attr, El23Attr, Granule, RegimeKind, S2Attr,
                        VaRange, attributes_for)
from .errors import *  # noqa: F401,F403
from .errors import Error, check, error_for, strerror
from .mair import (attrs_describe, bbm_safe, mair_attribute_describe, mair_attributes,
                   mair_describe, mair_from_attributes, mair_normal, mair_with_attribute,
                   pte_flags, pte_is_table, pte_is_valid, pte_output_address)
from .mapping import (Attributes, Descriptor, Mapping, TranslateResult, TranslationControl,
                      WalkEntry, WalkRun)
from .regime import EL1AND0, EL2, EL2AND0, EL3, STAGE2, Invalidation, Regime, RegimeHooks
from .translation import PoolTranslation, Translation

__version__ = "0.4.0"


def version() -> Tuple[int, int, int]:
    """The library's version as (major, minor, patch)."""
    v = _lib.lib.ap_version()
    return (v >> 16, (v >> 8) & 0xff, v & 0xff)


def version_string() -> str:
    """The library's version as text, e.g. "0.4.0"."""
    return _lib.lib.ap_version_string().decode()


def region_from_range(start: int, end: int) -> Tuple[int, int]:
    """(start, size) of [start, end) rounded to pages, checked by the library."""
    r = _lib.Region()
    check(_lib.lib.ap_region_from_range(start, end, _ctypes.byref(r)))
    return r.start, r.size
