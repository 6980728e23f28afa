// SPDX-License-Identifier: MIT OR Apache-2.0
//! Mappings: one table hierarchy and its state.
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{check, check_detail, detail, Error, ErrorKind, Result};
use crate::ffi;
use crate::regime::Regime;
use crate::region::Region;
use crate::translation::{self, Translation, TranslationBox};

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
    pub(crate) fn from_raw(raw: i32) -> VaRange {
        if raw == 1 {
            VaRange::Upper
        } else {
            VaRange::Lower
        }
    }
}

/// `AP_CONSTRAINT_*` bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Constraints(pub u32);

impl Constraints {
    /// No constraint.
    pub const NONE: Constraints = Constraints(0);
    /// Pages only, no block mappings.
    pub const NO_BLOCK_MAPPINGS: Constraints = Constraints(1);
    /// No contiguous hint.
    pub const NO_CONTIGUOUS_HINT: Constraints = Constraints(2);
}

impl std::ops::BitOr for Constraints {
    type Output = Constraints;
    fn bitor(self, other: Constraints) -> Constraints {
        Constraints(self.0 | other.0)
    }
}

/// How to create a mapping.
#[derive(Clone, Default)]
pub struct MappingOptions {
    /// The regime; `None` is the built-in EL1&0 regime.
    pub regime: Option<Regime>,
    /// 0..=3: the table covers 2^(48 - 9 * root_level) bytes.
    pub root_level: u32,
    /// ASID (EL1&0 and EL2&0 only).
    pub asid: u16,
    /// Lower or upper (EL1&0 and EL2&0 only).
    pub va_range: VaRange,
}

impl MappingOptions {
    fn raw(&self) -> ffi::ap_mapping_options_t {
        ffi::ap_mapping_options_t {
            size: std::mem::size_of::<ffi::ap_mapping_options_t>(),
            regime: self.regime.as_ref().map_or(std::ptr::null(), |r| r.raw()),
            root_level: self.root_level,
            asid: self.asid,
            va_range: self.va_range as i32,
        }
    }
}

/// What [`Mapping::translate`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TranslateResult {
    /// Whether the address is mapped; if not, `level` is where the walk faulted.
    pub mapped: bool,
    /// The output address, with the offset inside the page or block.
    pub output_address: u64,
    /// Attribute bits of the final descriptor.
    pub attributes: u64,
    /// Table attribute bits gathered on the way.
    pub table_attributes: u64,
    /// Raw final descriptor.
    pub descriptor: u64,
    /// Level of the final descriptor.
    pub level: u32,
    /// Bytes the final descriptor covers.
    pub block_size: u64,
}

/// A descriptor handed to a [`Mapping::modify`] closure.
pub struct Descriptor<'a> {
    raw: *mut ffi::ap_descriptor_t,
    _call: PhantomData<&'a mut ()>,
}

impl Descriptor<'_> {
    /// Level (0..=3) of the table holding it.
    pub fn level(&self) -> u32 {
        unsafe { ffi::ap_descriptor_level(self.raw) }
    }
    /// Raw bits.
    pub fn bits(&self) -> u64 {
        unsafe { ffi::ap_descriptor_bits(self.raw) }
    }
    /// Output address, decoded for its level.
    pub fn output_address(&self) -> u64 {
        unsafe { ffi::ap_descriptor_output_address(self.raw) }
    }
    /// Attribute bits, decoded for its level.
    pub fn flags(&self) -> u64 {
        unsafe { ffi::ap_descriptor_flags(self.raw) }
    }
    /// Whether it is valid.
    pub fn is_valid(&self) -> bool {
        unsafe { ffi::ap_descriptor_is_valid(self.raw) }
    }
    /// Whether it points to a next-level table.
    pub fn is_table(&self) -> bool {
        unsafe { ffi::ap_descriptor_is_table(self.raw) }
    }
    /// Whether `set` or `modify_flags` changed it.
    pub fn updated(&self) -> bool {
        unsafe { ffi::ap_descriptor_updated(self.raw) }
    }
    /// Sets output address and flags (break-before-make checked when live).
    pub fn set(&mut self, pa: u64, flags: u64) -> Result<()> {
        check(unsafe { ffi::ap_descriptor_set(self.raw, pa, flags) })
    }
    /// Sets and clears flag bits, keeping the output address.
    pub fn modify_flags(&mut self, set: u64, clear: u64) -> Result<()> {
        check(unsafe { ffi::ap_descriptor_modify_flags(self.raw, set, clear) })
    }
}

/// One translation table hierarchy. Dropping it frees its tables, unless it
/// is still active: then it is leaked, since hardware may still walk it
/// (use [`Mapping::close`] to learn about that).
pub struct Mapping {
    raw: *mut ffi::ap_mapping_t,
    // Kept alive for the C core, which calls back into them.
    translation: Option<Box<TranslationBox>>,
    _regime: Option<Regime>,
}

unsafe impl Send for Mapping {}

/// Runs a closure called back from C, turning a panic into a failure.
fn guarded(f: impl FnOnce() -> bool) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(true) => 0,
        _ => 1,
    }
}

unsafe extern "C" fn modify_trampoline<F, E>(
    ctx: *mut c_void,
    region: *const ffi::ap_region_t,
    d: *mut ffi::ap_descriptor_t,
) -> c_int
where
    F: FnMut(&Region, &mut Descriptor) -> std::result::Result<(), E>,
{
    let f = &mut *(ctx as *mut F);
    let mut descriptor = Descriptor { raw: d, _call: PhantomData };
    guarded(|| f(&Region::from_raw(&*region), &mut descriptor).is_ok())
}

unsafe extern "C" fn walk_trampoline<F, E>(
    ctx: *mut c_void,
    region: *const ffi::ap_region_t,
    bits: u64,
    level: c_uint,
) -> c_int
where
    F: FnMut(&Region, u64, u32) -> std::result::Result<(), E>,
{
    let f = &mut *(ctx as *mut F);
    guarded(|| f(&Region::from_raw(&*region), bits, level).is_ok())
}

unsafe extern "C" fn runs_trampoline<F, E>(
    ctx: *mut c_void,
    region: *const ffi::ap_region_t,
    descriptors: *const u64,
    count: usize,
    level: c_uint,
) -> c_int
where
    F: FnMut(&Region, &[u64], u32) -> std::result::Result<(), E>,
{
    let f = &mut *(ctx as *mut F);
    let run = std::slice::from_raw_parts(descriptors, count);
    guarded(|| f(&Region::from_raw(&*region), run, level).is_ok())
}

unsafe extern "C" fn write_trampoline(ctx: *mut c_void, text: *const c_char, length: usize) -> c_int {
    let out = &mut *(ctx as *mut Vec<u8>);
    out.extend_from_slice(std::slice::from_raw_parts(text.cast::<u8>(), length));
    0
}

impl Mapping {
    fn create(
        options: &MappingOptions,
        make: impl FnOnce(&ffi::ap_mapping_options_t, &mut *mut ffi::ap_mapping_t) -> i32,
    ) -> Result<Mapping> {
        let mut raw = std::ptr::null_mut();
        check(make(&options.raw(), &mut raw))?;
        Ok(Mapping { raw, translation: None, _regime: options.regime.clone() })
    }

    /// Tables at their own address (`ap_mapping_create_identity`).
    pub fn identity(options: &MappingOptions) -> Result<Mapping> {
        Self::create(options, |o, out| unsafe { ffi::ap_mapping_create_identity(o, out) })
    }

    /// Input address `va` maps to `va + offset`, and so do the tables.
    pub fn linear(options: &MappingOptions, offset: i64) -> Result<Mapping> {
        Self::create(options, |o, out| unsafe { ffi::ap_mapping_create_linear(o, offset, out) })
    }

    /// An image for a target that loads it at physical address `base`.
    pub fn target(options: &MappingOptions, base: u64) -> Result<Mapping> {
        Self::create(options, |o, out| unsafe { ffi::ap_mapping_create_target(o, base, out) })
    }

    /// Tables from a caller's [`Translation`].
    pub fn with_translation(options: &MappingOptions, translation: Box<dyn Translation>) -> Result<Mapping> {
        let mut boxed: Box<TranslationBox> = Box::new(translation);
        let ctx = (&mut *boxed as *mut TranslationBox).cast::<c_void>();
        let ops = translation::ops();
        let mut mapping =
            Self::create(options, |o, out| unsafe { ffi::ap_mapping_create(o, &ops, ctx, out) })?;
        mapping.translation = Some(boxed);
        Ok(mapping)
    }

    /// Maps `region` to output address `pa` with `flags`.
    pub fn map(&mut self, region: &Region, pa: u64, flags: u64, constraints: Constraints) -> Result<()> {
        let mut err = detail();
        let status = unsafe { ffi::ap_mapping_map(self.raw, &region.raw(), pa, flags, constraints.0, &mut err) };
        check_detail(status, &err)
    }

    /// Maps `region` to the output address its translation gives (identity, linear).
    pub fn map_auto(&mut self, region: &Region, flags: u64, constraints: Constraints) -> Result<()> {
        let mut err = detail();
        let status = unsafe { ffi::ap_mapping_map_auto(self.raw, &region.raw(), flags, constraints.0, &mut err) };
        check_detail(status, &err)
    }

    /// Unmaps `region`.
    pub fn unmap(&mut self, region: &Region) -> Result<()> {
        let mut err = detail();
        let status = unsafe { ffi::ap_mapping_unmap(self.raw, &region.raw(), &mut err) };
        check_detail(status, &err)
    }

    /// Calls `f` on every block, page and invalid descriptor of `region`
    /// (splitting blocks it covers in part). An `Err` from `f` stops the
    /// edit with [`ErrorKind::PteUpdateFault`].
    pub fn modify<F, E>(&mut self, region: &Region, mut f: F) -> Result<()>
    where
        F: FnMut(&Region, &mut Descriptor) -> std::result::Result<(), E>,
    {
        let mut err = detail();
        let ctx = (&mut f as *mut F).cast();
        let status = unsafe {
            ffi::ap_mapping_modify(self.raw, &region.raw(), modify_trampoline::<F, E>, ctx, &mut err)
        };
        check_detail(status, &err)
    }

    /// Calls `f(region, bits, level)` on every non-table descriptor of `region`.
    pub fn walk<F, E>(&self, region: &Region, mut f: F) -> Result<()>
    where
        F: FnMut(&Region, u64, u32) -> std::result::Result<(), E>,
    {
        let mut err = detail();
        let ctx = (&mut f as *mut F).cast();
        let status = unsafe { ffi::ap_mapping_walk(self.raw, &region.raw(), walk_trampoline::<F, E>, ctx, &mut err) };
        check_detail(status, &err)
    }

    /// Like [`walk`](Self::walk), one call per run of descriptors of one table.
    pub fn walk_runs<F, E>(&self, region: &Region, mut f: F) -> Result<()>
    where
        F: FnMut(&Region, &[u64], u32) -> std::result::Result<(), E>,
    {
        let mut err = detail();
        let ctx = (&mut f as *mut F).cast();
        let status =
            unsafe { ffi::ap_mapping_walk_runs(self.raw, &region.raw(), runs_trampoline::<F, E>, ctx, &mut err) };
        check_detail(status, &err)
    }

    /// Frees empty subtables.
    pub fn compact(&mut self) -> Result<()> {
        check(unsafe { ffi::ap_mapping_compact(self.raw) })
    }

    /// Walks `va` as the MMU would.
    pub fn translate(&self, va: u64) -> Result<TranslateResult> {
        let mut r = ffi::ap_translate_result_t {
            size: std::mem::size_of::<ffi::ap_translate_result_t>(),
            ..Default::default()
        };
        let status = unsafe { ffi::ap_mapping_translate(self.raw, va, &mut r) };
        let mapped = status == 0;
        if !mapped && ErrorKind::from_status(status) != ErrorKind::NotMapped {
            check(status)?;
        }
        Ok(TranslateResult {
            mapped,
            output_address: r.output_address,
            attributes: r.attributes,
            table_attributes: r.table_attributes,
            descriptor: r.descriptor,
            level: r.level,
            block_size: r.block_size,
        })
    }

    /// Activates the table; returns the TTBR value to restore.
    pub fn activate(&mut self) -> Result<u64> {
        let mut previous = 0;
        check(unsafe { ffi::ap_mapping_activate(self.raw, &mut previous) })?;
        Ok(previous)
    }

    /// Restores `previous_ttbr` and marks the table inactive.
    pub fn deactivate(&mut self, previous_ttbr: u64) -> Result<()> {
        check(unsafe { ffi::ap_mapping_deactivate(self.raw, previous_ttbr) })
    }

    /// Records that the caller installed the table itself.
    pub fn mark_active(&mut self) -> Result<()> {
        check(unsafe { ffi::ap_mapping_mark_active(self.raw) })
    }

    /// Records that the caller removed the table itself.
    pub fn mark_inactive(&mut self) -> Result<()> {
        check(unsafe { ffi::ap_mapping_mark_inactive(self.raw) })
    }

    fn get<T: Default>(&self, f: impl FnOnce(*const ffi::ap_mapping_t, &mut T) -> i32) -> Result<T> {
        let mut value = T::default();
        check(f(self.raw, &mut value))?;
        Ok(value)
    }

    /// Whether the table is active.
    pub fn is_active(&self) -> Result<bool> {
        self.get(|m, v| unsafe { ffi::ap_mapping_is_active(m, v) })
    }
    /// Physical address of the root table.
    pub fn root_address(&self) -> Result<u64> {
        self.get(|m, v| unsafe { ffi::ap_mapping_root_address(m, v) })
    }
    /// The TTBR value: root address with the ASID in bits 63:48.
    pub fn ttbr(&self) -> Result<u64> {
        self.get(|m, v| unsafe { ffi::ap_mapping_ttbr(m, v) })
    }
    /// Bytes of input address space covered.
    pub fn size(&self) -> Result<u64> {
        self.get(|m, v| unsafe { ffi::ap_mapping_size(m, v) })
    }
    /// Root level.
    pub fn root_level(&self) -> Result<u32> {
        self.get(|m, v| unsafe { ffi::ap_mapping_root_level(m, v) })
    }
    /// ASID ([`ErrorKind::Unsupported`] for regimes without one).
    pub fn asid(&self) -> Result<u16> {
        self.get(|m, v| unsafe { ffi::ap_mapping_asid(m, v) })
    }
    /// VA range.
    pub fn va_range(&self) -> Result<VaRange> {
        self.get(|m, v: &mut i32| unsafe { ffi::ap_mapping_va_range(m, v) }).map(VaRange::from_raw)
    }
    /// The kind of the mapping's regime.
    pub fn regime_kind(&self) -> Result<crate::RegimeKind> {
        let mut regime = std::ptr::null();
        check(unsafe { ffi::ap_mapping_regime(self.raw, &mut regime) })?;
        let mut kind = 0;
        check(unsafe { ffi::ap_regime_get_kind(regime, &mut kind) })?;
        Ok(crate::RegimeKind::from_raw(kind))
    }
    /// Number of tables, root included.
    pub fn table_count(&self) -> Result<usize> {
        self.get(|m, v| unsafe { ffi::ap_mapping_table_count(m, v) })
    }
    /// Output address of `va` in a linear or identity translation.
    pub fn va_to_pa(&self, va: u64) -> Result<u64> {
        self.get(|m, v| unsafe { ffi::ap_mapping_va_to_pa(m, va, v) })
    }
    /// Address through which the library reaches the table at `pa`.
    pub fn pa_to_table(&self, pa: u64) -> Result<u64> {
        self.get(|m, v| unsafe { ffi::ap_mapping_pa_to_table(m, pa, v) })
    }

    /// The target image's bytes (mappings made with [`Mapping::target`]).
    pub fn image(&self) -> Result<Vec<u8>> {
        let size: usize = self.get(|m, v| unsafe { ffi::ap_target_image_size(m, v) })?;
        let mut image = vec![0u8; size];
        check(unsafe { ffi::ap_target_image_write(self.raw, image.as_mut_ptr().cast(), size) })?;
        Ok(image)
    }

    /// The readable dump of the hierarchy.
    pub fn dump(&self) -> Result<String> {
        let mut out: Vec<u8> = Vec::new();
        let ctx = (&mut out as *mut Vec<u8>).cast();
        check(unsafe { ffi::ap_mapping_dump(self.raw, write_trampoline, ctx) })?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Destroys the mapping; an active one is handed back with
    /// [`ErrorKind::StillActive`].
    pub fn close(mut self) -> std::result::Result<(), (Mapping, Error)> {
        match check(unsafe { ffi::ap_mapping_destroy(self.raw) }) {
            Ok(()) => {
                self.raw = std::ptr::null_mut();
                Ok(())
            }
            Err(e) => Err((self, e)),
        }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        if self.raw.is_null() {
            return;
        }
        if unsafe { ffi::ap_mapping_destroy(self.raw) } != 0 {
            // Still active: its tables may be in use, so nothing is freed.
            if let Some(t) = self.translation.take() {
                std::mem::forget(t);
            }
        }
    }
}
