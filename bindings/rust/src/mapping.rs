// SPDX-License-Identifier: MIT OR Apache-2.0
//! Mappings: one table hierarchy and its state.
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::address::{PhysicalAddress, VirtualAddress};
use crate::attrs::{Attributes, El1Attributes};
use crate::error::{check, check_detail, detail, CallbackError, Error, ErrorKind, Result};
use crate::ffi;
use crate::regime::{Regime, RegimeKind};
use crate::region::Region;
use crate::translation::{self, Translation};

/// Which half of the input address space a stage 1 table serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VaRange {
    /// From 0 upward (TTBR0).
    #[default]
    Lower = 0,
    /// Up to 2^64 (TTBR1).
    Upper = 1,
}

impl VaRange {
    /// The range of a C `ap_va_range_t` (anything but 1 is the lower one).
    pub(crate) fn from_raw(raw: i32) -> VaRange {
        if raw == 1 {
            VaRange::Upper
        } else {
            VaRange::Lower
        }
    }
}

/// The translation granule (`ap_granule_t`): the page size and the size
/// of every table.
///
/// ```
/// use aarch64_paging_c::{El1Attributes as A, Constraints, Granule, Mapping, MappingOptions, Region, VirtualAddress};
///
/// let options = MappingOptions { granule: Granule::Size64KiB, input_bits: 42, ..Default::default() };
/// let mut map = Mapping::identity(&options)?;
/// let ram = Region::from_size(0x4000_0000, 0x2000_0000)?;
/// map.map_auto(&ram, A::VALID | A::ACCESSED | A::ATTRIBUTE_INDEX_1, Constraints::empty())?;
/// assert_eq!(map.translate(VirtualAddress(0x4123_4567))?.block_size, 512 << 20);
/// let control = map.translation_control()?;
/// assert_eq!((control.tsz, control.tg, control.root_level), (22, 1, 2));
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Granule {
    /// 4 KiB pages; 512-entry tables; blocks at levels 1 (1 GiB) and 2 (2 MiB).
    #[default]
    Size4KiB = ffi::AP_GRANULE_4K as isize,
    /// 16 KiB pages; 2048-entry tables; blocks at level 2 (32 MiB).
    Size16KiB = ffi::AP_GRANULE_16K as isize,
    /// 64 KiB pages; 8192-entry tables; blocks at level 2 (512 MiB); no level 0.
    Size64KiB = ffi::AP_GRANULE_64K as isize,
}

impl Granule {
    /// The page size in bytes, which is also the size of a table.
    pub fn page_size(self) -> u64 {
        match self {
            Granule::Size4KiB => 0x1000,
            Granule::Size16KiB => 0x4000,
            Granule::Size64KiB => 0x1_0000,
        }
    }

    pub(crate) fn from_raw(raw: ffi::ap_granule_t) -> Granule {
        match raw {
            ffi::AP_GRANULE_16K => Granule::Size16KiB,
            ffi::AP_GRANULE_64K => Granule::Size64KiB,
            _ => Granule::Size4KiB,
        }
    }
}

/// How a [`Mapping::map`] may lay out its descriptors: a set of the
/// `AP_CONSTRAINT_*` bits.
///
/// ```
/// use aarch64_paging_c::Constraints;
///
/// let pages_only = Constraints::NO_BLOCK_MAPPINGS | Constraints::NO_CONTIGUOUS_HINT;
/// assert!(pages_only.contains(Constraints::NO_BLOCK_MAPPINGS));
/// assert!(!Constraints::empty().contains(Constraints::NO_CONTIGUOUS_HINT));
/// assert_eq!(format!("{pages_only:?}"), "Constraints(NO_BLOCK_MAPPINGS | NO_CONTIGUOUS_HINT)");
/// assert_eq!(format!("{:?}", Constraints::NONE), "Constraints(NONE)");
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Constraints(u32);

impl Constraints {
    /// No constraint: the same as [`Constraints::empty`].
    pub const NONE: Constraints = Constraints(0);
    /// Pages only, no block mappings (`AP_CONSTRAINT_NO_BLOCK_MAPPINGS`).
    pub const NO_BLOCK_MAPPINGS: Constraints = Constraints(1);
    /// No contiguous hint (`AP_CONSTRAINT_NO_CONTIGUOUS_HINT`).
    pub const NO_CONTIGUOUS_HINT: Constraints = Constraints(2);

    const NAMES: [(&'static str, Constraints); 2] =
        [("NO_BLOCK_MAPPINGS", Constraints::NO_BLOCK_MAPPINGS), ("NO_CONTIGUOUS_HINT", Constraints::NO_CONTIGUOUS_HINT)];

    /// No constraint.
    pub const fn empty() -> Constraints {
        Constraints(0)
    }
    /// Every constraint this binding knows.
    pub const fn all() -> Constraints {
        Constraints(3)
    }
    /// The `AP_CONSTRAINT_*` bits.
    pub const fn bits(self) -> u32 {
        self.0
    }
    /// The set of these bits, or `None` if one is not a known constraint.
    pub const fn from_bits(bits: u32) -> Option<Constraints> {
        if bits & !Constraints::all().0 == 0 {
            Some(Constraints(bits))
        } else {
            None
        }
    }
    /// Whether no constraint is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Whether every constraint of `other` is set in `self`.
    pub const fn contains(self, other: Constraints) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Constraints {
    type Output = Constraints;
    fn bitor(self, other: Constraints) -> Constraints {
        Constraints(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Constraints {
    fn bitor_assign(&mut self, other: Constraints) {
        self.0 |= other.0;
    }
}

/// The names of the set constraints, e.g.
/// `Constraints(NO_BLOCK_MAPPINGS | NO_CONTIGUOUS_HINT)`, or
/// `Constraints(NONE)`.
impl std::fmt::Debug for Constraints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = Constraints::NAMES.iter().filter(|(_, c)| self.contains(*c)).map(|(n, _)| *n).collect();
        if names.is_empty() {
            write!(f, "Constraints(NONE)")
        } else {
            write!(f, "Constraints({})", names.join(" | "))
        }
    }
}

/// How to create a mapping.
#[derive(Clone, Default)]
pub struct MappingOptions {
    /// The regime; `None` is the built-in EL1&0 regime.
    pub regime: Option<Regime>,
    /// Used when `input_bits` is 0: the root is one whole table at this
    /// level (0..=3), covering 2^(48 - 9 * root_level) bytes with 4 KiB
    /// granules. Must be 0 when `input_bits` is set.
    pub root_level: u32,
    /// ASID (EL1&0 and EL2&0 only).
    pub asid: u16,
    /// Lower or upper (EL1&0 and EL2&0 only).
    pub va_range: VaRange,
    /// The translation granule (library 0.4.0 and later).
    pub granule: Granule,
    /// The input address size in bits, 25..=48 (TnSZ = 64 - `input_bits`),
    /// or 0 for the `root_level` rule. The library starts the walk at the
    /// level that resolves the top address bit.
    pub input_bits: u32,
    /// Stage 2 with `input_bits`: at most this many concatenated root
    /// tables (1, 2, 4, 8 or 16); 0 means up to 16, 1 never concatenates.
    /// Must be 0 or 1 for stage 1 and without `input_bits`.
    pub max_root_tables: u32,
    /// Stage 1: the MAIR_ELx value the tables are used with (see
    /// [`crate::mair::from_attributes`]), or 0 when not told. The library
    /// only names memory types with it: [`DumpFormat::Svg`] colours regions
    /// normal or device. Must be 0 for stage 2.
    pub mair: u64,
}

impl MappingOptions {
    fn raw(&self) -> ffi::ap_mapping_options_t {
        ffi::ap_mapping_options_t {
            size: std::mem::size_of::<ffi::ap_mapping_options_t>(),
            regime: self.regime.as_ref().map_or(std::ptr::null(), |r| r.raw()),
            root_level: self.root_level,
            asid: self.asid,
            va_range: self.va_range as i32,
            reserved: 0,
            granule: self.granule as ffi::ap_granule_t,
            input_bits: self.input_bits,
            max_root_tables: self.max_root_tables,
            mair: self.mair,
        }
    }
}

/// The layouts of [`Mapping::dump_as`] (`ap_dump_format_t`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DumpFormat {
    /// The layout of [`Mapping::dump`], after the reference crate's Debug output.
    #[default]
    Reference = ffi::AP_DUMP_REFERENCE as isize,
    /// One line per table and per run of entries, with input ranges,
    /// output addresses and attributes by field.
    Ranges = ffi::AP_DUMP_RANGES as isize,
    /// The same as `Ranges`, as one JSON object.
    Json = ffi::AP_DUMP_JSON as isize,
    /// The input address space as an SVG picture: regions as bands
    /// labelled with their addresses, breaks for unmapped space.
    Svg = ffi::AP_DUMP_SVG as isize,
}

/// What [`Mapping::translate`] found, with attributes in the mapping's
/// format `A`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TranslateResult<A: Attributes = El1Attributes> {
    /// Whether the address is mapped; if not, `level` is where the walk faulted.
    pub mapped: bool,
    /// The output address, with the offset inside the page or block.
    pub output_address: PhysicalAddress,
    /// Attribute bits of the final descriptor.
    pub attributes: A,
    /// Table attribute bits gathered on the way (the `*_TABLE` bits).
    pub table_attributes: A,
    /// Raw final descriptor.
    pub descriptor: u64,
    /// Level of the final descriptor.
    pub level: u32,
    /// Bytes the final descriptor covers.
    pub block_size: u64,
}

/// The translation control register fields a mapping's tables need
/// (`ap_translation_control_t`), from [`Mapping::translation_control`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TranslationControl {
    /// TnSZ, TGn and (stage 2) SL0 in their places in TCR_ELx or
    /// VTCR_EL2; every other bit is 0.
    pub tcr: u64,
    /// The register bits those fields take: write `(reg & !tcr_mask) | tcr`.
    pub tcr_mask: u64,
    /// The TTBR (VTTBR) value, the same as [`Mapping::ttbr`].
    pub ttbr: u64,
    /// Size of the input address space: 2^`input_bits` bytes.
    pub input_bits: u32,
    /// TnSZ (VTCR_EL2.T0SZ): 64 - `input_bits`.
    pub tsz: u32,
    /// The granule in the encoding of this range's field (TG0 for the
    /// lower range and stage 2, TG1 for the upper range).
    pub tg: u32,
    /// VTCR_EL2.SL0 for the root level (stage 2); 0 for stage 1.
    pub sl0: u32,
    /// The mapping's granule.
    pub granule: Granule,
    /// The starting level of the walk.
    pub root_level: u32,
    /// Entries of the root: fewer than a table's for a small top level,
    /// more for a concatenated stage 2 root.
    pub root_entries: u32,
    /// Concatenated tables the root is made of (1 unless stage 2
    /// concatenates).
    pub root_tables: u32,
}

/// A descriptor handed to a [`Mapping::modify`] closure, in the mapping's
/// format `A`.
pub struct Descriptor<'a, A: Attributes = El1Attributes> {
    raw: *mut ffi::ap_descriptor_t,
    _call: PhantomData<(&'a mut (), A)>,
}

impl<A: Attributes> Descriptor<'_, A> {
    /// Level (0..=3) of the table holding it.
    pub fn level(&self) -> u32 {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        unsafe { ffi::ap_descriptor_level(self.raw) }
    }
    /// Raw bits.
    pub fn bits(&self) -> u64 {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        unsafe { ffi::ap_descriptor_bits(self.raw) }
    }
    /// Output address, decoded for its level.
    pub fn output_address(&self) -> PhysicalAddress {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        PhysicalAddress(unsafe { ffi::ap_descriptor_output_address(self.raw) })
    }
    /// Attribute bits, decoded for its level.
    pub fn flags(&self) -> A {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        A::from_bits_retain(unsafe { ffi::ap_descriptor_flags(self.raw) })
    }
    /// Whether it is valid.
    pub fn is_valid(&self) -> bool {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        unsafe { ffi::ap_descriptor_is_valid(self.raw) }
    }
    /// Whether it points to a next-level table.
    pub fn is_table(&self) -> bool {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        unsafe { ffi::ap_descriptor_is_table(self.raw) }
    }
    /// Whether `set` or `modify_flags` changed it.
    pub fn updated(&self) -> bool {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        unsafe { ffi::ap_descriptor_updated(self.raw) }
    }
    /// Sets output address and flags (break-before-make checked when live).
    pub fn set(&mut self, pa: PhysicalAddress, flags: A) -> Result<()> {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        check(unsafe { ffi::ap_descriptor_set(self.raw, pa.0, flags.bits()) })
    }
    /// Sets and clears flag bits, keeping the output address.
    pub fn modify_flags(&mut self, set: A, clear: A) -> Result<()> {
        // SAFETY: self.raw is the descriptor the C core handed to the modify callback that made this Descriptor; the lifetime 'a keeps it within that callback.
        check(unsafe { ffi::ap_descriptor_modify_flags(self.raw, set.bits(), clear.bits()) })
    }
}

/// A block, page or invalid descriptor handed to a [`Mapping::walk`]
/// closure: its bits and level, decoded in the mapping's format `A`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Entry<A: Attributes = El1Attributes> {
    bits: u64,
    level: u32,
    _format: PhantomData<A>,
}

impl<A: Attributes> Entry<A> {
    /// The raw descriptor.
    pub fn bits(&self) -> u64 {
        self.bits
    }
    /// Level (0..=3) of the table holding it.
    pub fn level(&self) -> u32 {
        self.level
    }
    /// Whether it is valid.
    pub fn is_valid(&self) -> bool {
        crate::pte::is_valid(self.bits)
    }
    /// Output address, decoded for its level.
    pub fn output_address(&self) -> PhysicalAddress {
        PhysicalAddress(crate::pte::output_address(self.bits, self.level))
    }
    /// Attribute bits, decoded for its level.
    pub fn flags(&self) -> A {
        A::from_bits_retain(crate::pte::flags(self.bits, self.level))
    }
}

/// The level, the raw bits and the decoded flags.
impl<A: Attributes> std::fmt::Debug for Entry<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("level", &self.level)
            .field("bits", &format_args!("{:#x}", self.bits))
            .field("flags", &self.flags())
            .finish()
    }
}

/// One translation table hierarchy. Dropping it frees its tables, unless it
/// is still active: then it is leaked, since hardware may still walk it
/// (use [`Mapping::close`] to learn about that).
///
/// `A` is the descriptor format's attribute type: [`El1Attributes`] (the
/// default) for EL1&0 and EL2&0 stage 1, [`El23Attributes`] for EL2 and
/// EL3, [`Stage2Attributes`] for stage 2. The flags of
/// [`map`](Self::map), [`map_auto`](Self::map_auto),
/// [`modify`](Self::modify) and [`walk`](Self::walk) are of that type, and
/// the constructors refuse a regime of another format with
/// [`ErrorKind::InvalidArgument`]. Rust infers `A` from the flags a mapping
/// is given; name it (`Mapping<_, Stage2Attributes>`) where nothing else
/// does.
///
/// ```
/// use aarch64_paging_c::{Constraints, Mapping, MappingOptions, Regime, RegimeKind, Region};
/// use aarch64_paging_c::{PhysicalAddress, Stage2Attributes as S2};
///
/// let options = MappingOptions { regime: Some(Regime::builtin(RegimeKind::Stage2)?), root_level: 1, ..Default::default() };
/// let mut guest: Mapping<_, S2> = Mapping::identity(&options)?;
/// let ram = Region::from_size(0x4000_0000, 0x1000)?;
/// let normal = S2::VALID | S2::ACCESS_FLAG | S2::S2AP_ACCESS_RW | S2::MEMATTR_NORMAL_OUTER_WB | S2::MEMATTR_NORMAL_INNER_WB;
/// guest.map(&ram, PhysicalAddress(0x8000_0000), normal, Constraints::empty())?;
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
///
/// The same with EL1 flags does not compile: a stage 2 mapping takes
/// [`Stage2Attributes`] only.
///
/// ```compile_fail,E0308
/// use aarch64_paging_c::{Constraints, Mapping, MappingOptions, Regime, RegimeKind, Region};
/// use aarch64_paging_c::{El1Attributes, PhysicalAddress, Stage2Attributes as S2};
///
/// let options = MappingOptions { regime: Some(Regime::builtin(RegimeKind::Stage2)?), root_level: 1, ..Default::default() };
/// let mut guest: Mapping<_, S2> = Mapping::identity(&options)?;
/// let ram = Region::from_size(0x4000_0000, 0x1000)?;
/// let normal = El1Attributes::VALID | El1Attributes::ACCESSED | El1Attributes::ATTRIBUTE_INDEX_1;
/// guest.map(&ram, PhysicalAddress(0x8000_0000), normal, Constraints::empty())?;
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
///
/// Where the regime is only known at run time, the constructor checks it:
///
/// ```
/// use aarch64_paging_c::{El1Attributes, ErrorKind, Mapping, MappingOptions, Regime, RegimeKind};
///
/// let options = MappingOptions { regime: Some(Regime::builtin(RegimeKind::Stage2)?), root_level: 1, ..Default::default() };
/// let err = Mapping::<_, El1Attributes>::identity(&options).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidArgument);
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
///
/// `T` is the type of the caller's [`Translation`] (see
/// [`Mapping::with_translation`]); mappings with the library's own
/// translations (identity, linear, target) have the default `T`, which no
/// translation is ever stored as. A mapping is `Send` exactly when its
/// translation is, so one can move to another thread with it:
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use aarch64_paging_c::{Mapping, MappingOptions, PhysicalAddress, Translation};
/// # use std::alloc::{alloc_zeroed, dealloc, Layout};
/// # use aarch64_paging_c::{El1Attributes as A, Constraints, Region};
/// # const PAGE: Layout = match Layout::from_size_align(4096, 4096) { Ok(l) => l, Err(_) => panic!() };
/// # // SAFETY: PAGE has a non-zero size.
/// # fn page() -> *mut u8 { unsafe { alloc_zeroed(PAGE) } }
/// # // SAFETY: the library frees only tables that page() allocated.
/// # fn unpage(p: *mut u8) { unsafe { dealloc(p, PAGE) } }
///
/// /// Tables from the heap at their own address; counts the live ones in an
/// /// Arc, which is Send.
/// struct Heap(Arc<Mutex<usize>>);
/// // SAFETY: pages come zeroed from the allocator, each used by the library alone until
/// // freed; a table's physical address is its pointer, so physical_to_virtual inverts it.
/// unsafe impl Translation for Heap {
///     fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> {
///         *self.0.lock().unwrap() += 1;
///         let table = page();
///         Some((table, PhysicalAddress(table as u64)))
///     }
///     fn free_table(&mut self, table: *mut u8, _: PhysicalAddress) {
///         *self.0.lock().unwrap() -= 1;
///         unpage(table);
///     }
///     fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8 { pa.0 as *mut u8 }
/// }
///
/// let live = Arc::new(Mutex::new(0));
/// let mut map = Mapping::with_translation(&MappingOptions { root_level: 1, ..Default::default() },
///                                         Box::new(Heap(live.clone())))?;
/// let worker = std::thread::spawn(move || {
///     let ram = Region::from_size(0x4000_0000, 0x1000)?;
///     map.map(&ram, PhysicalAddress(0x4000_0000), A::VALID | A::ACCESSED, Constraints::empty())?;
///     Ok::<_, aarch64_paging_c::Error>(map)
/// });
/// let map = worker.join().unwrap()?;
/// assert_eq!(*live.lock().unwrap(), 3); // root, level 2 and level 3
/// assert_eq!(*map.translation().unwrap().0.lock().unwrap(), 3);
/// drop(map);
/// assert_eq!(*live.lock().unwrap(), 0);
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
///
/// The same with an `Rc`, which is not `Send`, does not compile:
///
/// ```compile_fail,E0277
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use aarch64_paging_c::{Mapping, MappingOptions, PhysicalAddress, Translation};
/// # use std::alloc::{alloc_zeroed, dealloc, Layout};
/// # use aarch64_paging_c::{El1Attributes as A, Constraints, Region};
/// # const PAGE: Layout = match Layout::from_size_align(4096, 4096) { Ok(l) => l, Err(_) => panic!() };
/// # // SAFETY: PAGE has a non-zero size.
/// # fn page() -> *mut u8 { unsafe { alloc_zeroed(PAGE) } }
/// # // SAFETY: the library frees only tables that page() allocated.
/// # fn unpage(p: *mut u8) { unsafe { dealloc(p, PAGE) } }
///
/// /// The same, counting in an Rc, which is not Send.
/// struct Heap(Rc<Cell<usize>>);
/// // SAFETY: pages come zeroed from the allocator, each used by the library alone until
/// // freed; a table's physical address is its pointer, so physical_to_virtual inverts it.
/// unsafe impl Translation for Heap {
///     fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> {
///         self.0.set(self.0.get() + 1);
///         let table = page();
///         Some((table, PhysicalAddress(table as u64)))
///     }
///     fn free_table(&mut self, table: *mut u8, _: PhysicalAddress) {
///         self.0.set(self.0.get() - 1);
///         unpage(table);
///     }
///     fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8 { pa.0 as *mut u8 }
/// }
///
/// let live = Rc::new(Cell::new(0));
/// let mut map = Mapping::with_translation(&MappingOptions { root_level: 1, ..Default::default() },
///                                         Box::new(Heap(live.clone())))?;
/// // The thread would update the Rc's count while this one reads it.
/// let worker = std::thread::spawn(move || {
///     let ram = Region::from_size(0x4000_0000, 0x1000)?;
///     map.map(&ram, PhysicalAddress(0x4000_0000), A::VALID | A::ACCESSED, Constraints::empty())?;
///     Ok::<_, aarch64_paging_c::Error>(map)
/// });
/// let map = worker.join().unwrap()?;
/// assert_eq!(live.get(), 3);
/// # Ok::<(), aarch64_paging_c::Error>(())
/// ```
///
/// A mapping is `Sync` when its translation is: the header lets reads
/// ([`translate`](Self::translate), [`walk`](Self::walk),
/// [`dump`](Self::dump), the getters) run on several threads at once, and
/// every method that takes `&self` is such a read; edits take `&mut self`.
///
/// [`El23Attributes`]: crate::El23Attributes
/// [`Stage2Attributes`]: crate::Stage2Attributes
pub struct Mapping<T: ?Sized = dyn Translation + Send + Sync, A: Attributes = El1Attributes> {
    raw: *mut ffi::ap_mapping_t,
    // The caller's translation, from Box::into_raw (null for the library's
    // own translations). The C core calls back into it through this
    // pointer, so it is kept as a raw pointer rather than a Box that would
    // claim it is never aliased; Drop frees it.
    translation: *mut Box<T>,
    _owns: PhantomData<(Box<T>, A)>,
    _regime: Option<Regime>,
}

/// The mapping's shape, not its tables (`dump_as` shows those).
impl<T: ?Sized, A: Attributes> std::fmt::Debug for Mapping<T, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Mapping");
        d.field("regime", &self.regime_kind());
        if let Ok(control) = self.translation_control() {
            d.field("granule", &control.granule).field("input_bits", &control.input_bits);
        }
        d.field("root_level", &self.root_level())
            .field("root_address", &format_args!("{:#x}", self.root_address()))
            .field("va_range", &self.va_range())
            .field("active", &self.is_active())
            .field("custom_translation", &!self.translation.is_null())
            .finish()
    }
}

// SAFETY: a Mapping owns its C mapping alone: the C core keeps no
// thread-local state and touches the mapping and its tables only during
// calls made through this value, on the caller's thread. The regime is
// Send. What remains is the caller's translation, which the C core calls
// back on whichever thread uses the mapping: hence the `T: Send` bound.
unsafe impl<T: ?Sized + Send, A: Attributes> Send for Mapping<T, A> {}

// SAFETY: the header (include/aarch64_paging.h, "Concurrency") lets calls
// that only read a mapping (walk, walk_runs, translate, dump, the getters)
// run concurrently on one mapping as long as nobody edits it; the library
// takes no locks and keeps no per-call state in the mapping for them.
// Every `&self` method of Mapping makes only such calls: walk, walk_runs,
// translate, dump, dump_as, image (ap_target_image_size/_write read the
// target's tables), and the getters (is_active reads an atomic counter;
// table_count walks an adopted hierarchy read-only; va_to_pa and
// pa_to_table compute or ask physical_to_virtual). Edits, activation and
// destruction take `&mut self` or `self`, so none runs beside a read. During
// reads the C core calls only the translation's physical_to_virtual, which
// takes `&self`; several threads may thus hold `&T` at once: hence the
// `T: Sync` bound. The regime is Sync, and its hooks run only during
// edits and activation. A walk closure runs on the thread that called walk.
unsafe impl<T: ?Sized + Sync, A: Attributes> Sync for Mapping<T, A> {}

// The trampolines below are handed to the C core together with a ctx that
// points to the caller's closure of type F (or to the output Vec), a local
// of the method that makes the call; the C core calls them only during that
// call, with pointers valid for the duration of the callback.

/// A callback and the error it returned, if it did: what a trampoline's
/// ctx points to.
struct Call<F> {
    f: F,
    error: Option<CallbackError>,
}

impl<F> Call<F> {
    fn new(f: F) -> Call<F> {
        Call { f, error: None }
    }

    /// Keeps the callback's error for the caller; 1 (stop) for an error
    /// or a panic, 0 to go on.
    fn outcome(&mut self, result: std::thread::Result<std::result::Result<(), CallbackError>>) -> c_int {
        match result {
            Ok(Ok(())) => 0,
            Ok(Err(e)) => {
                self.error = Some(e);
                1
            }
            Err(_) => {
                self.error = Some("the callback panicked".into());
                1
            }
        }
    }
}

unsafe extern "C" fn modify_trampoline<F, A>(
    ctx: *mut c_void,
    region: *const ffi::ap_region_t,
    d: *mut ffi::ap_descriptor_t,
) -> c_int
where
    F: FnMut(&Region, &mut Descriptor<A>) -> std::result::Result<(), CallbackError>,
    A: Attributes,
{
    // SAFETY: ctx is the &mut Call<F> that Mapping::modify passed, borrowed
    // by nothing else during the call.
    let call = unsafe { &mut *(ctx as *mut Call<F>) };
    // SAFETY: the C core passes a valid region for the callback's duration.
    let region = Region::from_raw(unsafe { &*region });
    // The descriptor's lifetime ends with this callback.
    let mut descriptor = Descriptor::<A> { raw: d, _call: PhantomData };
    let f = &mut call.f;
    let result = catch_unwind(AssertUnwindSafe(|| f(&region, &mut descriptor)));
    call.outcome(result)
}

unsafe extern "C" fn walk_trampoline<F, A>(
    ctx: *mut c_void,
    region: *const ffi::ap_region_t,
    bits: u64,
    level: c_uint,
) -> c_int
where
    F: FnMut(&Region, Entry<A>) -> std::result::Result<(), CallbackError>,
    A: Attributes,
{
    // SAFETY: ctx is the &mut Call<F> that Mapping::walk passed, borrowed
    // by nothing else during the call.
    let call = unsafe { &mut *(ctx as *mut Call<F>) };
    // SAFETY: the C core passes a valid region for the callback's duration.
    let region = Region::from_raw(unsafe { &*region });
    let f = &mut call.f;
    let entry = Entry { bits, level, _format: PhantomData };
    let result = catch_unwind(AssertUnwindSafe(|| f(&region, entry)));
    call.outcome(result)
}

unsafe extern "C" fn runs_trampoline<F>(
    ctx: *mut c_void,
    region: *const ffi::ap_region_t,
    descriptors: *const u64,
    count: usize,
    level: c_uint,
) -> c_int
where
    F: FnMut(&Region, &[u64], u32) -> std::result::Result<(), CallbackError>,
{
    // SAFETY: ctx is the &mut Call<F> that Mapping::walk_runs passed,
    // borrowed by nothing else during the call.
    let call = unsafe { &mut *(ctx as *mut Call<F>) };
    // SAFETY: the C core passes `count` readable descriptors (a run inside
    // one table, which it does not change during the callback).
    let run = unsafe { std::slice::from_raw_parts(descriptors, count) };
    // SAFETY: the C core passes a valid region for the callback's duration.
    let region = Region::from_raw(unsafe { &*region });
    let f = &mut call.f;
    let result = catch_unwind(AssertUnwindSafe(|| f(&region, run, level)));
    call.outcome(result)
}

unsafe extern "C" fn write_trampoline(ctx: *mut c_void, text: *const c_char, length: usize) -> c_int {
    // SAFETY: ctx is the &mut Vec<u8> that Mapping::dump passed, borrowed by
    // nothing else during the call.
    let out = unsafe { &mut *(ctx as *mut Vec<u8>) };
    // SAFETY: the C core passes `length` readable bytes of text.
    out.extend_from_slice(unsafe { std::slice::from_raw_parts(text.cast::<u8>(), length) });
    0
}

impl<T: ?Sized, A: Attributes> Mapping<T, A> {
    fn create(
        options: &MappingOptions,
        make: impl FnOnce(&ffi::ap_mapping_options_t, &mut *mut ffi::ap_mapping_t) -> i32,
    ) -> Result<Mapping<T, A>> {
        // The regime's descriptor format must be A's: a stage 2 regime
        // wants Stage2Attributes, and so on.
        let kind = match &options.regime {
            Some(regime) => regime.kind(),
            None => RegimeKind::El1And0,
        };
        if !A::KINDS.contains(&kind) {
            return Err(Error::from(ErrorKind::InvalidArgument));
        }
        let mut raw = std::ptr::null_mut();
        check(make(&options.raw(), &mut raw))?;
        Ok(Mapping {
            raw,
            translation: std::ptr::null_mut(),
            _owns: PhantomData,
            _regime: options.regime.clone(),
        })
    }
}

impl<A: Attributes> Mapping<dyn Translation + Send + Sync, A> {
    /// Tables at their own address (`ap_mapping_create_identity`).
    /// [`ErrorKind::InvalidArgument`] if the options' regime does not use
    /// the format `A`.
    pub fn identity(options: &MappingOptions) -> Result<Self> {
        // SAFETY: o and out are valid for the call; the options' regime
        // pointer is null or a regime that the mapping keeps alive.
        Self::create(options, |o, out| unsafe { ffi::ap_mapping_create_identity(o, out) })
    }

    /// Input address `va` maps to `va + offset`, and so do the tables.
    pub fn linear(options: &MappingOptions, offset: i64) -> Result<Self> {
        // SAFETY: as in `identity`.
        Self::create(options, |o, out| unsafe { ffi::ap_mapping_create_linear(o, offset, out) })
    }

    /// An image for a target that loads it at physical address `base`.
    pub fn target(options: &MappingOptions, base: PhysicalAddress) -> Result<Self> {
        // SAFETY: as in `identity`.
        Self::create(options, |o, out| unsafe { ffi::ap_mapping_create_target(o, base.0, out) })
    }
}

impl<T: Translation + ?Sized, A: Attributes> Mapping<T, A> {
    /// Tables from a caller's [`Translation`]. The mapping is `Send` when
    /// `T` is: pass a `Box<dyn Translation + Send>` or a boxed `Send` type
    /// to move it between threads; and `Sync` when `T` is.
    /// [`ErrorKind::InvalidArgument`] if the options' regime does not use
    /// the format `A`.
    pub fn with_translation(options: &MappingOptions, translation: Box<T>) -> Result<Mapping<T, A>> {
        Self::adopt_translation(options, translation, |o, ops, ctx, out| {
            // SAFETY: o, ops and out are valid for the call; ctx is the
            // Box<Box<T>> that ops::<T>() expects, and it outlives the C
            // mapping (Drop frees it only after the mapping is destroyed).
            unsafe { ffi::ap_mapping_create(o, ops, ctx, out) }
        })
    }

    /// Adopts a table hierarchy built elsewhere (`ap_mapping_open`): the
    /// root table is at physical address `root_pa`, and `translation`'s
    /// `physical_to_virtual` reaches it and every table below it.
    ///
    /// With `editable` false every edit (map, unmap, modify, compact) fails
    /// with [`ErrorKind::ReadOnly`] and the translation's `allocate_table`
    /// and `free_table` are never called. Walks over a hierarchy that
    /// reaches a table twice (a loop, a shared subtable) fail with
    /// [`ErrorKind::MalformedTable`]; [`translate`](Self::translate)
    /// follows one address as the MMU would. Dropping the mapping frees
    /// none of the tables, not even those an editable mapping added: they
    /// stay the translation's.
    pub fn open(options: &MappingOptions, translation: Box<T>, root_pa: PhysicalAddress, editable: bool) -> Result<Mapping<T, A>> {
        let flags = if editable { ffi::AP_OPEN_EDITABLE } else { ffi::AP_OPEN_READ_ONLY };
        Self::adopt_translation(options, translation, |o, ops, ctx, out| {
            // SAFETY: as in `with_translation`; root_pa and flags are integers
            // the C core checks.
            unsafe { ffi::ap_mapping_open(o, ops, ctx, root_pa.0, flags, out) }
        })
    }

    /// Makes a C mapping with `make`, which gets the translation's ops and
    /// context; on failure the translation is dropped again.
    fn adopt_translation(
        options: &MappingOptions,
        translation: Box<T>,
        make: impl FnOnce(
            &ffi::ap_mapping_options_t,
            &ffi::ap_translation_ops_t,
            *mut c_void,
            &mut *mut ffi::ap_mapping_t,
        ) -> i32,
    ) -> Result<Mapping<T, A>> {
        let ops = translation::ops::<T>(translation.provides_tables());
        let ctx = Box::into_raw(Box::new(translation));
        match Self::create(options, |o, out| make(o, &ops, ctx.cast(), out)) {
            Ok(mut mapping) => {
                mapping.translation = ctx;
                Ok(mapping)
            }
            Err(e) => {
                // SAFETY: ctx came from Box::into_raw above, and the C core
                // failed to make the mapping, so nothing refers to it.
                drop(unsafe { Box::from_raw(ctx) });
                Err(e)
            }
        }
    }
}

impl<T: ?Sized, A: Attributes> Mapping<T, A> {
    /// The caller's translation, or `None` for the library's own
    /// translations (identity, linear, target). The library calls back
    /// into it only during calls on this mapping; edits hold the mapping
    /// exclusively, and reads (which may run beside this borrow) call only
    /// its `&self` method, so the reference is never aliased by a `&mut`.
    pub fn translation(&self) -> Option<&T> {
        if self.translation.is_null() {
            return None;
        }
        // SAFETY: translation came from Box::into_raw in adopt_translation
        // and lives until Drop; the C core makes `&mut T` from it only
        // during edits, which take `&mut self` and so cannot overlap the
        // returned borrow of self.
        Some(unsafe { &**self.translation })
    }

    /// Maps `region` to output address `pa` with `flags`.
    pub fn map(&mut self, region: &Region, pa: PhysicalAddress, flags: A, constraints: Constraints) -> Result<()> {
        let mut err = detail();
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        let status = unsafe { ffi::ap_mapping_map(self.raw, &region.raw(), pa.0, flags.bits(), constraints.bits(), &mut err) };
        check_detail(status, &err)
    }

    /// Maps `region` to the output address its translation gives (identity, linear).
    pub fn map_auto(&mut self, region: &Region, flags: A, constraints: Constraints) -> Result<()> {
        let mut err = detail();
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        let status = unsafe { ffi::ap_mapping_map_auto(self.raw, &region.raw(), flags.bits(), constraints.bits(), &mut err) };
        check_detail(status, &err)
    }

    /// Unmaps `region`.
    pub fn unmap(&mut self, region: &Region) -> Result<()> {
        let mut err = detail();
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        let status = unsafe { ffi::ap_mapping_unmap(self.raw, &region.raw(), &mut err) };
        check_detail(status, &err)
    }

    /// Calls `f` on every block, page and invalid descriptor of `region`
    /// (splitting blocks it covers in part). An `Err` (or a panic) from `f`
    /// stops the edit with [`ErrorKind::PteUpdateFault`], whose
    /// [`source`](std::error::Error::source) is `f`'s error.
    pub fn modify<F>(&mut self, region: &Region, f: F) -> Result<()>
    where
        F: FnMut(&Region, &mut Descriptor<A>) -> std::result::Result<(), CallbackError>,
    {
        let mut err = detail();
        let mut call = Call::new(f);
        let ctx = (&mut call as *mut Call<F>).cast();
        // SAFETY: self.raw is the live mapping this value owns; ctx is &mut call, which outlives the call, and the trampoline is the one instantiated for F.
        let status = unsafe { ffi::ap_mapping_modify(self.raw, &region.raw(), modify_trampoline::<F, A>, ctx, &mut err) };
        check_detail(status, &err).map_err(|e| e.with_callback(call.error))
    }

    /// Calls `f(region, entry)` on every non-table descriptor of `region`.
    /// An `Err` (or a panic) from `f` stops the walk with
    /// [`ErrorKind::Stopped`], whose `descriptor` is the bits `f` was given
    /// and whose [`source`](std::error::Error::source) is `f`'s error.
    ///
    /// ```
    /// use aarch64_paging_c::{El1Attributes as A, Constraints, Mapping, MappingOptions, Region};
    ///
    /// let mut map = Mapping::identity(&MappingOptions { root_level: 1, ..Default::default() })?;
    /// let ram = Region::from_size(0x4000_0000, 0x2000)?;
    /// map.map_auto(&ram, A::VALID | A::ACCESSED | A::READ_ONLY, Constraints::empty())?;
    /// let mut read_only = 0;
    /// map.walk(&ram, |_, entry| {
    ///     if entry.is_valid() && entry.flags().contains(A::READ_ONLY) {
    ///         read_only += 1;
    ///     }
    ///     Ok(())
    /// })?;
    /// assert_eq!(read_only, 2);
    /// # Ok::<(), aarch64_paging_c::Error>(())
    /// ```
    pub fn walk<F>(&self, region: &Region, f: F) -> Result<()>
    where
        F: FnMut(&Region, Entry<A>) -> std::result::Result<(), CallbackError>,
    {
        let mut err = detail();
        let mut call = Call::new(f);
        let ctx = (&mut call as *mut Call<F>).cast();
        // SAFETY: self.raw is the live mapping this value owns; ctx is &mut call, which outlives the call, and the trampoline is the one instantiated for F.
        let status = unsafe { ffi::ap_mapping_walk(self.raw, &region.raw(), walk_trampoline::<F, A>, ctx, &mut err) };
        check_detail(status, &err).map_err(|e| e.with_callback(call.error))
    }

    /// Like [`walk`](Self::walk), one call per run of descriptors of one table.
    /// An `Err` (or a panic) from `f` stops the walk with
    /// [`ErrorKind::Stopped`], whose `descriptor` is the run's first one and
    /// whose [`source`](std::error::Error::source) is `f`'s error.
    pub fn walk_runs<F>(&self, region: &Region, f: F) -> Result<()>
    where
        F: FnMut(&Region, &[u64], u32) -> std::result::Result<(), CallbackError>,
    {
        let mut err = detail();
        let mut call = Call::new(f);
        let ctx = (&mut call as *mut Call<F>).cast();
        let status =
            // SAFETY: self.raw is the live mapping this value owns; ctx is &mut call, which outlives the call, and the trampoline is the one instantiated for F.
            unsafe { ffi::ap_mapping_walk_runs(self.raw, &region.raw(), runs_trampoline::<F>, ctx, &mut err) };
        check_detail(status, &err).map_err(|e| e.with_callback(call.error))
    }

    /// Frees empty subtables.
    pub fn compact(&mut self) -> Result<()> {
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        check(unsafe { ffi::ap_mapping_compact(self.raw) })
    }

    /// Walks `va` as the MMU would.
    pub fn translate(&self, va: VirtualAddress) -> Result<TranslateResult<A>> {
        let mut r = ffi::ap_translate_result_t {
            size: std::mem::size_of::<ffi::ap_translate_result_t>(),
            ..Default::default()
        };
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        let status = unsafe { ffi::ap_mapping_translate(self.raw, va.0, &mut r) };
        let mapped = status == 0;
        if !mapped && ErrorKind::from_status(status) != ErrorKind::NotMapped {
            check(status)?;
        }
        Ok(TranslateResult {
            mapped,
            output_address: PhysicalAddress(r.output_address),
            attributes: A::from_bits_retain(r.attributes),
            table_attributes: A::from_bits_retain(r.table_attributes),
            descriptor: r.descriptor,
            level: r.level,
            block_size: r.block_size,
        })
    }

    /// Activates the table; returns the TTBR value to restore.
    pub fn activate(&mut self) -> Result<u64> {
        let mut previous = 0;
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        check(unsafe { ffi::ap_mapping_activate(self.raw, &mut previous) })?;
        Ok(previous)
    }

    /// Restores `previous_ttbr` and marks the table inactive.
    pub fn deactivate(&mut self, previous_ttbr: u64) -> Result<()> {
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        check(unsafe { ffi::ap_mapping_deactivate(self.raw, previous_ttbr) })
    }

    /// Records that the caller installed the table itself.
    pub fn mark_active(&mut self) -> Result<()> {
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        check(unsafe { ffi::ap_mapping_mark_active(self.raw) })
    }

    /// Records that the caller removed the table itself.
    pub fn mark_inactive(&mut self) -> Result<()> {
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); the other pointers are to locals valid for the call.
        check(unsafe { ffi::ap_mapping_mark_inactive(self.raw) })
    }

    fn get<V: Default>(&self, f: impl FnOnce(*const ffi::ap_mapping_t, &mut V) -> i32) -> Result<V> {
        let mut value = V::default();
        check(f(self.raw, &mut value))?;
        Ok(value)
    }

    /// A getter that fails only on arguments this value never passes (a
    /// null mapping or result pointer).
    fn get_infallible<V: Default>(&self, f: impl FnOnce(*const ffi::ap_mapping_t, &mut V) -> i32) -> V {
        self.get(f).expect("the library refuses only null pointers here")
    }

    /// Whether the table is active.
    pub fn is_active(&self) -> bool {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get_infallible(|m, v| unsafe { ffi::ap_mapping_is_active(m, v) })
    }
    /// Physical address of the root table.
    pub fn root_address(&self) -> PhysicalAddress {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        PhysicalAddress(self.get_infallible(|m, v| unsafe { ffi::ap_mapping_root_address(m, v) }))
    }
    /// The TTBR value: root address with the ASID in bits 63:48.
    pub fn ttbr(&self) -> u64 {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get_infallible(|m, v| unsafe { ffi::ap_mapping_ttbr(m, v) })
    }
    /// The TCR_ELx (VTCR_EL2 for stage 2) fields and TTBR value that fit
    /// this mapping's tables (`ap_mapping_translation_control`).
    /// [`ErrorKind::Unsupported`] for a stage 2 mapping whose root is at
    /// level 3, which SL0 cannot encode without FEAT_TTST.
    pub fn translation_control(&self) -> Result<TranslationControl> {
        let mut raw = ffi::ap_translation_control_t {
            size: std::mem::size_of::<ffi::ap_translation_control_t>(),
            ..Default::default()
        };
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); raw is a local whose size field names its full size.
        check(unsafe { ffi::ap_mapping_translation_control(self.raw, &mut raw) })?;
        Ok(TranslationControl {
            tcr: raw.tcr,
            tcr_mask: raw.tcr_mask,
            ttbr: raw.ttbr,
            input_bits: raw.input_bits,
            tsz: raw.tsz,
            tg: raw.tg,
            sl0: raw.sl0,
            granule: Granule::from_raw(raw.granule),
            root_level: raw.root_level,
            root_entries: raw.root_entries,
            root_tables: raw.root_tables,
        })
    }
    /// Bytes of input address space covered.
    pub fn size(&self) -> u64 {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get_infallible(|m, v| unsafe { ffi::ap_mapping_size(m, v) })
    }
    /// Root level.
    pub fn root_level(&self) -> u32 {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get_infallible(|m, v| unsafe { ffi::ap_mapping_root_level(m, v) })
    }
    /// ASID ([`ErrorKind::Unsupported`] for regimes without one).
    pub fn asid(&self) -> Result<u16> {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get(|m, v| unsafe { ffi::ap_mapping_asid(m, v) })
    }
    /// VA range.
    pub fn va_range(&self) -> VaRange {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        VaRange::from_raw(self.get_infallible(|m, v: &mut i32| unsafe { ffi::ap_mapping_va_range(m, v) }))
    }
    /// The kind of the mapping's regime.
    pub fn regime_kind(&self) -> RegimeKind {
        let mut regime = std::ptr::null();
        // SAFETY: self.raw is the live mapping this value owns (null only inside Drop); regime is a local.
        let status = unsafe { ffi::ap_mapping_regime(self.raw, &mut regime) };
        assert_eq!(status, 0, "the library refuses only a null mapping");
        // The regime lives at least as long as the mapping.
        crate::regime::kind_of(regime)
    }
    /// Number of tables, root included.
    pub fn table_count(&self) -> Result<usize> {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get(|m, v| unsafe { ffi::ap_mapping_table_count(m, v) })
    }
    /// Output address of `va` in a linear or identity translation.
    pub fn va_to_pa(&self, va: VirtualAddress) -> Result<PhysicalAddress> {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get(|m, v| unsafe { ffi::ap_mapping_va_to_pa(m, va.0, v) }).map(PhysicalAddress)
    }
    /// Address through which the library reaches the table at `pa`.
    pub fn pa_to_table(&self, pa: PhysicalAddress) -> Result<*mut u8> {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        self.get(|m, v: &mut u64| unsafe { ffi::ap_mapping_pa_to_table(m, pa.0, v) }).map(|p| p as usize as *mut u8)
    }

    /// The target image's bytes (mappings made with [`Mapping::target`]).
    pub fn image(&self) -> Result<Vec<u8>> {
        // SAFETY: get passes self.raw, the live mapping this value owns, and a local for the result.
        let size: usize = self.get(|m, v| unsafe { ffi::ap_target_image_size(m, v) })?;
        let mut image = vec![0u8; size];
        // SAFETY: self.raw is the live mapping; image has exactly size writable bytes.
        check(unsafe { ffi::ap_target_image_write(self.raw, image.as_mut_ptr().cast(), size) })?;
        Ok(image)
    }

    /// The readable dump of the hierarchy.
    pub fn dump(&self) -> Result<String> {
        let mut out: Vec<u8> = Vec::new();
        let ctx = (&mut out as *mut Vec<u8>).cast();
        // SAFETY: self.raw is the live mapping; ctx is &mut out, which outlives the call, as write_trampoline expects.
        check(unsafe { ffi::ap_mapping_dump(self.raw, write_trampoline, ctx) })?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// The hierarchy written in `format` (`ap_mapping_dump_as`):
    /// [`DumpFormat::Reference`] is the text of [`dump`](Self::dump).
    /// A hierarchy opened with [`open`](Self::open) that reaches a table
    /// twice prints that table once in the ranges and JSON layouts, and
    /// fails with [`ErrorKind::MalformedTable`] in the reference layout.
    pub fn dump_as(&self, format: DumpFormat) -> Result<String> {
        let mut out: Vec<u8> = Vec::new();
        let ctx = (&mut out as *mut Vec<u8>).cast();
        // SAFETY: self.raw is the live mapping; ctx is &mut out, which outlives the call, as write_trampoline expects.
        check(unsafe { ffi::ap_mapping_dump_as(self.raw, format as ffi::ap_dump_format_t, write_trampoline, ctx) })?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Destroys the mapping; an active one is handed back with
    /// [`ErrorKind::StillActive`].
    pub fn close(mut self) -> std::result::Result<(), (Mapping<T, A>, Error)> {
        // SAFETY: self.raw is the live mapping; on success it is set to null and never used again.
        match check(unsafe { ffi::ap_mapping_destroy(self.raw) }) {
            Ok(()) => {
                self.raw = std::ptr::null_mut();
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl<T: ?Sized, A: Attributes> Drop for Mapping<T, A> {
    fn drop(&mut self) {
        if !self.raw.is_null() {
            // SAFETY: raw is the live mapping this value owns; it is not
            // used again.
            if unsafe { ffi::ap_mapping_destroy(self.raw) } != 0 {
                // Still active: its tables may be in use, so nothing is
                // freed, the translation included.
                return;
            }
        }
        if !self.translation.is_null() {
            // SAFETY: translation came from Box::into_raw in
            // with_translation, and the C mapping that called back into it
            // is destroyed.
            drop(unsafe { Box::from_raw(self.translation) });
        }
    }
}
