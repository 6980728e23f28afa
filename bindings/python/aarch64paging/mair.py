# SPDX-License-Identifier: MIT OR Apache-2.0
"""MAIR_ELx helpers and attribute text."""
import ctypes

from . import _lib
from .errors import check


def mair_normal(inner, outer=None):
    """The MAIR attribute of Normal memory with @p inner and @p outer
    (AP_NORMAL_* values; outer defaults to inner)."""
    out = ctypes.c_uint8()
    check(_lib.lib.ap_mair_normal(inner, inner if outer is None else outer, ctypes.byref(out)))
    return out.value


def mair_from_attributes(attributes):
    """A MAIR value from 8 attribute bytes (index 0 first)."""
    if len(attributes) != 8:
        raise ValueError("a MAIR has 8 attributes")
    arr = (ctypes.c_uint8 * 8)(*attributes)
    out = ctypes.c_uint64()
    check(_lib.lib.ap_mair_from_attributes(arr, ctypes.byref(out)))
    return out.value


def mair_with_attribute(mair, index, attribute):
    """@p mair with attribute @p index replaced by @p attribute."""
    out = ctypes.c_uint64()
    check(_lib.lib.ap_mair_with_attribute(mair, index, attribute, ctypes.byref(out)))
    return out.value


def mair_attributes(mair):
    """The 8 attribute bytes of @p mair, as a list."""
    arr = (ctypes.c_uint8 * 8)()
    check(_lib.lib.ap_mair_attributes(mair, arr))
    return list(arr)


def mair_attribute_describe(attribute):
    """Text for one MAIR attribute byte."""
    return _lib.text_call(_lib.lib.ap_mair_attribute_describe, attribute)


def mair_describe(mair):
    """Text for a whole MAIR value."""
    return _lib.text_call(_lib.lib.ap_mair_describe, mair)


def attrs_describe(kind, flags):
    """The names of attribute bits @p flags in regime @p kind's format
    (ap_attrs_describe), e.g. "VALID | ACCESSED | ..."."""
    return _lib.text_call(_lib.lib.ap_attrs_describe, kind, flags)


def pte_output_address(bits, level):
    """The output address of descriptor @p bits at @p level."""
    return _lib.lib.ap_pte_output_address(bits, level)


def pte_flags(bits, level):
    """The attribute bits of descriptor @p bits at @p level."""
    return _lib.lib.ap_pte_flags(bits, level)


def pte_is_valid(bits):
    return bool(_lib.lib.ap_pte_is_valid(bits))


def pte_is_table(bits, level):
    return bool(_lib.lib.ap_pte_is_table(bits, level))


def bbm_safe(kind, level, old, new):
    """Whether replacing @p old by @p new at @p level needs no break-before-make."""
    out = ctypes.c_bool()
    check(_lib.lib.ap_bbm_safe(kind, level, old, new, ctypes.byref(out)))
    return out.value
