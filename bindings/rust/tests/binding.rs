// SPDX-License-Identifier: MIT OR Apache-2.0
//! The Rust binding against the library of this build tree.
#![deny(clippy::undocumented_unsafe_blocks)]
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::{RefCell, UnsafeCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use aarch64_paging_c::attrs::attr;
use aarch64_paging_c::{
    bbm_safe, describe_flags, mair, pte, CallbackError, Constraints, DumpFormat, El1Attributes as El1, El23Attributes as El23, Error,
    ErrorKind, Granule, Invalidation, InvalidationKind, Mapping, MappingOptions, PhysicalAddress, Regime, RegimeHooks, RegimeKind,
    Region, Stage2Attributes as S2, Translation, VaRange, VirtualAddress,
};

const NORMAL: El1 = El1::ATTRIBUTE_INDEX_1.union(El1::INNER_SHAREABLE).union(El1::VALID).union(El1::ACCESSED);

fn va(address: u64) -> VirtualAddress {
    VirtualAddress(address)
}

fn pa(address: u64) -> PhysicalAddress {
    PhysicalAddress(address)
}

fn options(root_level: u32) -> MappingOptions {
    MappingOptions { root_level, ..Default::default() }
}

fn region(start: u64, end: u64) -> Region {
    Region::from_range(start, end).unwrap()
}

/// Table pages from a Rust-owned arena, with a made-up physical base. A
/// clone is another handle on the same pages and the same record of use.
#[derive(Clone)]
struct Arena {
    _pages: Rc<Box<[Page]>>,
    base: *mut u8,
    used: Rc<RefCell<Vec<bool>>>,
}

#[repr(C, align(4096))]
struct Page([u8; 4096]);

const ARENA_PA: PhysicalAddress = PhysicalAddress(0x8000_0000);

impl Arena {
    fn new(count: usize, used: Rc<RefCell<Vec<bool>>>) -> Arena {
        let mut pages: Box<[Page]> = (0..count).map(|_| Page([0; 4096])).collect();
        let base = pages.as_mut_ptr().cast::<u8>();
        used.borrow_mut().resize(count, false);
        Arena { _pages: Rc::new(pages), base, used }
    }
}

// SAFETY: pages of the arena's own, zeroed when handed out, each marked used
// until freed; physical_to_virtual finds only addresses inside the arena.
unsafe impl Translation for Arena {
    fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> {
        let mut used = self.used.borrow_mut();
        let index = used.iter().position(|u| !u)?;
        used[index] = true;
        // SAFETY: index < count, so the page is inside the arena's allocation.
        let page = unsafe { self.base.add(index * 4096) };
        // SAFETY: page is 4096 writable bytes of the arena that nothing
        // else uses (it was free).
        unsafe { std::ptr::write_bytes(page, 0, 4096) };
        Some((page, ARENA_PA + index as u64 * 4096))
    }

    fn free_table(&mut self, table: *mut u8, pa: PhysicalAddress) {
        let index = (table as usize - self.base as usize) / 4096;
        assert_eq!(pa, ARENA_PA + index as u64 * 4096);
        self.used.borrow_mut()[index] = false;
    }

    fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8 {
        let index = (pa - ARENA_PA) / 4096;
        if pa < ARENA_PA || index as usize >= self.used.borrow().len() {
            return std::ptr::null_mut();
        }
        // SAFETY: index was checked against the arena's page count above.
        unsafe { self.base.add(index as usize * 4096) }
    }
}

fn live_tables(used: &Rc<RefCell<Vec<bool>>>) -> usize {
    used.borrow().iter().filter(|u| **u).count()
}

#[test]
fn dump_as_svg() {
    let mut map = Mapping::identity(&MappingOptions { asid: 1, ..options(1) }).unwrap();
    map.map_auto(&region(0x8020_0000, 0x8040_0000), NORMAL | El1::NON_GLOBAL, Constraints::NONE).unwrap();
    let svg = map.dump_as(DumpFormat::Svg).unwrap();
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
    assert!(svg.contains("data-first=\"0x0080200000\""), "{svg}");
}

#[test]
fn svg_memory_types_come_from_the_mair() {
    let device = aarch64_paging_c::mair::DEVICE_NGNRE;
    let mair = aarch64_paging_c::mair::from_attributes([0xff, device, device, device, device, device, device, device]).unwrap();
    let mut map = Mapping::identity(&MappingOptions { mair, ..options(1) }).unwrap();
    let index0 = NORMAL & !El1::ATTRIBUTE_INDEX_MASK;
    map.map(&region(0x1000, 0x2000), pa(0x1000), index0, Constraints::NONE).unwrap();
    map.map(&region(0x9000, 0xa000), pa(0x9000), index0 | El1::ATTRIBUTE_INDEX_1, Constraints::NONE).unwrap();
    let svg = map.dump_as(DumpFormat::Svg).unwrap();
    assert!(svg.contains("data-output=\"0x1000\" data-kind=\"pages\" data-memory=\"normal\""), "{svg}");
    assert!(svg.contains("data-output=\"0x9000\" data-kind=\"pages\" data-memory=\"device\""), "{svg}");
}

#[test]
fn identity_map_translate_dump() {
    let mut map = Mapping::identity(&MappingOptions { asid: 1, ..options(1) }).unwrap();
    map.map_auto(&region(0x8020_0000, 0x8040_0000), NORMAL | El1::NON_GLOBAL, Constraints::NONE).unwrap();
    let t = map.translate(va(0x8021_2345)).unwrap();
    assert!(t.mapped);
    assert_eq!((t.output_address, t.level, t.block_size), (pa(0x8021_2345), 2, 0x20_0000));
    let hole = map.translate(va(0x9000_0000)).unwrap();
    assert!(!hole.mapped);
    assert_eq!(map.va_to_pa(va(0x1234_5000)).unwrap(), pa(0x1234_5000));
    let dump = map.dump().unwrap();
    assert!(dump.contains("El1And0"), "{dump}");
    assert!(dump.ends_with("}\n"));
    assert_eq!(map.dump_as(DumpFormat::Reference).unwrap(), dump);
    let ranges = map.dump_as(DumpFormat::Ranges).unwrap();
    assert!(ranges.starts_with(&format!("table {:#x}, level 1\n", map.root_address())), "{ranges}");
    assert!(ranges.lines().any(|l| l.contains("-> 0x80200000") && l.contains("block")), "{ranges}");
    let json = map.dump_as(DumpFormat::Json).unwrap();
    assert!(json.starts_with('{') && json.trim_end().ends_with('}'), "{json}");
    assert!(json.contains("\"root_level\": 1"), "{json}");
    assert_eq!(map.size(), 1 << 39);
    assert_eq!(map.root_level(), 1);
    assert_eq!(map.asid().unwrap(), 1);
    assert_eq!(map.ttbr() >> 48, 1);
    assert_eq!(map.table_count().unwrap(), 2);
    let root = map.root_address();
    assert_eq!(map.pa_to_table(root).unwrap() as u64, root.0);
    map.close().map_err(|(_, e)| e).unwrap();
}

#[test]
fn custom_translation_from_a_rust_arena() {
    let used = Rc::new(RefCell::new(Vec::new()));
    let arena = Arena::new(16, used.clone());
    let mut map = Mapping::with_translation(&options(1), Box::new(arena)).unwrap();
    assert_eq!(map.root_address(), ARENA_PA);
    map.map(&region(0x4000_0000, 0x4040_0000), pa(0x1_0000_0000), NORMAL, Constraints::NONE).unwrap();
    map.map(&region(0x4040_0000, 0x4040_3000), pa(0x2_0000_0000), NORMAL, Constraints::NONE).unwrap();
    assert_eq!(live_tables(&used), 3); // root, a level 2 table, a level 3 table
    let mut seen = Vec::new();
    map.walk(&region(0x4000_0000, 0x4060_0000), |r, entry| {
        if entry.is_valid() {
            seen.push((r.start.0, entry.output_address().0, entry.level()));
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(
        seen,
        vec![
            (0x4000_0000, 0x1_0000_0000, 2),
            (0x4020_0000, 0x1_0020_0000, 2),
            (0x4040_0000, 0x2_0000_0000, 3),
            (0x4040_1000, 0x2_0000_1000, 3),
            (0x4040_2000, 0x2_0000_2000, 3),
        ]
    );
    let t = map.translate(va(0x4040_1abc)).unwrap();
    assert_eq!((t.output_address, t.level), (pa(0x2_0000_1abc), 3));
    let mut runs = 0;
    map.walk_runs(&region(0x4000_0000, 0x4060_0000), |_, run, _| {
        runs += run.len();
        Ok(())
    })
    .unwrap();
    assert!(runs >= 5);
    let ranges = map.dump_as(DumpFormat::Ranges).unwrap();
    assert!(ranges.lines().any(|l| l.contains("-> 0x200000000 page")), "{ranges}");
    let json = map.dump_as(DumpFormat::Json).unwrap();
    assert!(json.starts_with('{') && json.contains("\"root_level\""), "{json}");
    drop(map);
    assert_eq!(live_tables(&used), 0, "every table was freed");
}

#[test]
fn open_adopts_tables_read_only() {
    let used = Rc::new(RefCell::new(Vec::new()));
    let arena = Arena::new(8, used.clone());
    let mut built = Mapping::with_translation(&options(1), Box::new(arena.clone())).unwrap();
    built.map(&region(0x4000_0000, 0x4000_3000), pa(0x2_0000_0000), NORMAL, Constraints::NONE).unwrap();
    built.map(&region(0x8000_0000, 0x8020_0000), pa(0x3_0000_0000), NORMAL, Constraints::NONE).unwrap();
    let tables = live_tables(&used);

    // The same root through the same pages, read-only.
    let mut opened = Mapping::open(&options(1), Box::new(arena), ARENA_PA, false).unwrap();
    assert_eq!(opened.root_address(), ARENA_PA);
    for address in [0x4000_0000, 0x4000_2abc, 0x8012_3456, 0x4000_3000, 0x9000_0000] {
        assert_eq!(opened.translate(va(address)).unwrap(), built.translate(va(address)).unwrap(), "{address:#x}");
    }
    assert_eq!(opened.table_count().unwrap(), built.table_count().unwrap());
    let err = opened.map(&region(0x4000_3000, 0x4000_4000), pa(0x5000), NORMAL, Constraints::NONE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReadOnly);
    assert_eq!(opened.unmap(&region(0x4000_0000, 0x4000_1000)).unwrap_err().kind(), ErrorKind::ReadOnly);
    assert!(!opened.translate(va(0x4000_3000)).unwrap().mapped, "the refused map wrote nothing");
    // Dropping the opened mapping frees none of the tables.
    drop(opened);
    assert_eq!(live_tables(&used), tables);
    assert!(built.translate(va(0x4000_1000)).unwrap().mapped);
    drop(built);
    assert_eq!(live_tables(&used), 0);
}

#[test]
fn open_refuses_to_walk_a_loop_but_translates() {
    let used = Rc::new(RefCell::new(Vec::new()));
    let arena = Arena::new(2, used);
    let (root, level2) = (ARENA_PA, ARENA_PA + 0x1000);
    let table = attr::VALID | attr::TABLE_OR_PAGE;
    let entries = |arena: &Arena, pa| arena.physical_to_virtual(pa).cast::<u64>();
    let (root_entries, level2_entries) = (entries(&arena, root), entries(&arena, level2));
    // SAFETY: both pointers are 4 KiB pages of the arena, 512 entries each,
    // that no mapping uses yet.
    unsafe {
        // Root entry 0 leads to a level 2 table whose entry 0 leads back
        // to the root, and whose entry 1 is a 2 MiB block.
        *root_entries = level2.0 | table;
        *level2_entries = root.0 | table;
        *level2_entries.add(1) = 0x1_0000_0000 | NORMAL.bits();
    }
    let map = Mapping::<_, El1>::open(&options(1), Box::new(arena), root, false).unwrap();
    let err = map.walk(&region(0, 0x40_0000), |_, _| Ok(())).unwrap_err();
    assert_eq!((err.kind(), err.address()), (ErrorKind::MalformedTable, root.0), "{err}");
    // One address at a time, the MMU's way, still works.
    let t = map.translate(va(0x21_2345)).unwrap();
    assert_eq!((t.mapped, t.output_address, t.level), (true, pa(0x1_0001_2345), 2));
    // Through the loop, the root read as a level 3 table: its entry 0 is
    // then a page descriptor for the level 2 table's page.
    let t = map.translate(va(0x123)).unwrap();
    assert_eq!((t.mapped, t.output_address, t.level), (true, level2 + 0x123, 3));
    assert_eq!(map.dump_as(DumpFormat::Reference).unwrap_err().kind(), ErrorKind::MalformedTable);
    // The other layouts print a table met again once, and so end.
    let ranges = map.dump_as(DumpFormat::Ranges).unwrap();
    assert!(ranges.contains("(shared: printed above)"), "{ranges}");
    assert!(map.dump_as(DumpFormat::Json).unwrap().contains("\"shared\": true"));
}

#[test]
fn modify_errors_are_pte_update_faults_and_walk_errors_stop() {
    let mut map = Mapping::identity(&options(1)).unwrap();
    let r = region(0x20_0000, 0x20_1000);
    map.map_auto(&r, NORMAL, Constraints::NONE).unwrap();
    let err = map.modify(&r, |_, _| Err("no".into())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PteUpdateFault);
    assert_eq!(err.descriptor() & !0xfff, 0x20_0000);
    // The callback's own error comes back as the source.
    assert_eq!(std::error::Error::source(&err).map(|e| e.to_string()), Some("no".to_string()));
    // A walk callback's error stops the walk: Stopped, with the bits it
    // was given, for walk and walk_runs, for an Err and for a panic.
    let err = map.walk(&r, |_, _| Err(Box::new(std::fmt::Error))).unwrap_err();
    assert!(std::error::Error::source(&err).unwrap().is::<std::fmt::Error>());
    assert_eq!(err.kind(), ErrorKind::Stopped);
    assert_eq!(err.descriptor() & !0xfff, 0x20_0000);
    assert!(err.to_string().contains("descriptor 0x20"), "{err}");
    let err = map.walk_runs(&r, |_, _, _| Err("seven".into())).unwrap_err();
    assert_eq!((err.kind(), err.descriptor() & !0xfff), (ErrorKind::Stopped, 0x20_0000));
    let err = map.walk(&r, |_, _| -> Result<(), CallbackError> { panic!("caught, not unwound into C") }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Stopped);
    // A panic in a closure is caught at the C boundary (the default hook
    // prints its message).
    let err = map.modify(&r, |_, _| -> Result<(), CallbackError> { panic!("caught, not unwound into C") }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PteUpdateFault);
    map.modify(&r, |_, d| Ok(d.modify_flags(El1::READ_ONLY, El1::empty())?)).unwrap();
    assert!(map.translate(va(0x20_0000)).unwrap().attributes.contains(El1::READ_ONLY));
    let mut levels = Vec::new();
    map.modify(&r, |_, d| {
        levels.push((d.level(), d.is_valid(), d.is_table(), d.output_address(), d.flags() & El1::READ_ONLY));
        let flags = d.flags();
        d.set(pa(0x30_0000), flags)?;
        assert!(d.updated());
        Ok(())
    })
    .unwrap();
    assert_eq!(levels, vec![(3, true, false, pa(0x20_0000), El1::READ_ONLY)]);
    assert_eq!(map.translate(va(0x20_0010)).unwrap().output_address, pa(0x30_0010));
}

#[test]
fn every_status_is_an_error_kind() {
    for status in 1..=18 {
        let kind = ErrorKind::from_status(status);
        assert!(!matches!(kind, ErrorKind::Other(_)), "status {status}");
        assert_eq!(kind.status(), status);
        assert!(!kind.name().is_empty());
    }
    assert_eq!(ErrorKind::from_status(99), ErrorKind::Other(99));
    assert_eq!(ErrorKind::from_status(7), ErrorKind::NoMemory);
    assert_eq!(ErrorKind::from_status(13), ErrorKind::NotMapped);
    assert_eq!(ErrorKind::from_status(16), ErrorKind::Stopped);
    assert_eq!(ErrorKind::from_status(17), ErrorKind::MalformedTable);
    assert_eq!(ErrorKind::from_status(18), ErrorKind::ReadOnly);
    assert_eq!(ErrorKind::from_status(19), ErrorKind::Other(19));
    // An error made from a kind, as io::Error::from(kind), has no detail
    // to show.
    let read_only = Error::from(ErrorKind::ReadOnly);
    assert_eq!(read_only.kind(), ErrorKind::ReadOnly);
    assert!(!read_only.to_string().contains("0x"), "{read_only}");
    assert!(std::error::Error::source(&read_only).is_none());
}

#[test]
fn bbm_safe_follows_the_live_rule() {
    let page = 0x20_0000 | NORMAL.bits() | attr::TABLE_OR_PAGE;
    // Permissions may change on a live page, its output address may not.
    assert!(bbm_safe(RegimeKind::El1And0, 3, page, page | El1::READ_ONLY.bits()).unwrap());
    assert!(!bbm_safe(RegimeKind::El1And0, 3, page, page + 0x1000).unwrap());
    // Filling an invalid entry and invalidating a valid one are the make
    // and the break, always safe.
    assert!(bbm_safe(RegimeKind::El1And0, 3, 0, page).unwrap());
    assert!(bbm_safe(RegimeKind::El1And0, 3, page, 0).unwrap());
    // A level 2 block never becomes a table descriptor in one store.
    let block = 0x20_0000 | NORMAL.bits();
    let table = 0x7000 | attr::VALID | attr::TABLE_OR_PAGE;
    assert!(!bbm_safe(RegimeKind::El1And0, 2, block, table).unwrap());
    assert_eq!(bbm_safe(RegimeKind::El1And0, 4, page, page).unwrap_err().kind(), ErrorKind::InvalidArgument);
}

#[test]
fn errors_carry_their_detail() {
    let mut map = Mapping::identity(&options(1)).unwrap();
    let err = map.map(&region(1 << 39, (1 << 39) + 0x1000), pa(0), NORMAL, Constraints::NONE).unwrap_err();
    // As in the reference, the detail is the end of the region.
    assert_eq!((err.kind(), err.address()), (ErrorKind::AddressRange, (1 << 39) + 0x1000));
    assert!(err.to_string().contains("0x8000001000"), "{err}");
    assert_eq!(err.message(), "Virtual address 0x0000008000001000 out of range");
    let err = map.map(&region(0, 0x1000), pa(0), NORMAL | El1::TABLE_OR_PAGE, Constraints::NONE).unwrap_err();
    assert_eq!((err.kind(), err.flags() & attr::TABLE_OR_PAGE), (ErrorKind::InvalidFlags, attr::TABLE_OR_PAGE));
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(!boxed.to_string().is_empty());
    assert_eq!(Region::from_range(0x2000, 0x1000).unwrap_err().kind(), ErrorKind::RegionBackwards);
    assert_eq!(Mapping::<_, El1>::identity(&options(4)).err().unwrap().kind(), ErrorKind::InvalidArgument);
    // Break-before-make on a live table, with the region.
    map.map_auto(&region(0x20_0000, 0x40_0000), NORMAL, Constraints::NONE).unwrap();
    map.mark_active().unwrap();
    let err = map.map(&region(0x20_0000, 0x20_1000), pa(0x50_0000), NORMAL, Constraints::NONE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BreakBeforeMake);
    assert_eq!(err.region().start, va(0x20_0000));
    let text = err.message();
    assert!(text.contains("0x0000000000200000..0x0000000000201000"), "{text}");
    assert!(text.contains("while translation is live"), "{text}");
    map.mark_inactive().unwrap();
    assert_eq!(map.mark_inactive().unwrap_err().kind(), ErrorKind::NotActive);
}

#[test]
fn target_image_for_stage2() {
    let regime = Regime::builtin(RegimeKind::Stage2).unwrap();
    assert_eq!(regime.kind(), RegimeKind::Stage2);
    let opts = MappingOptions { regime: Some(regime), ..options(1) };
    let mut map = Mapping::target(&opts, pa(0x9000_0000)).unwrap();
    let flags = S2::VALID | S2::ACCESS_FLAG | S2::S2AP_ACCESS_RW | S2::MEMATTR_NORMAL_INNER_WB;
    map.map(&region(0x4000_0000, 0x4000_1000), pa(0x8000_0000), flags, Constraints::NONE).unwrap();
    let image = map.image().unwrap();
    assert_eq!(image.len(), 3 * 4096);
    let root_entry = u64::from_le_bytes(image[8..16].try_into().unwrap());
    assert_eq!(root_entry & !0xfff & ((1 << 48) - 1), 0x9000_1000); // table at the next slot
    assert!(map.dump().unwrap().contains("Stage2"));
    assert_eq!(map.asid().unwrap_err().kind(), ErrorKind::Unsupported);
}

#[test]
fn translation_control_for_el1_and_stage2() {
    let el1_map = Mapping::<_, El1>::identity(&options(1)).unwrap();
    let control = el1_map.translation_control().unwrap();
    assert_eq!((control.input_bits, control.tsz, control.tg, control.sl0), (39, 25, 0, 0));
    assert_eq!((control.tcr, control.tcr_mask), (25, 0xc03f));
    assert_eq!(control.ttbr, el1_map.ttbr());

    let stage2_options = |root_level| MappingOptions {
        regime: Some(Regime::builtin(RegimeKind::Stage2).unwrap()),
        ..options(root_level)
    };
    let s2_map = Mapping::<_, S2>::identity(&stage2_options(1)).unwrap();
    let control = s2_map.translation_control().unwrap();
    assert_eq!((control.sl0, control.tcr, control.tcr_mask), (1, 0x59, 0xc0ff));
    assert_eq!(control.ttbr, s2_map.ttbr());

    // SL0 has no encoding for a level 3 root without FEAT_TTST.
    let level3 = Mapping::<_, S2>::identity(&stage2_options(3)).unwrap();
    assert_eq!(level3.translation_control().unwrap_err().kind(), ErrorKind::Unsupported);
}

#[test]
fn el2and0_with_asid_in_the_upper_range() {
    let opts = MappingOptions {
        regime: Some(Regime::builtin(RegimeKind::El2And0).unwrap()),
        root_level: 1,
        asid: 42,
        va_range: VaRange::Upper,
        ..Default::default()
    };
    let mut map = Mapping::linear(&opts, 0x1000).unwrap();
    let top = Region::from_size(0xffff_ffff_fff0_0000, 0x10_0000).unwrap();
    map.map(&top, pa(0x4000_0000), NORMAL, Constraints::NONE).unwrap();
    assert_eq!(map.va_range(), VaRange::Upper);
    assert_eq!(map.regime_kind(), RegimeKind::El2And0);
    assert_eq!(map.ttbr() >> 48, 42);
    let t = map.translate(va(0xffff_ffff_ffff_f123)).unwrap();
    assert_eq!(t.output_address, pa(0x400f_f123));
    let previous = map.activate().unwrap();
    assert_eq!(previous, u64::MAX); // memory-only in a hosted build
    let (map, err) = map.close().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StillActive);
    let mut map = map;
    map.deactivate(previous).unwrap();
    map.close().map_err(|(_, e)| e).unwrap();
    // EL2 stage 1 uses the EL2/EL3 format.
    let el2 = MappingOptions { regime: Some(Regime::builtin(RegimeKind::El2).unwrap()), ..options(2) };
    let mut map = Mapping::identity(&el2).unwrap();
    map.map_auto(&region(0, 0x1000), El23::VALID | El23::ACCESSED | El23::USER_RES1, Constraints::NONE).unwrap();
    assert!(map.translate(va(0x10)).unwrap().mapped);
}

#[derive(Default)]
struct Recorder {
    calls: Arc<Mutex<Vec<String>>>,
}

impl RegimeHooks for Recorder {
    fn invalidate(&mut self, i: &Invalidation) {
        assert_eq!(i.kind, InvalidationKind::Leaf);
        self.calls.lock().unwrap().push(format!(
            "invalidate {:#x} L{} asid {} range {:#x}+{:#x}",
            i.va, i.level, i.asid, i.range_start, i.range_size
        ));
    }
    fn barrier(&mut self) {
        self.calls.lock().unwrap().push("barrier".into());
    }
    fn activate(&mut self, root: PhysicalAddress, asid: u16, _: VaRange) -> u64 {
        self.calls.lock().unwrap().push(format!("activate {root:#x} asid {asid}"));
        0x5000
    }
    fn deactivate(&mut self, previous: u64, asid: u16, _: VaRange) {
        self.calls.lock().unwrap().push(format!("deactivate {previous:#x} asid {asid}"));
    }
}

/// Like Arena, but Send and Sync: the pages are reached through the boxed
/// slice (no raw pointer field), each in an UnsafeCell since the library
/// writes them through the pointers this hands out, and the bookkeeping is
/// shared through an Arc.
struct SendArena {
    pages: Box<[UnsafeCell<Page>]>,
    used: Arc<Mutex<Vec<bool>>>,
}

impl SendArena {
    fn new(count: usize, used: Arc<Mutex<Vec<bool>>>) -> SendArena {
        used.lock().unwrap().resize(count, false);
        SendArena { pages: (0..count).map(|_| UnsafeCell::new(Page([0; 4096]))).collect(), used }
    }
}

// SAFETY: the pages are written only by the library, through pointers from
// allocate_table and physical_to_virtual, and only during edits, which hold
// the mapping that owns this arena exclusively; reads from several threads
// only read them. The bookkeeping is behind a Mutex.
unsafe impl Sync for SendArena {}

// SAFETY: pages of the arena's own, zeroed when handed out, each marked used
// until freed; physical_to_virtual finds only addresses inside the arena.
unsafe impl Translation for SendArena {
    fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> {
        let mut used = self.used.lock().unwrap();
        let index = used.iter().position(|u| !u)?;
        used[index] = true;
        let page = self.pages[index].get_mut();
        page.0.fill(0);
        Some((page.0.as_mut_ptr(), ARENA_PA + index as u64 * 4096))
    }

    fn free_table(&mut self, _table: *mut u8, pa: PhysicalAddress) {
        self.used.lock().unwrap()[((pa - ARENA_PA) / 4096) as usize] = false;
    }

    fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8 {
        if pa < ARENA_PA {
            return std::ptr::null_mut();
        }
        match self.pages.get(((pa - ARENA_PA) / 4096) as usize) {
            Some(page) => page.get().cast(),
            None => std::ptr::null_mut(),
        }
    }
}

fn assert_send<T: Send>(_: &T) {}
fn assert_sync<T: Sync>(_: &T) {}

#[test]
fn a_mapping_with_a_send_translation_crosses_threads() {
    let used = Arc::new(Mutex::new(vec![false; 8]));
    let mut map = Mapping::with_translation(&options(1), Box::new(SendArena::new(8, used.clone()))).unwrap();
    assert_send(&map);
    map.map(&region(0x4000_0000, 0x4000_2000), pa(0x1_0000_0000), NORMAL, Constraints::NONE).unwrap();
    // Edited on another thread, then handed back.
    let map = std::thread::spawn(move || {
        map.map(&region(0x4020_0000, 0x4020_1000), pa(0x2_0000_0000), NORMAL, Constraints::NONE).unwrap();
        assert_eq!(map.translate(va(0x4000_1234)).unwrap().output_address, pa(0x1_0000_1234));
        map
    })
    .join()
    .unwrap();
    assert_eq!(map.translate(va(0x4020_0010)).unwrap().output_address, pa(0x2_0000_0010));
    assert_eq!(used.lock().unwrap().iter().filter(|u| **u).count(), 4); // root, L2, two L3
    // Dropped on a third thread: the tables go back to the arena.
    std::thread::spawn(move || drop(map)).join().unwrap();
    assert!(used.lock().unwrap().iter().all(|u| !u));

    // The library's own translations and boxed Send trait objects are Send too.
    let builtin = Mapping::<_, El1>::identity(&options(1)).unwrap();
    assert_send(&builtin);
    let object: Box<dyn Translation + Send> = Box::new(SendArena::new(2, Arc::new(Mutex::new(Vec::new()))));
    let dynamic = Mapping::<_, El1>::with_translation(&options(1), object).unwrap();
    assert_send(&dynamic);
    std::thread::spawn(move || (builtin.root_level(), dynamic.root_level())).join().unwrap();
}

#[test]
fn a_regime_with_rust_hooks() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let regime = Regime::with_hooks(RegimeKind::El1And0, Box::new(Recorder { calls: calls.clone() })).unwrap();
    let used = Rc::new(RefCell::new(Vec::new()));
    let opts = MappingOptions { regime: Some(regime), asid: 5, ..options(1) };
    let mut map = Mapping::with_translation(&opts, Box::new(Arena::new(8, used.clone()))).unwrap();
    let r = region(0x1000, 0x3000);
    map.map(&r, pa(0x7000_0000), NORMAL | El1::NON_GLOBAL, Constraints::NONE).unwrap();
    let previous = map.activate().unwrap();
    assert_eq!(previous, 0x5000);
    map.modify(&r, |_, d| Ok(d.modify_flags(El1::READ_ONLY, El1::empty())?)).unwrap();
    map.deactivate(previous).unwrap();
    drop(map);
    assert_eq!(live_tables(&used), 0);
    assert_eq!(
        *calls.lock().unwrap(),
        vec![
            format!("activate {ARENA_PA:#x} asid 5"),
            "invalidate 0x1000 L3 asid 5 range 0x1000+0x1000".to_string(),
            "invalidate 0x2000 L3 asid 5 range 0x2000+0x1000".to_string(),
            "barrier".to_string(),
            "deactivate 0x5000 asid 5".to_string(),
        ]
    );
}

#[test]
fn mair_pte_and_names() {
    let wb = mair::normal(mair::NormalMemory::WriteBackNonTransientReadWriteAllocate,
                          mair::NormalMemory::WriteBackNonTransientReadWriteAllocate).unwrap();
    assert_eq!(wb, 0xff);
    let value = mair::from_attributes([mair::DEVICE_NGNRNE, wb, 0, 0, 0, 0, 0, 0]).unwrap();
    assert_eq!(value, 0xff00);
    assert_eq!(mair::attributes(value).unwrap()[1], 0xff);
    assert_eq!(mair::with_attribute(value, 2, mair::DEVICE_NGNRE).unwrap(), 0x04ff00);
    assert!(!mair::describe(value).unwrap().is_empty());
    assert!(!mair::describe_attribute(wb).unwrap().is_empty());
    assert!(pte::is_table(0x3, 1) && !pte::is_table(0x3, 3) && pte::is_table_or_page(0x3));
    assert_eq!(pte::flags(0x4000_0401, 2), 0x401);
    // Every named bit of each format has a name in the library too.
    for (kind, bit) in [(RegimeKind::El1And0, El1::UXN.bits()), (RegimeKind::El2, El23::XN.bits()), (RegimeKind::Stage2, S2::XN.bits())] {
        assert!(!describe_flags(kind, bit).unwrap().is_empty());
    }
    assert_eq!(Region::from_size(0x1000, 0x1000).unwrap().to_string(), "0x0000000000001000..0x0000000000002000");
    assert_eq!(aarch64_paging_c::version() >> 16, 0);
    assert!(aarch64_paging_c::version_string().starts_with("0."));
}

fn granule_options(granule: Granule, input_bits: u32) -> MappingOptions {
    MappingOptions { granule, input_bits, ..Default::default() }
}

#[test]
fn identity_mappings_with_16k_and_64k_granules() {
    // (granule, input bits, root level, root entries, page, level 2 block, TG0)
    let cases = [
        (Granule::Size16KiB, 36, 2, 2048, 0x4000, 0x200_0000, 0b10),
        (Granule::Size16KiB, 42, 1, 64, 0x4000, 0x200_0000, 0b10),
        (Granule::Size16KiB, 48, 0, 2, 0x4000, 0x200_0000, 0b10),
        (Granule::Size64KiB, 36, 2, 128, 0x1_0000, 0x2000_0000, 0b01),
        (Granule::Size64KiB, 42, 2, 8192, 0x1_0000, 0x2000_0000, 0b01),
        (Granule::Size64KiB, 48, 1, 64, 0x1_0000, 0x2000_0000, 0b01),
    ];
    for (granule, bits, root_level, root_entries, page, block, tg) in cases {
        let case = format!("{granule:?} {bits} bits");
        assert_eq!(granule.page_size(), page, "{case}");
        let mut map = Mapping::identity(&granule_options(granule, bits)).unwrap();
        assert_eq!(map.size(), 1 << bits, "{case}");
        assert_eq!(map.root_level(), root_level, "{case}");
        let control = map.translation_control().unwrap();
        assert_eq!(
            (control.granule, control.input_bits, control.tsz, control.tg, control.sl0),
            (granule, bits, 64 - bits, tg, 0),
            "{case}"
        );
        assert_eq!((control.root_level, control.root_entries, control.root_tables), (root_level, root_entries, 1), "{case}");
        assert_eq!(control.tcr, u64::from(64 - bits) | u64::from(tg) << 14, "{case}");

        // Two level 2 blocks, and three pages.
        map.map_auto(&Region::from_size(0x4000_0000, 2 * block).unwrap(), NORMAL, Constraints::NONE).unwrap();
        map.map_auto(&Region::from_size(0x1000_0000, 3 * page).unwrap(), NORMAL, Constraints::NONE).unwrap();
        let t = map.translate(va(0x4000_0000 + block + 0x12_3458)).unwrap();
        assert!(t.mapped, "{case}");
        assert_eq!((t.output_address, t.level, t.block_size), (pa(0x4000_0000 + block + 0x12_3458), 2, block), "{case}");
        let t = map.translate(va(0x1000_0000 + 2 * page + 0x123)).unwrap();
        assert_eq!((t.output_address, t.level, t.block_size), (pa(0x1000_0000 + 2 * page + 0x123), 3, page), "{case}");
        assert!(!map.translate(va(0x1000_0000 + 3 * page)).unwrap().mapped, "{case}");
        // The top of the input range is reachable, one byte beyond it is not.
        let top = Region::from_size((1 << bits) - page, page).unwrap();
        map.map_auto(&top, NORMAL, Constraints::NONE).unwrap();
        assert_eq!(map.translate(va((1 << bits) - 1)).unwrap().output_address, pa((1 << bits) - 1), "{case}");
        let beyond = Region::from_size(1 << bits, page).unwrap();
        assert!(map.map_auto(&beyond, NORMAL, Constraints::NONE).is_err(), "{case}");
        map.close().map_err(|(_, e)| e).unwrap();
    }
}

#[test]
fn translation_control_of_granules_and_concatenated_roots() {
    // 64 KiB, 42 bits, lower range: TG0 64 KiB is 0b01.
    let map = Mapping::<_, El1>::identity(&granule_options(Granule::Size64KiB, 42)).unwrap();
    let c = map.translation_control().unwrap();
    assert_eq!((c.tsz, c.tg, c.root_level, c.granule), (22, 1, 2, Granule::Size64KiB));
    // 16 KiB, upper range: TG1 16 KiB is 0b01, T1SZ in bits 21:16.
    let upper = MappingOptions { va_range: VaRange::Upper, ..granule_options(Granule::Size16KiB, 42) };
    let map = Mapping::<_, El1>::identity(&upper).unwrap();
    let c = map.translation_control().unwrap();
    assert_eq!((c.tsz, c.tg, c.root_level, c.root_entries), (22, 1, 1, 64));
    assert_eq!((c.tcr, c.tcr_mask), (22 << 16 | 1 << 30, 0x3f << 16 | 3 << 30));
    // Stage 2, 4 KiB, 40 bits: two concatenated level 1 tables (SL0 0b01)
    // rather than a level 0 root, unless concatenation is ruled out.
    let stage2 = |max_root_tables| MappingOptions {
        regime: Some(Regime::builtin(RegimeKind::Stage2).unwrap()),
        input_bits: 40,
        max_root_tables,
        ..Default::default()
    };
    let map = Mapping::<_, S2>::identity(&stage2(0)).unwrap();
    let c = map.translation_control().unwrap();
    assert_eq!((c.root_level, c.root_tables, c.root_entries, c.sl0, c.tsz, c.tg), (1, 2, 1024, 1, 24, 0));
    assert_eq!(c.tcr, 24 | 1 << 6);
    assert_eq!(c.ttbr % 0x2000, 0, "a concatenated root is aligned to its size");
    let map = Mapping::<_, S2>::identity(&stage2(1)).unwrap();
    let c = map.translation_control().unwrap();
    assert_eq!((c.root_level, c.root_tables, c.root_entries, c.sl0), (0, 1, 2, 2));
}

#[test]
fn bad_granule_options_are_invalid_arguments() {
    let invalid = |o: MappingOptions| Mapping::<_, El1>::identity(&o).err().map(|e| e.kind());
    let stage2 = || Some(Regime::builtin(RegimeKind::Stage2).unwrap());
    for (what, o) in [
        ("20 bits", granule_options(Granule::Size16KiB, 20)),
        ("49 bits", granule_options(Granule::Size4KiB, 49)),
        ("input bits with a root level", MappingOptions { root_level: 1, ..granule_options(Granule::Size4KiB, 40) }),
        ("64 KiB at level 0", granule_options(Granule::Size64KiB, 0)),
        ("3 root tables", MappingOptions { regime: stage2(), max_root_tables: 3, ..granule_options(Granule::Size4KiB, 40) }),
        ("root tables at stage 1", MappingOptions { max_root_tables: 2, ..granule_options(Granule::Size4KiB, 40) }),
    ] {
        assert_eq!(invalid(o), Some(ErrorKind::InvalidArgument), "{what}");
    }
}

/// Tables from the heap, each block aligned to its size, at physical
/// addresses that differ from the pointers (bit 46 flipped), so that only
/// this translation can find them. Records what it hands out.
#[derive(Clone, Default)]
struct BlockHeap {
    live: Rc<RefCell<BTreeMap<PhysicalAddress, (*mut u8, usize)>>>,
    sizes: Rc<RefCell<Vec<usize>>>,
    large: bool,
}

const TWIST: u64 = 1 << 46;

impl BlockHeap {
    fn get(&mut self, bytes: usize) -> Option<(*mut u8, PhysicalAddress)> {
        let layout = Layout::from_size_align(bytes, bytes).ok()?;
        // SAFETY: bytes is at least 4 KiB, so the layout is not empty.
        let block = unsafe { alloc_zeroed(layout) };
        if block.is_null() {
            return None;
        }
        let pa = PhysicalAddress(block as u64 ^ TWIST);
        self.live.borrow_mut().insert(pa, (block, bytes));
        self.sizes.borrow_mut().push(bytes);
        Some((block, pa))
    }

    fn put(&mut self, block: *mut u8, pa: PhysicalAddress, bytes: usize) {
        let (recorded, size) = self.live.borrow_mut().remove(&pa).expect("a block this heap gave out");
        assert_eq!((recorded, size), (block, bytes));
        // SAFETY: block came from alloc_zeroed with this very layout.
        unsafe { dealloc(block, Layout::from_size_align(bytes, bytes).unwrap()) };
    }
}

// SAFETY: blocks come zeroed from alloc_zeroed with their own size as the
// alignment, each live until given back; physical_to_virtual finds only
// addresses inside a live block.
unsafe impl Translation for BlockHeap {
    fn allocate_table(&mut self) -> Option<(*mut u8, PhysicalAddress)> {
        self.get(4096)
    }
    fn free_table(&mut self, table: *mut u8, pa: PhysicalAddress) {
        self.put(table, pa, 4096)
    }
    fn physical_to_virtual(&self, pa: PhysicalAddress) -> *mut u8 {
        let live = self.live.borrow();
        match live.range(..=pa).next_back() {
            // SAFETY: pa lies inside the block, so the offset stays in it.
            Some((&start, &(block, bytes))) if pa - start < bytes as u64 => unsafe { block.add((pa - start) as usize) },
            _ => std::ptr::null_mut(),
        }
    }
    fn provides_tables(&self) -> bool {
        self.large
    }
    fn allocate_tables(&mut self, bytes: usize) -> Option<(*mut u8, PhysicalAddress)> {
        self.get(bytes)
    }
    fn free_tables(&mut self, tables: *mut u8, pa: PhysicalAddress, bytes: usize) {
        self.put(tables, pa, bytes)
    }
}

#[test]
fn custom_translation_with_allocate_tables() {
    // Without allocate_tables a 64 KiB mapping is refused.
    let plain = BlockHeap::default();
    let err = Mapping::<_, El1>::with_translation(&granule_options(Granule::Size64KiB, 42), Box::new(plain.clone())).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(plain.live.borrow().is_empty());

    for (granule, page, block) in [(Granule::Size16KiB, 0x4000, 0x200_0000u64), (Granule::Size64KiB, 0x1_0000, 0x2000_0000)] {
        let heap = BlockHeap { large: true, ..Default::default() };
        let mut map = Mapping::with_translation(&granule_options(granule, 42), Box::new(heap.clone())).unwrap();
        let root = map.root_address();
        assert!(heap.live.borrow().contains_key(&root), "{granule:?}: the root comes from the heap");
        map.map(&Region::from_size(0x4000_0000, block).unwrap(), pa(0x8_0000_0000), NORMAL, Constraints::NONE).unwrap();
        map.map(&Region::from_size(0x1_0000_0000, 2 * page).unwrap(), pa(0x9_0000_0000), NORMAL, Constraints::NONE).unwrap();
        let t = map.translate(va(0x4000_0000 + 0x12_3456)).unwrap();
        assert_eq!((t.output_address, t.level, t.block_size), (pa(0x8_0012_3456), 2, block), "{granule:?}");
        let t = map.translate(va(0x1_0000_0000 + page + 0x42)).unwrap();
        assert_eq!((t.output_address, t.level, t.block_size), (pa(0x9_0000_0000 + page + 0x42), 3, page), "{granule:?}");
        // Every table is one granule in size.
        assert!(heap.sizes.borrow().iter().all(|&s| s as u64 == page), "{granule:?}: {:?}", heap.sizes.borrow());
        assert_eq!(heap.live.borrow().len(), map.table_count().unwrap());
        drop(map);
        assert!(heap.live.borrow().is_empty(), "{granule:?}: every table freed");
    }

    // A concatenated 4 KiB stage 2 root: two tables in one 8 KiB block.
    let heap = BlockHeap { large: true, ..Default::default() };
    let s2 = MappingOptions {
        regime: Some(Regime::builtin(RegimeKind::Stage2).unwrap()),
        input_bits: 40,
        ..Default::default()
    };
    let mut map = Mapping::with_translation(&s2, Box::new(heap.clone())).unwrap();
    assert_eq!(heap.sizes.borrow()[0], 0x2000);
    let high = Region::from_size(0xc0_0000_0000, 0x1000).unwrap(); // in the second root table
    map.map(&high, pa(0x5000_0000), S2::VALID | S2::ACCESS_FLAG | S2::S2AP_ACCESS_RW, Constraints::NONE).unwrap();
    assert_eq!(map.translate(va(0xc0_0000_0abc)).unwrap().output_address, pa(0x5000_0abc));
    drop(map);
    assert!(heap.live.borrow().is_empty());
}

#[derive(Default)]
struct GranuleRecorder(Arc<Mutex<Vec<(Granule, u64, u32)>>>);

impl RegimeHooks for GranuleRecorder {
    fn invalidate(&mut self, i: &Invalidation) {
        self.0.lock().unwrap().push((i.granule, i.range_size, i.level));
    }
}

#[test]
fn invalidations_carry_the_granule() {
    for (granule, page) in [(Granule::Size4KiB, 0x1000), (Granule::Size16KiB, 0x4000), (Granule::Size64KiB, 0x1_0000)] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let regime = Regime::with_hooks(RegimeKind::El1And0, Box::new(GranuleRecorder(seen.clone()))).unwrap();
        let opts = MappingOptions { regime: Some(regime), ..granule_options(granule, 40) };
        let heap = BlockHeap { large: true, ..Default::default() };
        let mut map = Mapping::with_translation(&opts, Box::new(heap.clone())).unwrap();
        let r = Region::from_size(0x10_0000 * page, page).unwrap();
        map.map(&r, pa(0x4000_0000), NORMAL, Constraints::NONE).unwrap();
        map.mark_active().unwrap();
        map.unmap(&r).unwrap();
        map.mark_inactive().unwrap();
        assert_eq!(seen.lock().unwrap().first(), Some(&(granule, page, 3)), "{granule:?}");
        drop(map);
        assert!(heap.live.borrow().is_empty());
    }
}

#[test]
fn callbacks_infer_their_error_type_and_questions_marks_work() {
    let mut map = Mapping::identity(&options(1)).unwrap();
    let r = region(0x20_0000, 0x20_2000);
    map.map_auto(&r, NORMAL, Constraints::NONE).unwrap();
    // No annotation needed: the callbacks' error type is CallbackError.
    map.walk(&r, |_, _| Ok(())).unwrap();
    map.walk_runs(&r, |_, _, _| Ok(())).unwrap();
    map.modify(&r, |_, _| Ok(())).unwrap();
    // `?` on the binding's own errors, and on any other error type.
    map.modify(&r, |_, d| Ok(d.modify_flags(El1::READ_ONLY, El1::empty())?)).unwrap();
    let err = map
        .walk(&r, |_, _| {
            let n: u32 = "not a number".parse()?;
            assert_ne!(n, 0);
            Ok(())
        })
        .unwrap_err();
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.is::<std::num::ParseIntError>(), "{source}");
    assert_eq!(err.kind(), ErrorKind::Stopped);
}

#[test]
fn mappings_print_their_shape_and_getters_return_values() {
    let map = Mapping::<_, El1>::identity(&MappingOptions { granule: Granule::Size16KiB, input_bits: 40, ..Default::default() }).unwrap();
    let text = format!("{map:?}");
    for part in ["Mapping", "El1And0", "Size16KiB", "input_bits: 40", "root_level: 1", "active: false"] {
        assert!(text.contains(part), "{part} missing in {text}");
    }
    // Getters the library cannot refuse give values, not Results.
    let (size, level, active): (u64, u32, bool) = (map.size(), map.root_level(), map.is_active());
    assert_eq!((size, level, active), (1 << 40, 1, false));
    assert_eq!(map.ttbr(), map.root_address().0);
}

#[test]
fn reads_run_on_several_threads_at_once() {
    // A mapping is Sync when its translation is, the library's own
    // translations included.
    let used = Arc::new(Mutex::new(Vec::new()));
    let mut custom = Mapping::with_translation(&options(1), Box::new(SendArena::new(8, used.clone()))).unwrap();
    let mut builtin = Mapping::identity(&options(1)).unwrap();
    assert_sync(&custom);
    assert_sync(&builtin);
    let ram = region(0x4000_0000, 0x4000_4000);
    custom.map(&ram, pa(0x1_0000_0000), NORMAL, Constraints::NONE).unwrap();
    builtin.map_auto(&ram, NORMAL | El1::READ_ONLY, Constraints::NONE).unwrap();
    let (custom_dump, builtin_dump) = (custom.dump().unwrap(), builtin.dump().unwrap());
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4u64)
            .map(|n| {
                let (custom, builtin, ram) = (&custom, &builtin, &ram);
                let (custom_dump, builtin_dump) = (&custom_dump, &builtin_dump);
                scope.spawn(move || {
                    for round in 0..200u64 {
                        let offset = (n * 0x1000 + round * 8) % 0x4000;
                        let t = custom.translate(va(0x4000_0000 + offset)).unwrap();
                        assert_eq!(t.output_address, pa(0x1_0000_0000 + offset));
                        let t = builtin.translate(va(0x4000_0000 + offset)).unwrap();
                        assert_eq!((t.output_address, t.attributes.contains(El1::READ_ONLY)), (pa(0x4000_0000 + offset), true));
                        let mut pages = 0;
                        custom
                            .walk(ram, |_, entry| {
                                pages += usize::from(entry.is_valid() && entry.level() == 3);
                                Ok(())
                            })
                            .unwrap();
                        assert_eq!(pages, 4);
                        if round % 50 == 0 {
                            assert_eq!(&custom.dump().unwrap(), custom_dump);
                            assert_eq!(&builtin.dump().unwrap(), builtin_dump);
                            assert_eq!(custom.table_count().unwrap(), 3);
                            assert!(custom.translation().is_some());
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
    });
    drop(custom);
    assert!(used.lock().unwrap().iter().all(|u| !u));
}

#[test]
fn translation_hands_back_the_callers_translation() {
    let used = Rc::new(RefCell::new(Vec::new()));
    let mut map = Mapping::with_translation(&options(1), Box::new(Arena::new(8, used.clone()))).unwrap();
    map.map(&region(0x4000_0000, 0x4000_1000), pa(0x1_0000_0000), NORMAL, Constraints::NONE).unwrap();
    let arena = map.translation().expect("a caller's translation");
    assert_eq!(live_tables(&arena.used), 3);
    // The same pointer the library reaches the root through.
    assert_eq!(arena.physical_to_virtual(map.root_address()), map.pa_to_table(map.root_address()).unwrap());
    // Inside a walk too: reads share the translation.
    map.walk(&region(0x4000_0000, 0x4000_1000), |_, _| {
        assert!(map.translation().is_some());
        Ok(())
    })
    .unwrap();
    assert!(Mapping::<_, El1>::identity(&options(1)).unwrap().translation().is_none());
}

#[test]
fn attribute_types_are_bit_sets_named_by_the_library() {
    let mut flags = El1::VALID | El1::ACCESSED;
    assert_eq!(flags.bits(), 0x401);
    assert!(flags.contains(El1::VALID) && !flags.contains(El1::VALID | El1::READ_ONLY));
    assert!(flags.intersects(El1::VALID | El1::READ_ONLY));
    flags |= El1::READ_ONLY;
    flags &= !El1::ACCESSED;
    assert_eq!(flags, El1::VALID | El1::READ_ONLY);
    flags ^= El1::VALID;
    assert_eq!(flags, El1::READ_ONLY);
    assert_eq!((El1::VALID | El1::PXN) ^ (El1::VALID | El1::UXN), El1::PXN | El1::UXN);
    flags.insert(El1::UXN);
    flags.remove(El1::READ_ONLY);
    assert_eq!(flags, El1::UXN);
    assert_eq!((flags & El1::PXN), El1::empty());
    assert!(El1::empty().is_empty() && El1::default().is_empty());
    assert_eq!(El1::from_bits_retain(1 << 40).bits(), 1 << 40);
    assert_eq!(u64::from(El23::XN), 1 << 54);
    assert_eq!(format!("{:#x}", S2::XN), "0x40000000000000");
    // Debug: the library's names for the format, unnamed bits as a number.
    assert_eq!(format!("{:?}", El1::VALID | El1::PXN | El1::from_bits_retain(1 << 40)), "El1Attributes(VALID | PXN | 0x10000000000)");
    assert_eq!(format!("{:?}", El23::VALID | El23::XN), "El23Attributes(VALID | XN)");
    let s2 = S2::VALID | S2::MEMATTR_NORMAL_OUTER_WB | S2::MEMATTR_NORMAL_INNER_WB | S2::S2AP_ACCESS_RW | S2::ACCESS_FLAG;
    assert_eq!(format!("{s2:?}"), "Stage2Attributes(VALID | normal-wb | rw | non-shareable | ACCESS_FLAG)");
    // The same bits are named by each format's own rules: bit 11 is
    // NON_GLOBAL at EL1, NSE at EL3 (the same value), FnXS at stage 2.
    assert_eq!(El1::NON_GLOBAL.bits(), El23::NSE.bits());
    assert_eq!(El1::NON_GLOBAL.bits(), S2::FNXS.bits());
}

#[test]
fn addresses_are_their_own_types() {
    let start = va(0x8020_0000);
    let end = start + 0x20_0000;
    assert_eq!(end - start, 0x20_0000);
    assert_eq!(end - 0x1000, va(0x803f_f000));
    let mut table = pa(0x4000_0000);
    table += 0x1000;
    assert_eq!((table.as_u64(), u64::from(table)), (0x4000_1000, 0x4000_1000));
    assert_eq!(PhysicalAddress::from(0x4000_1000), table);
    assert_eq!(format!("{table} {table:?} {table:x} {table:#X}"), "0x40001000 PhysicalAddress(0x40001000) 40001000 0x40001000");
    assert_eq!(format!("{start:?}"), "VirtualAddress(0x80200000)");
    assert!(start < end);
    // Regions take either form, and know their end.
    let r = Region::from_range(start, 0x8040_0000).unwrap();
    assert_eq!((r.start, r.end()), (start, Some(end)));
    assert_eq!(Region::from_size(0xffff_ffff_ffff_f000, 0x1000).unwrap().end(), None);
}

#[test]
fn constraints_are_a_typed_set() {
    let both = Constraints::NO_BLOCK_MAPPINGS | Constraints::NO_CONTIGUOUS_HINT;
    assert!(both.contains(Constraints::NO_BLOCK_MAPPINGS) && !Constraints::NONE.contains(Constraints::NO_BLOCK_MAPPINGS));
    assert_eq!(both, Constraints::all());
    assert!(Constraints::empty().is_empty() && Constraints::default() == Constraints::NONE);
    assert_eq!((both.bits(), Constraints::from_bits(1), Constraints::from_bits(4)), (3, Some(Constraints::NO_BLOCK_MAPPINGS), None));
    let mut c = Constraints::empty();
    c |= Constraints::NO_CONTIGUOUS_HINT;
    assert_eq!(format!("{c:?} {both:?} {:?}", Constraints::NONE), "Constraints(NO_CONTIGUOUS_HINT) Constraints(NO_BLOCK_MAPPINGS | NO_CONTIGUOUS_HINT) Constraints(NONE)");
    // Pages only: 2 MiB at a block boundary becomes 512 pages.
    let mut map = Mapping::identity(&options(1)).unwrap();
    map.map_auto(&region(0x20_0000, 0x40_0000), NORMAL, Constraints::NO_BLOCK_MAPPINGS).unwrap();
    assert_eq!(map.translate(va(0x20_0000)).unwrap().level, 3);
}

#[test]
fn a_regime_of_another_format_is_refused() {
    let regime = |kind| MappingOptions { regime: Some(Regime::builtin(kind).unwrap()), ..options(1) };
    let refused = |result: Result<(), Error>| result.unwrap_err().kind();
    // Each format takes its own regimes...
    for kind in [RegimeKind::El1And0, RegimeKind::El2And0] {
        Mapping::<_, El1>::identity(&regime(kind)).unwrap();
    }
    for kind in [RegimeKind::El2, RegimeKind::El3] {
        Mapping::<_, El23>::linear(&regime(kind), 0x1000).unwrap();
    }
    Mapping::<_, S2>::target(&regime(RegimeKind::Stage2), pa(0x9000_0000)).unwrap();
    // ... and no other's.
    assert_eq!(refused(Mapping::<_, El1>::identity(&regime(RegimeKind::Stage2)).map(drop)), ErrorKind::InvalidArgument);
    assert_eq!(refused(Mapping::<_, El1>::identity(&regime(RegimeKind::El3)).map(drop)), ErrorKind::InvalidArgument);
    assert_eq!(refused(Mapping::<_, S2>::identity(&options(1)).map(drop)), ErrorKind::InvalidArgument);
    assert_eq!(refused(Mapping::<_, El23>::identity(&regime(RegimeKind::El2And0)).map(drop)), ErrorKind::InvalidArgument);
    // A refused translation is dropped, not leaked.
    let used = Rc::new(RefCell::new(Vec::new()));
    let arena = Arena::new(2, used.clone());
    let err = Mapping::<_, S2>::with_translation(&options(1), Box::new(arena)).err().unwrap();
    assert_eq!((err.kind(), live_tables(&used), Rc::strong_count(&used)), (ErrorKind::InvalidArgument, 0, 1));
}
