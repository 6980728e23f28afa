# SPDX-License-Identifier: MIT OR Apache-2.0
"""Attribute bits: every AP_ATTR_*, AP_EL1_*, AP_EL23_* and AP_S2_* macro of
<aarch64_paging.h>, by the same name (tests/test_binding_constants.sh
compares them with the C compiler's values), and the same bits as
:class:`El1Attr`, :class:`El23Attr` and :class:`S2Attr` (``enum.IntFlag``)."""
import enum

AP_ATTR_VALID = 0x1
AP_ATTR_TABLE_OR_PAGE = 0x2
AP_EL1_VALID = 0x1
AP_EL1_TABLE_OR_PAGE = 0x2
AP_EL1_ATTRIBUTE_INDEX_0 = 0x0
AP_EL1_ATTRIBUTE_INDEX_1 = 0x4
AP_EL1_ATTRIBUTE_INDEX_2 = 0x8
AP_EL1_ATTRIBUTE_INDEX_3 = 0xc
AP_EL1_ATTRIBUTE_INDEX_4 = 0x10
AP_EL1_ATTRIBUTE_INDEX_5 = 0x14
AP_EL1_ATTRIBUTE_INDEX_6 = 0x18
AP_EL1_ATTRIBUTE_INDEX_7 = 0x1c
AP_EL1_NS = 0x20
AP_EL1_USER = 0x40
AP_EL1_READ_ONLY = 0x80
AP_EL1_OUTER_SHAREABLE = 0x200
AP_EL1_INNER_SHAREABLE = 0x300
AP_EL1_ACCESSED = 0x400
AP_EL1_NON_GLOBAL = 0x800
AP_EL1_NT = 0x10000
AP_EL1_GP = 0x4000000000000
AP_EL1_DBM = 0x8000000000000
AP_EL1_CONTIGUOUS_OR_PROTECTED = 0x10000000000000
AP_EL1_PXN = 0x20000000000000
AP_EL1_UXN = 0x40000000000000
AP_EL1_SWFLAG_0 = 0x80000000000000
AP_EL1_SWFLAG_1 = 0x100000000000000
AP_EL1_SWFLAG_2 = 0x200000000000000
AP_EL1_SWFLAG_3 = 0x400000000000000
AP_EL1_PXN_TABLE = 0x800000000000000
AP_EL1_XN_TABLE = 0x1000000000000000
AP_EL1_AP_TABLE_NO_EL0 = 0x2000000000000000
AP_EL1_AP_TABLE_NO_WRITE = 0x4000000000000000
AP_EL1_NS_TABLE = 0x8000000000000000
AP_EL1_SHAREABILITY_MASK = 0x300
AP_EL1_ATTRIBUTE_INDEX_MASK = 0x1c
AP_EL1_AP_MASK = 0xc0
AP_EL1_PBHA_MASK = 0x7800000000000000
AP_EL23_VALID = 0x1
AP_EL23_TABLE_OR_PAGE = 0x2
AP_EL23_ATTRIBUTE_INDEX_0 = 0x0
AP_EL23_ATTRIBUTE_INDEX_1 = 0x4
AP_EL23_ATTRIBUTE_INDEX_2 = 0x8
AP_EL23_ATTRIBUTE_INDEX_3 = 0xc
AP_EL23_ATTRIBUTE_INDEX_4 = 0x10
AP_EL23_ATTRIBUTE_INDEX_5 = 0x14
AP_EL23_ATTRIBUTE_INDEX_6 = 0x18
AP_EL23_ATTRIBUTE_INDEX_7 = 0x1c
AP_EL23_NS = 0x20
AP_EL23_USER_RES1 = 0x40
AP_EL23_READ_ONLY = 0x80
AP_EL23_OUTER_SHAREABLE = 0x200
AP_EL23_INNER_SHAREABLE = 0x300
AP_EL23_ACCESSED = 0x400
AP_EL23_NON_GLOBAL = 0x800
AP_EL23_NT = 0x10000
AP_EL23_GP = 0x4000000000000
AP_EL23_DBM = 0x8000000000000
AP_EL23_CONTIGUOUS_OR_PROTECTED = 0x10000000000000
AP_EL23_XN = 0x40000000000000
AP_EL23_SWFLAG_0 = 0x80000000000000
AP_EL23_SWFLAG_1 = 0x100000000000000
AP_EL23_SWFLAG_2 = 0x200000000000000
AP_EL23_SWFLAG_3 = 0x400000000000000
AP_EL23_PXN_TABLE = 0x800000000000000
AP_EL23_XN_TABLE = 0x1000000000000000
AP_EL23_AP_TABLE_NO_EL0 = 0x2000000000000000
AP_EL23_AP_TABLE_NO_WRITE = 0x4000000000000000
AP_EL23_NS_TABLE = 0x8000000000000000
AP_EL23_SHAREABILITY_MASK = 0x300
AP_EL23_ATTRIBUTE_INDEX_MASK = 0x1c
AP_EL23_AP_MASK = 0xc0
AP_EL23_NSE = 0x800
AP_EL23_PBHA_MASK = 0x7800000000000000
AP_S2_VALID = 0x1
AP_S2_TABLE_OR_PAGE = 0x2
AP_S2_MEMATTR_DEVICE_nGnRnE = 0x0
AP_S2_MEMATTR_DEVICE_nGnRE = 0x4
AP_S2_MEMATTR_DEVICE_nGRE = 0x8
AP_S2_MEMATTR_DEVICE_GRE = 0xc
AP_S2_MEMATTR_NORMAL_INNER_NC = 0x4
AP_S2_MEMATTR_NORMAL_INNER_WT = 0x8
AP_S2_MEMATTR_NORMAL_INNER_WB = 0xc
AP_S2_MEMATTR_NORMAL_OUTER_NC = 0x10
AP_S2_MEMATTR_NORMAL_OUTER_WT = 0x20
AP_S2_MEMATTR_NORMAL_OUTER_WB = 0x30
AP_S2_S2AP_ACCESS_NONE = 0x0
AP_S2_S2AP_ACCESS_RO = 0x40
AP_S2_S2AP_ACCESS_WO = 0x80
AP_S2_S2AP_ACCESS_RW = 0xc0
AP_S2_SH_NONE = 0x0
AP_S2_SH_OUTER = 0x200
AP_S2_SH_INNER = 0x300
AP_S2_ACCESS_FLAG = 0x400
AP_S2_FNXS = 0x800
AP_S2_DBM = 0x8000000000000
AP_S2_CONTIGUOUS = 0x10000000000000
AP_S2_XN0 = 0x20000000000000
AP_S2_XN = 0x40000000000000
AP_S2_SWFLAG_0 = 0x80000000000000
AP_S2_SWFLAG_1 = 0x100000000000000
AP_S2_SWFLAG_2 = 0x200000000000000
AP_S2_SWFLAG_3 = 0x400000000000000
AP_S2_MEMATTR_MASK = 0x3c
AP_S2_S2AP_MASK = 0xc0
AP_S2_SH_MASK = 0x300
AP_S2_XN_MASK = 0x60000000000000
AP_S2_PBHA_MASK = 0x7800000000000000

# Other constants of the header.
AP_CONSTRAINT_NONE = 0
AP_CONSTRAINT_NO_BLOCK_MAPPINGS = 1
AP_CONSTRAINT_NO_CONTIGUOUS_HINT = 2

AP_OPEN_READ_ONLY = 0
AP_OPEN_EDITABLE = 1

AP_GRANULE_4K = 0
AP_GRANULE_16K = 1
AP_GRANULE_64K = 2

AP_VA_RANGE_LOWER = 0
AP_VA_RANGE_UPPER = 1

AP_REGIME_EL1AND0 = 0
AP_REGIME_EL2AND0 = 1
AP_REGIME_EL2 = 2
AP_REGIME_EL3 = 3
AP_REGIME_STAGE2 = 4

AP_INVALIDATE_LEAF = 0
AP_INVALIDATE_TABLE = 1

AP_DUMP_REFERENCE = 0
AP_DUMP_RANGES = 1
AP_DUMP_JSON = 2
AP_DUMP_SVG = 3

AP_MAIR_DEVICE_NGNRNE = 0x00
AP_MAIR_DEVICE_NGNRE = 0x04
AP_MAIR_DEVICE_NGRE = 0x08
AP_MAIR_DEVICE_GRE = 0x0c

AP_NORMAL_WRITE_THROUGH_TRANSIENT_WRITE_ALLOCATE = 0x1
AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_ALLOCATE = 0x2
AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_WRITE_ALLOCATE = 0x3
AP_NORMAL_NON_CACHEABLE = 0x4
AP_NORMAL_WRITE_BACK_TRANSIENT_WRITE_ALLOCATE = 0x5
AP_NORMAL_WRITE_BACK_TRANSIENT_READ_ALLOCATE = 0x6
AP_NORMAL_WRITE_BACK_TRANSIENT_READ_WRITE_ALLOCATE = 0x7
AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT = 0x8
AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_WRITE_ALLOCATE = 0x9
AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_READ_ALLOCATE = 0xa
AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_READ_WRITE_ALLOCATE = 0xb
AP_NORMAL_WRITE_BACK_NON_TRANSIENT = 0xc
AP_NORMAL_WRITE_BACK_NON_TRANSIENT_WRITE_ALLOCATE = 0xd
AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_ALLOCATE = 0xe
AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE = 0xf


# ---------------------------------------------------------------- typed sets
# The same bits as enum.IntFlag classes, one per descriptor format. Each
# member is the AP_* constant above (so a value cannot differ from it), and
# tests/test_pythonic.py checks that every AP_<FORMAT>_* constant is a member.
# Members are ints: ``El1Attr.VALID | El1Attr.ACCESSED`` and
# ``AP_EL1_VALID | AP_EL1_ACCESSED`` are the same number and either is
# accepted wherever attribute bits are.


class _Attributes(enum.IntFlag):
    """Base of the attribute sets: a repr that names multi-bit fields
    (shareability, MAIR index, stage 2 memory type and access) by their
    value, not as a union of single bits, and shows the value in hex."""

    @classmethod
    def _field_masks(cls) -> "tuple[int, ...]":
        """Masks of the multi-bit fields, named by the member equal to the
        field's value."""
        return ()

    @classmethod
    def _name_of(cls, value: int) -> "str | None":
        """The first-defined member name of exactly @p value."""
        for name, member in cls.__members__.items():
            if member._value_ == value:
                return name
        return None

    @classmethod
    def _field_names(cls, value: int) -> "tuple[list[str], int]":
        """The names of @p value's multi-bit fields and the bits left over."""
        names = []
        for mask in cls._field_masks():
            name = cls._name_of(value & mask) if value & mask else None
            if name is not None:
                names.append(name)
                value &= ~mask
        return names, value

    @classmethod
    def _describe(cls, value: int) -> "str | None":
        names, rest = cls._field_names(value)
        for bit in range(64):
            name = cls._name_of(1 << bit) if rest >> bit & 1 else None
            if name is not None:
                names.append(name)
                rest &= ~(1 << bit)
        order = {name: i for i, name in enumerate(cls.__members__)}
        names.sort(key=lambda n: order[n])
        if rest:
            names.append(hex(rest))
        return "|".join(names) or None

    @classmethod
    def _missing_(cls, value):
        pseudo = super()._missing_(value)
        if pseudo is not None and pseudo._value_ == value:
            pseudo._name_ = cls._describe(value)
        return pseudo

    def __repr__(self) -> str:
        name = self._describe(self._value_)  # 0 (ATTRIBUTE_INDEX_0...): no bit named
        if name is None or name.startswith("0x"):  # no named bit
            return "<%s: %#x>" % (type(self).__name__, self._value_)
        return "<%s.%s: %#x>" % (type(self).__name__, name, self._value_)

    # str(), print() and format() give the number, as the plain ints did
    # (IntFlag's own behaviour since Python 3.11; tests/test_pythonic.py).

    @property
    def names(self) -> "list[str]":
        """The member names that make up this value, multi-bit fields by
        their value (bits without a name are left out)."""
        text = self._describe(self._value_)
        return [] if text is None else [n for n in text.split("|") if not n.startswith("0x")]


class El1Attr(_Attributes, boundary=enum.KEEP):
    """Descriptor attributes of the EL1&0 and EL2&0 regimes (AP_EL1_*)."""

    VALID = AP_EL1_VALID
    TABLE_OR_PAGE = AP_EL1_TABLE_OR_PAGE
    ATTRIBUTE_INDEX_0 = AP_EL1_ATTRIBUTE_INDEX_0
    ATTRIBUTE_INDEX_1 = AP_EL1_ATTRIBUTE_INDEX_1
    ATTRIBUTE_INDEX_2 = AP_EL1_ATTRIBUTE_INDEX_2
    ATTRIBUTE_INDEX_3 = AP_EL1_ATTRIBUTE_INDEX_3
    ATTRIBUTE_INDEX_4 = AP_EL1_ATTRIBUTE_INDEX_4
    ATTRIBUTE_INDEX_5 = AP_EL1_ATTRIBUTE_INDEX_5
    ATTRIBUTE_INDEX_6 = AP_EL1_ATTRIBUTE_INDEX_6
    ATTRIBUTE_INDEX_7 = AP_EL1_ATTRIBUTE_INDEX_7
    NS = AP_EL1_NS
    USER = AP_EL1_USER
    READ_ONLY = AP_EL1_READ_ONLY
    OUTER_SHAREABLE = AP_EL1_OUTER_SHAREABLE
    INNER_SHAREABLE = AP_EL1_INNER_SHAREABLE
    ACCESSED = AP_EL1_ACCESSED
    NON_GLOBAL = AP_EL1_NON_GLOBAL
    NT = AP_EL1_NT
    GP = AP_EL1_GP
    DBM = AP_EL1_DBM
    CONTIGUOUS_OR_PROTECTED = AP_EL1_CONTIGUOUS_OR_PROTECTED
    PXN = AP_EL1_PXN
    UXN = AP_EL1_UXN
    SWFLAG_0 = AP_EL1_SWFLAG_0
    SWFLAG_1 = AP_EL1_SWFLAG_1
    SWFLAG_2 = AP_EL1_SWFLAG_2
    SWFLAG_3 = AP_EL1_SWFLAG_3
    PXN_TABLE = AP_EL1_PXN_TABLE
    XN_TABLE = AP_EL1_XN_TABLE
    AP_TABLE_NO_EL0 = AP_EL1_AP_TABLE_NO_EL0
    AP_TABLE_NO_WRITE = AP_EL1_AP_TABLE_NO_WRITE
    NS_TABLE = AP_EL1_NS_TABLE
    SHAREABILITY_MASK = AP_EL1_SHAREABILITY_MASK
    ATTRIBUTE_INDEX_MASK = AP_EL1_ATTRIBUTE_INDEX_MASK
    AP_MASK = AP_EL1_AP_MASK
    PBHA_MASK = AP_EL1_PBHA_MASK

    @classmethod
    def _field_masks(cls) -> "tuple[int, ...]":
        return (AP_EL1_ATTRIBUTE_INDEX_MASK, AP_EL1_SHAREABILITY_MASK)


class El23Attr(_Attributes, boundary=enum.KEEP):
    """Descriptor attributes of the EL2 and EL3 regimes (AP_EL23_*)."""

    VALID = AP_EL23_VALID
    TABLE_OR_PAGE = AP_EL23_TABLE_OR_PAGE
    ATTRIBUTE_INDEX_0 = AP_EL23_ATTRIBUTE_INDEX_0
    ATTRIBUTE_INDEX_1 = AP_EL23_ATTRIBUTE_INDEX_1
    ATTRIBUTE_INDEX_2 = AP_EL23_ATTRIBUTE_INDEX_2
    ATTRIBUTE_INDEX_3 = AP_EL23_ATTRIBUTE_INDEX_3
    ATTRIBUTE_INDEX_4 = AP_EL23_ATTRIBUTE_INDEX_4
    ATTRIBUTE_INDEX_5 = AP_EL23_ATTRIBUTE_INDEX_5
    ATTRIBUTE_INDEX_6 = AP_EL23_ATTRIBUTE_INDEX_6
    ATTRIBUTE_INDEX_7 = AP_EL23_ATTRIBUTE_INDEX_7
    NS = AP_EL23_NS
    USER_RES1 = AP_EL23_USER_RES1
    READ_ONLY = AP_EL23_READ_ONLY
    OUTER_SHAREABLE = AP_EL23_OUTER_SHAREABLE
    INNER_SHAREABLE = AP_EL23_INNER_SHAREABLE
    ACCESSED = AP_EL23_ACCESSED
    NON_GLOBAL = AP_EL23_NON_GLOBAL
    NT = AP_EL23_NT
    GP = AP_EL23_GP
    DBM = AP_EL23_DBM
    CONTIGUOUS_OR_PROTECTED = AP_EL23_CONTIGUOUS_OR_PROTECTED
    XN = AP_EL23_XN
    SWFLAG_0 = AP_EL23_SWFLAG_0
    SWFLAG_1 = AP_EL23_SWFLAG_1
    SWFLAG_2 = AP_EL23_SWFLAG_2
    SWFLAG_3 = AP_EL23_SWFLAG_3
    PXN_TABLE = AP_EL23_PXN_TABLE
    XN_TABLE = AP_EL23_XN_TABLE
    AP_TABLE_NO_EL0 = AP_EL23_AP_TABLE_NO_EL0
    AP_TABLE_NO_WRITE = AP_EL23_AP_TABLE_NO_WRITE
    NS_TABLE = AP_EL23_NS_TABLE
    SHAREABILITY_MASK = AP_EL23_SHAREABILITY_MASK
    ATTRIBUTE_INDEX_MASK = AP_EL23_ATTRIBUTE_INDEX_MASK
    AP_MASK = AP_EL23_AP_MASK
    NSE = AP_EL23_NSE
    PBHA_MASK = AP_EL23_PBHA_MASK

    @classmethod
    def _field_masks(cls) -> "tuple[int, ...]":
        return (AP_EL23_ATTRIBUTE_INDEX_MASK, AP_EL23_SHAREABILITY_MASK)


class S2Attr(_Attributes, boundary=enum.KEEP):
    """Descriptor attributes of stage 2 (AP_S2_*). The memory type field is
    named as a device type, or as an outer and an inner normal type."""

    VALID = AP_S2_VALID
    TABLE_OR_PAGE = AP_S2_TABLE_OR_PAGE
    MEMATTR_DEVICE_nGnRnE = AP_S2_MEMATTR_DEVICE_nGnRnE
    MEMATTR_DEVICE_nGnRE = AP_S2_MEMATTR_DEVICE_nGnRE
    MEMATTR_DEVICE_nGRE = AP_S2_MEMATTR_DEVICE_nGRE
    MEMATTR_DEVICE_GRE = AP_S2_MEMATTR_DEVICE_GRE
    MEMATTR_NORMAL_INNER_NC = AP_S2_MEMATTR_NORMAL_INNER_NC
    MEMATTR_NORMAL_INNER_WT = AP_S2_MEMATTR_NORMAL_INNER_WT
    MEMATTR_NORMAL_INNER_WB = AP_S2_MEMATTR_NORMAL_INNER_WB
    MEMATTR_NORMAL_OUTER_NC = AP_S2_MEMATTR_NORMAL_OUTER_NC
    MEMATTR_NORMAL_OUTER_WT = AP_S2_MEMATTR_NORMAL_OUTER_WT
    MEMATTR_NORMAL_OUTER_WB = AP_S2_MEMATTR_NORMAL_OUTER_WB
    S2AP_ACCESS_NONE = AP_S2_S2AP_ACCESS_NONE
    S2AP_ACCESS_RO = AP_S2_S2AP_ACCESS_RO
    S2AP_ACCESS_WO = AP_S2_S2AP_ACCESS_WO
    S2AP_ACCESS_RW = AP_S2_S2AP_ACCESS_RW
    SH_NONE = AP_S2_SH_NONE
    SH_OUTER = AP_S2_SH_OUTER
    SH_INNER = AP_S2_SH_INNER
    ACCESS_FLAG = AP_S2_ACCESS_FLAG
    FNXS = AP_S2_FNXS
    DBM = AP_S2_DBM
    CONTIGUOUS = AP_S2_CONTIGUOUS
    XN0 = AP_S2_XN0
    XN = AP_S2_XN
    SWFLAG_0 = AP_S2_SWFLAG_0
    SWFLAG_1 = AP_S2_SWFLAG_1
    SWFLAG_2 = AP_S2_SWFLAG_2
    SWFLAG_3 = AP_S2_SWFLAG_3
    MEMATTR_MASK = AP_S2_MEMATTR_MASK
    S2AP_MASK = AP_S2_S2AP_MASK
    SH_MASK = AP_S2_SH_MASK
    XN_MASK = AP_S2_XN_MASK
    PBHA_MASK = AP_S2_PBHA_MASK

    @classmethod
    def _field_masks(cls) -> "tuple[int, ...]":
        return (AP_S2_S2AP_MASK, AP_S2_SH_MASK)

    @classmethod
    def _field_names(cls, value: int) -> "tuple[list[str], int]":
        names, value = super()._field_names(value)
        memattr = value & AP_S2_MEMATTR_MASK
        outer = memattr & AP_S2_MEMATTR_NORMAL_OUTER_WB
        if outer:  # normal memory: outer and inner cacheability
            parts = ((outer, "MEMATTR_NORMAL_OUTER_"), (memattr & ~outer, "MEMATTR_NORMAL_INNER_"))
        else:  # device memory (nGnRnE is 0 and not named)
            parts = ((memattr, "MEMATTR_DEVICE_"),)
        for part, prefix in parts:
            for name, member in cls.__members__.items():
                if part and member._value_ == part and name.startswith(prefix):
                    names.append(name)
                    value &= ~part
                    break
        return names, value


# ---------------------------------------------------------------- enums
class RegimeKind(enum.IntEnum):
    """ap_regime_kind_t (the AP_REGIME_* values)."""
    EL1AND0 = AP_REGIME_EL1AND0
    EL2AND0 = AP_REGIME_EL2AND0
    EL2 = AP_REGIME_EL2
    EL3 = AP_REGIME_EL3
    STAGE2 = AP_REGIME_STAGE2

    @property
    def attributes(self) -> "type[El1Attr] | type[El23Attr] | type[S2Attr]":
        """The attribute set of this regime's descriptor format."""
        return attributes_for(self)


def attributes_for(kind: int) -> "type[El1Attr] | type[El23Attr] | type[S2Attr]":
    """The attribute class of regime @p kind's descriptors: :class:`El1Attr`
    (EL1&0, EL2&0), :class:`El23Attr` (EL2, EL3) or :class:`S2Attr` (stage 2)."""
    kind = RegimeKind(kind)
    if kind in (RegimeKind.EL1AND0, RegimeKind.EL2AND0):
        return El1Attr
    if kind is RegimeKind.STAGE2:
        return S2Attr
    return El23Attr


class Granule(enum.IntEnum):
    """ap_granule_t (the AP_GRANULE_* values); :meth:`of` also takes a page
    size (4096, 16384, 65536) or text ("4K", "16KiB", "64k")."""
    SIZE_4K = AP_GRANULE_4K
    SIZE_16K = AP_GRANULE_16K
    SIZE_64K = AP_GRANULE_64K

    @property
    def page_size(self) -> int:
        """Bytes of a page: 4096, 16384 or 65536."""
        return 4096 << (2 * self.value)

    @classmethod
    def of(cls, value: "int | str") -> "Granule":
        """The granule @p value names: a Granule or AP_GRANULE_* value, a page
        size in bytes, or text such as "4K", "16KiB", "64k" (ValueError
        otherwise)."""
        if isinstance(value, str):
            text = value.strip().upper().replace("IB", "").replace("B", "")
            for g in cls:
                if text == "%dK" % (g.page_size >> 10):
                    return g
            raise ValueError("not a granule: %r (4K, 16K or 64K)" % value)
        if isinstance(value, int) and not isinstance(value, bool):
            for g in cls:
                if value in (g.value, g.page_size):
                    return g
        raise ValueError("not a granule: %r (4K, 16K or 64K, or their page sizes)" % (value,))


class VaRange(enum.IntEnum):
    """ap_va_range_t: the lower (TTBR0) or upper (TTBR1) range."""
    LOWER = AP_VA_RANGE_LOWER
    UPPER = AP_VA_RANGE_UPPER


class Constraint(enum.IntFlag):
    """ap_constraints_t: what :meth:`Mapping.map` must not use."""
    NONE = AP_CONSTRAINT_NONE
    NO_BLOCK_MAPPINGS = AP_CONSTRAINT_NO_BLOCK_MAPPINGS
    NO_CONTIGUOUS_HINT = AP_CONSTRAINT_NO_CONTIGUOUS_HINT
