// SPDX-License-Identifier: MIT OR Apache-2.0
//! Attribute bits of the three descriptor formats, as the header names them.
//! (Written from `<aarch64_paging.h>`; the tests compare them with the
//! library's own names for each bit.)

/// Bits shared by every format.
pub mod attr {
    /// `AP_ATTR_VALID`.
    pub const VALID: u64 = 0x1;
    /// `AP_ATTR_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: u64 = 0x2;
}

/// EL1&0 and EL2&0 stage 1.
pub mod el1 {
    /// `AP_EL1_VALID`.
    pub const VALID: u64 = 0x1;
    /// `AP_EL1_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: u64 = 0x2;
    /// `AP_EL1_ATTRIBUTE_INDEX_0`.
    pub const ATTRIBUTE_INDEX_0: u64 = 0x0;
    /// `AP_EL1_ATTRIBUTE_INDEX_1`.
    pub const ATTRIBUTE_INDEX_1: u64 = 0x4;
    /// `AP_EL1_ATTRIBUTE_INDEX_2`.
    pub const ATTRIBUTE_INDEX_2: u64 = 0x8;
    /// `AP_EL1_ATTRIBUTE_INDEX_3`.
    pub const ATTRIBUTE_INDEX_3: u64 = 0xc;
    /// `AP_EL1_ATTRIBUTE_INDEX_4`.
    pub const ATTRIBUTE_INDEX_4: u64 = 0x10;
    /// `AP_EL1_ATTRIBUTE_INDEX_5`.
    pub const ATTRIBUTE_INDEX_5: u64 = 0x14;
    /// `AP_EL1_ATTRIBUTE_INDEX_6`.
    pub const ATTRIBUTE_INDEX_6: u64 = 0x18;
    /// `AP_EL1_ATTRIBUTE_INDEX_7`.
    pub const ATTRIBUTE_INDEX_7: u64 = 0x1c;
    /// `AP_EL1_NS`.
    pub const NS: u64 = 0x20;
    /// `AP_EL1_USER`.
    pub const USER: u64 = 0x40;
    /// `AP_EL1_READ_ONLY`.
    pub const READ_ONLY: u64 = 0x80;
    /// `AP_EL1_OUTER_SHAREABLE`.
    pub const OUTER_SHAREABLE: u64 = 0x200;
    /// `AP_EL1_INNER_SHAREABLE`.
    pub const INNER_SHAREABLE: u64 = 0x300;
    /// `AP_EL1_ACCESSED`.
    pub const ACCESSED: u64 = 0x400;
    /// `AP_EL1_NON_GLOBAL`.
    pub const NON_GLOBAL: u64 = 0x800;
    /// `AP_EL1_NT`.
    pub const NT: u64 = 0x10000;
    /// `AP_EL1_GP`.
    pub const GP: u64 = 0x4000000000000;
    /// `AP_EL1_DBM`.
    pub const DBM: u64 = 0x8000000000000;
    /// `AP_EL1_CONTIGUOUS_OR_PROTECTED`.
    pub const CONTIGUOUS_OR_PROTECTED: u64 = 0x10000000000000;
    /// `AP_EL1_PXN`.
    pub const PXN: u64 = 0x20000000000000;
    /// `AP_EL1_UXN`.
    pub const UXN: u64 = 0x40000000000000;
    /// `AP_EL1_SWFLAG_0`.
    pub const SWFLAG_0: u64 = 0x80000000000000;
    /// `AP_EL1_SWFLAG_1`.
    pub const SWFLAG_1: u64 = 0x100000000000000;
    /// `AP_EL1_SWFLAG_2`.
    pub const SWFLAG_2: u64 = 0x200000000000000;
    /// `AP_EL1_SWFLAG_3`.
    pub const SWFLAG_3: u64 = 0x400000000000000;
    /// `AP_EL1_PXN_TABLE`.
    pub const PXN_TABLE: u64 = 0x800000000000000;
    /// `AP_EL1_XN_TABLE`.
    pub const XN_TABLE: u64 = 0x1000000000000000;
    /// `AP_EL1_AP_TABLE_NO_EL0`.
    pub const AP_TABLE_NO_EL0: u64 = 0x2000000000000000;
    /// `AP_EL1_AP_TABLE_NO_WRITE`.
    pub const AP_TABLE_NO_WRITE: u64 = 0x4000000000000000;
    /// `AP_EL1_NS_TABLE`.
    pub const NS_TABLE: u64 = 0x8000000000000000;
    /// `AP_EL1_SHAREABILITY_MASK`.
    pub const SHAREABILITY_MASK: u64 = 0x300;
    /// `AP_EL1_ATTRIBUTE_INDEX_MASK`.
    pub const ATTRIBUTE_INDEX_MASK: u64 = 0x1c;
    /// `AP_EL1_AP_MASK`.
    pub const AP_MASK: u64 = 0xc0;
    /// `AP_EL1_PBHA_MASK`.
    pub const PBHA_MASK: u64 = 0x7800000000000000;
}

/// EL2 and EL3 stage 1.
pub mod el23 {
    /// `AP_EL23_VALID`.
    pub const VALID: u64 = 0x1;
    /// `AP_EL23_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: u64 = 0x2;
    /// `AP_EL23_ATTRIBUTE_INDEX_0`.
    pub const ATTRIBUTE_INDEX_0: u64 = 0x0;
    /// `AP_EL23_ATTRIBUTE_INDEX_1`.
    pub const ATTRIBUTE_INDEX_1: u64 = 0x4;
    /// `AP_EL23_ATTRIBUTE_INDEX_2`.
    pub const ATTRIBUTE_INDEX_2: u64 = 0x8;
    /// `AP_EL23_ATTRIBUTE_INDEX_3`.
    pub const ATTRIBUTE_INDEX_3: u64 = 0xc;
    /// `AP_EL23_ATTRIBUTE_INDEX_4`.
    pub const ATTRIBUTE_INDEX_4: u64 = 0x10;
    /// `AP_EL23_ATTRIBUTE_INDEX_5`.
    pub const ATTRIBUTE_INDEX_5: u64 = 0x14;
    /// `AP_EL23_ATTRIBUTE_INDEX_6`.
    pub const ATTRIBUTE_INDEX_6: u64 = 0x18;
    /// `AP_EL23_ATTRIBUTE_INDEX_7`.
    pub const ATTRIBUTE_INDEX_7: u64 = 0x1c;
    /// `AP_EL23_NS`.
    pub const NS: u64 = 0x20;
    /// `AP_EL23_USER_RES1`.
    pub const USER_RES1: u64 = 0x40;
    /// `AP_EL23_READ_ONLY`.
    pub const READ_ONLY: u64 = 0x80;
    /// `AP_EL23_OUTER_SHAREABLE`.
    pub const OUTER_SHAREABLE: u64 = 0x200;
    /// `AP_EL23_INNER_SHAREABLE`.
    pub const INNER_SHAREABLE: u64 = 0x300;
    /// `AP_EL23_ACCESSED`.
    pub const ACCESSED: u64 = 0x400;
    /// `AP_EL23_NON_GLOBAL`.
    pub const NON_GLOBAL: u64 = 0x800;
    /// `AP_EL23_NT`.
    pub const NT: u64 = 0x10000;
    /// `AP_EL23_GP`.
    pub const GP: u64 = 0x4000000000000;
    /// `AP_EL23_DBM`.
    pub const DBM: u64 = 0x8000000000000;
    /// `AP_EL23_CONTIGUOUS_OR_PROTECTED`.
    pub const CONTIGUOUS_OR_PROTECTED: u64 = 0x10000000000000;
    /// `AP_EL23_XN`.
    pub const XN: u64 = 0x40000000000000;
    /// `AP_EL23_SWFLAG_0`.
    pub const SWFLAG_0: u64 = 0x80000000000000;
    /// `AP_EL23_SWFLAG_1`.
    pub const SWFLAG_1: u64 = 0x100000000000000;
    /// `AP_EL23_SWFLAG_2`.
    pub const SWFLAG_2: u64 = 0x200000000000000;
    /// `AP_EL23_SWFLAG_3`.
    pub const SWFLAG_3: u64 = 0x400000000000000;
    /// `AP_EL23_PXN_TABLE`.
    pub const PXN_TABLE: u64 = 0x800000000000000;
    /// `AP_EL23_XN_TABLE`.
    pub const XN_TABLE: u64 = 0x1000000000000000;
    /// `AP_EL23_AP_TABLE_NO_EL0`.
    pub const AP_TABLE_NO_EL0: u64 = 0x2000000000000000;
    /// `AP_EL23_AP_TABLE_NO_WRITE`.
    pub const AP_TABLE_NO_WRITE: u64 = 0x4000000000000000;
    /// `AP_EL23_NS_TABLE`.
    pub const NS_TABLE: u64 = 0x8000000000000000;
    /// `AP_EL23_SHAREABILITY_MASK`.
    pub const SHAREABILITY_MASK: u64 = 0x300;
    /// `AP_EL23_ATTRIBUTE_INDEX_MASK`.
    pub const ATTRIBUTE_INDEX_MASK: u64 = 0x1c;
    /// `AP_EL23_AP_MASK`.
    pub const AP_MASK: u64 = 0xc0;
    /// `AP_EL23_NSE`.
    pub const NSE: u64 = 0x800;
    /// `AP_EL23_PBHA_MASK`.
    pub const PBHA_MASK: u64 = 0x7800000000000000;
}

/// Stage 2.
pub mod stage2 {
    /// `AP_S2_VALID`.
    pub const VALID: u64 = 0x1;
    /// `AP_S2_TABLE_OR_PAGE`.
    pub const TABLE_OR_PAGE: u64 = 0x2;
    /// `AP_S2_MEMATTR_DEVICE_nGnRnE`.
    pub const MEMATTR_DEVICE_NGNRNE: u64 = 0x0;
    /// `AP_S2_MEMATTR_DEVICE_nGnRE`.
    pub const MEMATTR_DEVICE_NGNRE: u64 = 0x4;
    /// `AP_S2_MEMATTR_DEVICE_nGRE`.
    pub const MEMATTR_DEVICE_NGRE: u64 = 0x8;
    /// `AP_S2_MEMATTR_DEVICE_GRE`.
    pub const MEMATTR_DEVICE_GRE: u64 = 0xc;
    /// `AP_S2_MEMATTR_NORMAL_INNER_NC`.
    pub const MEMATTR_NORMAL_INNER_NC: u64 = 0x4;
    /// `AP_S2_MEMATTR_NORMAL_INNER_WT`.
    pub const MEMATTR_NORMAL_INNER_WT: u64 = 0x8;
    /// `AP_S2_MEMATTR_NORMAL_INNER_WB`.
    pub const MEMATTR_NORMAL_INNER_WB: u64 = 0xc;
    /// `AP_S2_MEMATTR_NORMAL_OUTER_NC`.
    pub const MEMATTR_NORMAL_OUTER_NC: u64 = 0x10;
    /// `AP_S2_MEMATTR_NORMAL_OUTER_WT`.
    pub const MEMATTR_NORMAL_OUTER_WT: u64 = 0x20;
    /// `AP_S2_MEMATTR_NORMAL_OUTER_WB`.
    pub const MEMATTR_NORMAL_OUTER_WB: u64 = 0x30;
    /// `AP_S2_S2AP_ACCESS_NONE`.
    pub const S2AP_ACCESS_NONE: u64 = 0x0;
    /// `AP_S2_S2AP_ACCESS_RO`.
    pub const S2AP_ACCESS_RO: u64 = 0x40;
    /// `AP_S2_S2AP_ACCESS_WO`.
    pub const S2AP_ACCESS_WO: u64 = 0x80;
    /// `AP_S2_S2AP_ACCESS_RW`.
    pub const S2AP_ACCESS_RW: u64 = 0xc0;
    /// `AP_S2_SH_NONE`.
    pub const SH_NONE: u64 = 0x0;
    /// `AP_S2_SH_OUTER`.
    pub const SH_OUTER: u64 = 0x200;
    /// `AP_S2_SH_INNER`.
    pub const SH_INNER: u64 = 0x300;
    /// `AP_S2_ACCESS_FLAG`.
    pub const ACCESS_FLAG: u64 = 0x400;
    /// `AP_S2_XN`.
    pub const XN: u64 = 0x40000000000000;
    /// `AP_S2_SWFLAG_0`.
    pub const SWFLAG_0: u64 = 0x80000000000000;
    /// `AP_S2_SWFLAG_1`.
    pub const SWFLAG_1: u64 = 0x100000000000000;
    /// `AP_S2_SWFLAG_2`.
    pub const SWFLAG_2: u64 = 0x200000000000000;
    /// `AP_S2_SWFLAG_3`.
    pub const SWFLAG_3: u64 = 0x400000000000000;
    /// `AP_S2_FNXS`.
    pub const FNXS: u64 = 0x800;
    /// `AP_S2_DBM`.
    pub const DBM: u64 = 0x8000000000000;
    /// `AP_S2_CONTIGUOUS`.
    pub const CONTIGUOUS: u64 = 0x10000000000000;
    /// `AP_S2_XN0`.
    pub const XN0: u64 = 0x20000000000000;
    /// `AP_S2_MEMATTR_MASK`.
    pub const MEMATTR_MASK: u64 = 0x3c;
    /// `AP_S2_S2AP_MASK`.
    pub const S2AP_MASK: u64 = 0xc0;
    /// `AP_S2_SH_MASK`.
    pub const SH_MASK: u64 = 0x300;
    /// `AP_S2_XN_MASK`.
    pub const XN_MASK: u64 = 0x60000000000000;
    /// `AP_S2_PBHA_MASK`.
    pub const PBHA_MASK: u64 = 0x7800000000000000;
}
