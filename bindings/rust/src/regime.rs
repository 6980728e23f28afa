// SPDX-License-Identifier: MIT OR Apache-2.0
//! Translation regimes: the built-in ones, and ones whose maintenance and
//! activation hooks are Rust code.
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use crate::address::{PhysicalAddress, VirtualAddress};
use crate::error::{check, Result};
use crate::ffi;
use crate::mapping::{Granule, VaRange};

/// The five regimes (`ap_regime_kind_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegimeKind {
    /// Non-secure EL1&0 stage 1 (ASID, both VA ranges).
    El1And0 = 0,
    /// Non-secure EL2&0 (VHE) stage 1 (ASID, both VA ranges).
    El2And0 = 1,
    /// Non-secure EL2 stage 1.
    El2 = 2,
    /// Secure EL3 stage 1.
    El3 = 3,
    /// Non-secure stage 2.
    Stage2 = 4,
}

impl RegimeKind {
    pub(crate) fn from_raw(raw: i32) -> RegimeKind {
        [RegimeKind::El1And0, RegimeKind::El2And0, RegimeKind::El2, RegimeKind::El3, RegimeKind::Stage2]
            [raw.clamp(0, 4) as usize]
    }
}

/// What changed, in an invalidation handed to [`RegimeHooks::invalidate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidationKind {
    /// A block or page descriptor changed.
    Leaf,
    /// A table descriptor was removed: every TLB entry in its whole range
    /// (`range_start .. range_start + range_size`) must go.
    Table,
}

/// One changed live descriptor that was valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalidation {
    /// An input address inside the descriptor's range.
    pub va: VirtualAddress,
    /// The descriptor's level.
    pub level: u32,
    /// Leaf or table.
    pub kind: InvalidationKind,
    /// The mapping's ASID.
    pub asid: u16,
    /// The mapping's VA range.
    pub va_range: VaRange,
    /// First input address the descriptor translated.
    pub range_start: VirtualAddress,
    /// Bytes the descriptor translated: a page or block for a leaf, the
    /// whole range under a removed table.
    pub range_size: u64,
    /// The mapping's granule, on which the TLBI operand's TG and TTL
    /// fields depend (4 KiB from a library older than 0.4.0).
    pub granule: Granule,
}

/// Maintenance and activation of a caller-defined regime, e.g. a VMM that
/// forwards flushes to its hypervisor. Each has a default that does nothing.
pub trait RegimeHooks: Send {
    /// One call per changed live descriptor that was valid.
    fn invalidate(&mut self, _invalidation: &Invalidation) {}
    /// Completes the invalidations of one edit.
    fn barrier(&mut self) {}
    /// Installs the table whose root is at `root`; returns the previous
    /// TTBR value.
    fn activate(&mut self, _root: PhysicalAddress, _asid: u16, _va_range: VaRange) -> u64 {
        u64::MAX
    }
    /// Restores `previous_ttbr` and drops the table's TLB entries.
    fn deactivate(&mut self, _previous_ttbr: u64, _asid: u16, _va_range: VaRange) {}
}

pub(crate) struct UserRegime {
    raw: *mut ffi::ap_regime_t,
    hooks: *mut Mutex<Box<dyn RegimeHooks>>,
}

// SAFETY: the hooks are `RegimeHooks: Send` behind a Mutex, so any thread
// may reach them; the C regime is immutable once made and the library
// keeps no per-thread state for it.
unsafe impl Send for UserRegime {}
// SAFETY: as for Send: shared access only reads the immutable C regime,
// and the hooks are reached through their Mutex.
unsafe impl Sync for UserRegime {}

impl Drop for UserRegime {
    fn drop(&mut self) {
        // Mappings hold an Arc of this, so none uses the regime any more.
        // SAFETY: raw and hooks came from ap_regime_create and Box::into_raw
        // in Regime::with_hooks, are owned by this value alone and are not
        // used after this.
        unsafe {
            ffi::ap_regime_destroy(self.raw);
            drop(Box::from_raw(self.hooks));
        }
    }
}

/// A regime: built in, or made with [`Regime::with_hooks`]. Cloning is cheap;
/// mappings keep their regime alive.
#[derive(Clone)]
pub struct Regime {
    raw: *const ffi::ap_regime_t,
    _user: Option<Arc<UserRegime>>,
}

// SAFETY: raw is a built-in regime (static, immutable) or the immutable
// regime of a UserRegime that the Arc keeps alive, and UserRegime is Send
// and Sync.
unsafe impl Send for Regime {}
// SAFETY: as for Send; a Regime gives only shared, read-only access.
unsafe impl Sync for Regime {}

/// Runs `f` on the hooks behind `ctx`.
///
/// # Safety
///
/// `ctx` must be the context a regime made by [`Regime::with_hooks`] was
/// registered with, and that regime must still exist.
unsafe fn with_hooks<R: Copy>(ctx: *mut c_void, default: R, f: impl FnOnce(&mut dyn RegimeHooks) -> R) -> R {
    // SAFETY: ctx is the Mutex that Regime::with_hooks registered; the
    // UserRegime owning it outlives every mapping that can call back, and
    // only shared references to it are made.
    let hooks = unsafe { &*(ctx as *const Mutex<Box<dyn RegimeHooks>>) };
    // A panic must not unwind into C; the hook's effect is then lost.
    catch_unwind(AssertUnwindSafe(|| match hooks.lock() {
        Ok(mut guard) => f(guard.as_mut()),
        Err(_) => default,
    }))
    .unwrap_or(default)
}

unsafe extern "C" fn hook_invalidate(ctx: *mut c_void, inv: *const ffi::ap_invalidation_t) {
    // SAFETY: the C core passes a valid invalidation for the call's duration.
    let inv = unsafe { &*inv };
    let invalidation = Invalidation {
        va: VirtualAddress(inv.va),
        level: inv.level,
        kind: if inv.kind == 0 { InvalidationKind::Leaf } else { InvalidationKind::Table },
        asid: inv.asid,
        va_range: VaRange::from_raw(inv.va_range),
        range_start: VirtualAddress(inv.range_start),
        range_size: inv.range_size,
        granule: if inv.size >= std::mem::offset_of!(ffi::ap_invalidation_t, granule) + std::mem::size_of::<ffi::ap_granule_t>() {
            Granule::from_raw(inv.granule)
        } else {
            Granule::Size4KiB
        },
    };
    // SAFETY: the C core passes the ctx of a live hooked regime.
    unsafe { with_hooks(ctx, (), |h| h.invalidate(&invalidation)) };
}

unsafe extern "C" fn hook_barrier(ctx: *mut c_void) {
    // SAFETY: the C core passes the ctx of a live hooked regime.
    unsafe { with_hooks(ctx, (), |h| h.barrier()) };
}

unsafe extern "C" fn hook_activate(ctx: *mut c_void, root: u64, asid: u16, range: ffi::ap_va_range_t) -> u64 {
    // SAFETY: the C core passes the ctx of a live hooked regime.
    unsafe { with_hooks(ctx, u64::MAX, |h| h.activate(PhysicalAddress(root), asid, VaRange::from_raw(range))) }
}

unsafe extern "C" fn hook_deactivate(ctx: *mut c_void, previous: u64, asid: u16, range: ffi::ap_va_range_t) {
    // SAFETY: the C core passes the ctx of a live hooked regime.
    unsafe { with_hooks(ctx, (), |h| h.deactivate(previous, asid, VaRange::from_raw(range))) };
}

impl Regime {
    /// The built-in regime of `kind` (memory-only in a hosted build).
    pub fn builtin(kind: RegimeKind) -> Result<Regime> {
        let mut raw = std::ptr::null();
        // SAFETY: raw is a local the call writes a static regime to.
        check(unsafe { ffi::ap_regime_get(kind as i32, &mut raw) })?;
        Ok(Regime { raw, _user: None })
    }

    /// A regime of `kind` whose maintenance and activation call `hooks`.
    pub fn with_hooks(kind: RegimeKind, hooks: Box<dyn RegimeHooks>) -> Result<Regime> {
        let table = ffi::ap_regime_hooks_t {
            size: std::mem::size_of::<ffi::ap_regime_hooks_t>(),
            invalidate: Some(hook_invalidate),
            barrier: Some(hook_barrier),
            activate: Some(hook_activate),
            deactivate: Some(hook_deactivate),
        };
        let ctx = Box::into_raw(Box::new(Mutex::new(hooks)));
        let mut raw = std::ptr::null_mut();
        // SAFETY: table and raw are locals valid for the call; ctx is the
        // Mutex the hook functions expect, freed only after the regime.
        let status = unsafe { ffi::ap_regime_create(kind as i32, &table, ctx.cast(), &mut raw) };
        if let Err(e) = check(status) {
            // SAFETY: ctx came from Box::into_raw above; creation failed,
            // so the C core keeps no pointer to it.
            drop(unsafe { Box::from_raw(ctx) });
            return Err(e);
        }
        let user = Arc::new(UserRegime { raw, hooks: ctx });
        Ok(Regime { raw, _user: Some(user) })
    }

    /// Which regime this is.
    pub fn kind(&self) -> RegimeKind {
        kind_of(self.raw)
    }

    pub(crate) fn raw(&self) -> *const ffi::ap_regime_t {
        self.raw
    }
}

/// The kind of a live regime: ap_regime_get_kind refuses only null
/// pointers, which a regime the binding holds never is.
pub(crate) fn kind_of(regime: *const ffi::ap_regime_t) -> RegimeKind {
    let mut kind = 0;
    // SAFETY: the caller passes a live regime; kind is a local.
    let status = unsafe { ffi::ap_regime_get_kind(regime, &mut kind) };
    assert_eq!(status, 0, "the library refuses only null regimes");
    RegimeKind::from_raw(kind)
}
