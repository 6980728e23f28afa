# SPDX-License-Identifier: MIT OR Apache-2.0
"""MAIR_ELx helpers and attribute text."""
from __future__ import annotations

import ctypes
from typing import Iterable, List, Optional, Union

from . import _lib
from .constants import El1Attr, El23Attr, S2Attr, attributes_for
from .errors import check


def mair_normal(inner: int, outer: Optional[int] = None) -> int:
    """The MAIR attribute of Normal memory with @p inner and @p outer
    (AP_NORMAL_* values; outer defaults to inner)."""
    out = ctypes.c_uint8()
    check(_lib.lib.ap_mair_normal(inner, inner if outer is None else outer, ctypes.byref(out)))
    return out.value


def mair_from_attributes(attributes: Iterable[int]) -> int:
    """A MAIR value from 8 attribute bytes (index 0 first)."""
    attributes = list(attributes)
    if len(attributes) != 8:
        raise ValueError("a MAIR has 8 attributes")
    arr = (ctypes.c_uint8 * 8)(*attributes)
    out = ctypes.c_uint64()
    check(_lib.lib.ap_mair_from_attributes(arr, ctypes.byref(out)))
    return out.value


def mair_with_attribute(mair: int, index: int, attribute: int) -> int:
    """@p mair with attribute @p index replaced by @p attribute."""
    out = ctypes.c_uint64()
    check(_lib.lib.ap_mair_with_attribute(mair, index, attribute, ctypes.byref(out)))
    return out.value


def mair_attributes(mair: int) -> List[int]:
    """The 8 attribute bytes of @p mair, as a list."""
    arr = (ctypes.c_uint8 * 8)()
    check(_lib.lib.ap_mair_attributes(mair, arr))
    return list(arr)


def mair_attribute_describe(attribute: int) -> str:
    """Text for one MAIR attribute byte."""
    return _lib.text_call(_lib.lib.ap_mair_attribute_describe, attribute)


def mair_describe(mair: int) -> str:
    """Text for a whole MAIR value."""
    return _lib.text_call(_lib.lib.ap_mair_describe, mair)


def attrs_describe(kind: int, flags: int) -> str:
    """The names of attribute bits @p flags in regime @p kind's format
    (ap_attrs_describe), e.g. "VALID | ACCESSED | ..."."""
    return _lib.text_call(_lib.lib.ap_attrs_describe, kind, flags)


def pte_output_address(bits: int, level: int) -> int:
    """The output address of descriptor @p bits at @p level."""
    return _lib.lib.ap_pte_output_address(bits, level)


def pte_flags(bits: int, level: int, kind: Optional[int] = None
              ) -> Union[int, El1Attr, El23Attr, S2Attr]:
    """The attribute bits of descriptor @p bits at @p level: an int, or with
    a regime @p kind the attribute class of its format (e.g. S2Attr)."""
    flags = _lib.lib.ap_pte_flags(bits, level)
    return flags if kind is None else attributes_for(kind)(flags)


def pte_is_valid(bits: int) -> bool:
    """Whether descriptor @p bits is valid."""
    return bool(_lib.lib.ap_pte_is_valid(bits))


def pte_is_table(bits: int, level: int) -> bool:
    """Whether descriptor @p bits at @p level points to a table."""
    return bool(_lib.lib.ap_pte_is_table(bits, level))


def bbm_safe(kind: int, level: int, old: int, new: int) -> bool:
    """Whether replacing @p old by @p new at @p level needs no break-before-make."""
    out = ctypes.c_bool()
    check(_lib.lib.ap_bbm_safe(kind, level, old, new, ctypes.byref(out)))
    return out.value
