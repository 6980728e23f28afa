// SPDX-License-Identifier: MIT OR Apache-2.0
//! Zig binding of libaarch64paging: build, edit, walk and activate AArch64
//! translation tables through the library's C ABI.
//!
//! Every call the C library can refuse for a valid handle returns an error
//! union here (getters it refuses only for NULL return plain values), whose
//! error set is the call's own: the C function's documented statuses, not
//! all of `Error` (see `MapError` and the sets next to it). The detail it
//! reports (an address, a region, descriptor bits, flags) lands in an
//! optional `*ErrorDetail`. Calls that take an allocator and return memory
//! the caller frees end in `Alloc`, as in std.
//!
//! Objects that own C resources have a `deinit` that cannot fail, so that
//! `defer map.deinit();` works. Its precondition is the C one: a `Mapping`
//! must not be active, a `UserRegime` must not be used by a mapping. Breaking
//! it is a bug, and `deinit` panics (in every build mode) rather than leak
//! what `ap_mapping_destroy()` or `ap_regime_destroy()` refused to free.
//! Callers who want to handle that case call `tryDeinit` instead, which
//! returns `error.StillActive` and leaves the object as it was.

const std = @import("std");
const Allocator = std.mem.Allocator;

/// The C API as translated by Zig, for what this binding leaves out (such as
/// `ap_mapping_dump_file()`, which needs a C `FILE *`).
pub const c = @cImport({
    @cInclude("aarch64_paging.h");
});

/// A virtual (stage 1) or intermediate physical (stage 2) input address.
pub const Va = c.ap_va_t;
/// A physical (stage 1) or intermediate physical (stage 2) output address.
pub const Pa = c.ap_pa_t;
// Descriptor attributes have one type per descriptor format: `El1Attrs`,
// `El23Attrs` and `Stage2Attrs` (see "attributes" below). Raw `u64` stays
// where a whole descriptor is meant (walk callbacks, `pte`, `bbmSafe`).

// ---------------------------------------------------------------- geometry

pub const page_shift: u6 = c.AP_PAGE_SHIFT;
pub const page_size: usize = c.AP_PAGE_SIZE;
pub const bits_per_level: u6 = c.AP_BITS_PER_LEVEL;
pub const entries_per_table: usize = c.AP_ENTRIES_PER_TABLE;
pub const leaf_level: u32 = c.AP_LEAF_LEVEL;

/// One translation table: 512 descriptors in one 4 KiB page.
pub const Table = [entries_per_table]u64;
/// A pointer to a table as the library requires it: page-aligned.
pub const TablePtr = *align(page_size) Table;

/// The translation granule (`ap_granule_t`): the page size and the size of
/// every table. `granuleAtLevel` and the geometry above are those of `.size_4k`.
pub const Granule = enum(c.ap_granule_t) {
    /// 4 KiB pages, 512-entry tables; blocks at levels 1 (1 GiB) and 2 (2 MiB).
    size_4k = c.AP_GRANULE_4K,
    /// 16 KiB pages, 2048-entry tables; blocks at level 2 (32 MiB).
    size_16k = c.AP_GRANULE_16K,
    /// 64 KiB pages, 8192-entry tables; blocks at level 2 (512 MiB); no level 0.
    size_64k = c.AP_GRANULE_64K,

    /// The page size in bytes, which is also the size of a table.
    pub fn pageSize(self: Granule) u64 {
        return switch (self) {
            .size_4k => 4 << 10,
            .size_16k => 16 << 10,
            .size_64k => 64 << 10,
        };
    }
};

/// Bytes covered by one entry of a 4 KiB-granule table at `level` (0 to 3;
/// a level is a `u32` throughout the binding, as `unsigned` in C). A level
/// above 3 is a bug: it panics in safe builds.
pub fn granuleAtLevel(level: u32) u64 {
    std.debug.assert(level <= leaf_level);
    // The macro AP_GRANULE_AT_LEVEL does not translate for a runtime level,
    // so its one-line formula is spelled out here.
    const shift: u6 = @intCast((leaf_level - level) * bits_per_level);
    return @as(u64, page_size) << shift;
}

// ---------------------------------------------------------------- version

/// Version of the header this binding was compiled against.
pub const header_version = std.SemanticVersion{
    .major = c.AP_VERSION_MAJOR,
    .minor = c.AP_VERSION_MINOR,
    .patch = c.AP_VERSION_PATCH,
};

/// Version of the library that is running.
pub fn version() std.SemanticVersion {
    const packed_version = c.ap_version();
    return .{
        .major = packed_version >> 16,
        .minor = (packed_version >> 8) & 0xff,
        .patch = packed_version & 0xff,
    };
}

/// Version of the library that is running, as text ("0.1.0").
pub fn versionString() [:0]const u8 {
    return std.mem.span(c.ap_version_string());
}

// ---------------------------------------------------------------- errors

/// One error per `ap_status_t` error value: every call's narrow error set
/// is part of it. `AP_ERR_NO_MEMORY` is Zig's own
/// `OutOfMemory`, so that allocator failures and the library's read alike;
/// `Unexpected` stands for a status this binding does not know (a newer
/// library).
pub const Error = error{
    AddressRange,
    InvalidVirtualAddress,
    RegionBackwards,
    PteUpdateFault,
    InvalidFlags,
    BreakBeforeMake,
    OutOfMemory,
    InvalidArgument,
    StillActive,
    NotActive,
    Unsupported,
    BadTableAddress,
    NotMapped,
    BufferTooSmall,
    WriteFailed,
    Stopped,
    MalformedTable,
    ReadOnly,
    Unexpected,
};

/// What `Mapping.tryDeinit` and `UserRegime.tryDeinit` can return: the
/// object is still in use (an active mapping, a regime a mapping uses).
pub const DeinitError = error{StillActive};

// Narrow error sets. Each is the @retval list of the C function in
// aarch64_paging.h, less what the binding rules out: AP_ERR_INVALID_ARGUMENT
// when every cause the header gives for it is a NULL pointer, a `size`
// field, an enum value or a buffer the binding always passes correctly, and
// AP_ERR_BUFFER_TOO_SMALL where the binding sizes the buffer itself.
// AP_ERR_NO_MEMORY is `OutOfMemory`. Every set has `Unexpected`, as std.os's
// do, for a status the header does not list for the call (a newer library,
// or a call from inside one of the mapping's own callbacks while it is being
// destroyed). Each is a subset of `Error`.

/// `Region.fromRange`: a backwards range, or one whose rounding covers all 2^64 bytes.
pub const RegionRangeError = error{ RegionBackwards, InvalidArgument, Unexpected };
/// `Region.fromSize`: start + size past 2^64.
pub const RegionSizeError = error{ RegionBackwards, Unexpected };
/// `Region.formatInto`.
pub const RegionFormatError = error{ RegionBackwards, BufferTooSmall, Unexpected };
/// The allocating text functions: `describeErrorAlloc`, `describeAttrsAlloc`,
/// `mair.describeAttributeAlloc`, `mair.describeAlloc`.
pub const DescribeError = error{ OutOfMemory, Unexpected };
/// `bbmSafe`: a level above 3.
pub const BbmSafeError = error{ InvalidArgument, Unexpected };
/// `mair.withAttribute`: an index above 7.
pub const MairIndexError = error{ InvalidArgument, Unexpected };
/// Calls whose only documented failures the binding rules out
/// (`Regime.builtin`, `mair.normal`, `mair.fromAttributes`,
/// `mair.attributes`, `Mapping.activate`, `Mapping.markActive`).
pub const UnexpectedError = error{Unexpected};
/// `UserRegime.init`.
pub const UserRegimeInitError = error{ OutOfMemory, Unexpected };
/// `Mapping.initIdentity` and `Mapping.initTarget`: bad options (or a
/// misaligned target base), no memory.
pub const InitError = error{ InvalidArgument, OutOfMemory, Unexpected };
/// `Mapping.initLinear`: as `InitError`, or a root table the offset takes
/// out of the physical address space.
pub const InitLinearError = error{ InvalidArgument, OutOfMemory, BadTableAddress, Unexpected };
/// `Mapping.initCustom` and `Mapping.initIdentityAllocator` (`ap_mapping_create()`).
pub const InitCustomError = error{ InvalidArgument, Unsupported, OutOfMemory, BadTableAddress, Unexpected };
/// `Mapping.open`.
pub const OpenError = error{ InvalidArgument, BadTableAddress, OutOfMemory, Unexpected };
/// `Mapping.map` (InvalidArgument: bad options such as reserved constraint bits).
pub const MapError = error{
    InvalidArgument,
    RegionBackwards,
    AddressRange,
    InvalidFlags,
    InvalidVirtualAddress,
    BreakBeforeMake,
    OutOfMemory,
    BadTableAddress,
    ReadOnly,
    MalformedTable,
    Unexpected,
};
/// `Mapping.mapAuto`: `MapError`, or a mapping without a built-in translation.
pub const MapAutoError = MapError || error{Unsupported};
/// `Mapping.unmap`: `MapError` without InvalidFlags (and without
/// InvalidArgument, whose one reachable cause, constraints, unmap has not).
pub const UnmapError = error{
    RegionBackwards,
    AddressRange,
    InvalidVirtualAddress,
    BreakBeforeMake,
    OutOfMemory,
    BadTableAddress,
    ReadOnly,
    MalformedTable,
    Unexpected,
};
/// `Mapping.modify`.
pub const ModifyError = error{
    RegionBackwards,
    AddressRange,
    PteUpdateFault,
    BreakBeforeMake,
    OutOfMemory,
    BadTableAddress,
    ReadOnly,
    MalformedTable,
    Unexpected,
};
/// `Mapping.walk` and `Mapping.walkRuns`.
pub const WalkError = error{ RegionBackwards, AddressRange, Stopped, BadTableAddress, MalformedTable, OutOfMemory, Unexpected };
/// `Mapping.compact`.
pub const CompactError = error{ ReadOnly, MalformedTable, BadTableAddress, OutOfMemory, Unexpected };
/// `Mapping.translate` (an address that is not mapped is an answer, not an error).
pub const TranslateError = error{ AddressRange, BadTableAddress, Unexpected };
/// `Mapping.deactivate`: EL2 and EL3 tables, or a mapping not active.
pub const DeactivateError = error{ Unsupported, NotActive, Unexpected };
/// `Mapping.markInactive`.
pub const MarkInactiveError = error{ NotActive, Unexpected };
/// `Mapping.translationControl`, `Mapping.asid`, `Mapping.targetImageSize`.
pub const UnsupportedError = error{ Unsupported, Unexpected };
/// `Mapping.tableCount` (an adopted hierarchy is walked to count).
pub const TableCountError = error{ BadTableAddress, MalformedTable, OutOfMemory, Unexpected };
/// `Mapping.vaToPa`.
pub const VaToPaError = error{ InvalidVirtualAddress, Unsupported, Unexpected };
/// `Mapping.paToTable`.
pub const PaToTableError = error{ BadTableAddress, Unexpected };
/// `Mapping.writeTargetImage`.
pub const WriteTargetImageError = error{ Unsupported, BufferTooSmall, Unexpected };
/// `Mapping.targetImageAlloc`.
pub const TargetImageAllocError = error{ Unsupported, OutOfMemory, Unexpected };
/// `Mapping.dump` and `Mapping.dumpAs` (WriteFailed: the writer's error
/// stopped the dump).
pub const DumpError = error{ WriteFailed, BadTableAddress, MalformedTable, OutOfMemory, Unexpected };
/// `Mapping.dumpAlloc` and `Mapping.dumpAsAlloc`: a list's only failure is
/// memory, so WriteFailed becomes OutOfMemory.
pub const DumpAllocError = error{ BadTableAddress, MalformedTable, OutOfMemory, Unexpected };
/// `Descriptor.set` and `Descriptor.modifyFlags`.
pub const DescriptorError = error{ InvalidFlags, BreakBeforeMake, Unexpected };

/// The C status values, by name.
pub const Status = enum(c.ap_status_t) {
    ok = c.AP_OK,
    address_range = c.AP_ERR_ADDRESS_RANGE,
    invalid_virtual_address = c.AP_ERR_INVALID_VIRTUAL_ADDRESS,
    region_backwards = c.AP_ERR_REGION_BACKWARDS,
    pte_update_fault = c.AP_ERR_PTE_UPDATE_FAULT,
    invalid_flags = c.AP_ERR_INVALID_FLAGS,
    break_before_make = c.AP_ERR_BREAK_BEFORE_MAKE,
    no_memory = c.AP_ERR_NO_MEMORY,
    invalid_argument = c.AP_ERR_INVALID_ARGUMENT,
    still_active = c.AP_ERR_STILL_ACTIVE,
    not_active = c.AP_ERR_NOT_ACTIVE,
    unsupported = c.AP_ERR_UNSUPPORTED,
    bad_table_address = c.AP_ERR_BAD_TABLE_ADDRESS,
    not_mapped = c.AP_ERR_NOT_MAPPED,
    buffer_too_small = c.AP_ERR_BUFFER_TOO_SMALL,
    write_failed = c.AP_ERR_WRITE_FAILED,
    stopped = c.AP_ERR_STOPPED,
    malformed_table = c.AP_ERR_MALFORMED_TABLE,
    read_only = c.AP_ERR_READ_ONLY,
    _,

    /// The library's short English name for the status (`ap_strerror()`).
    pub fn name(self: Status) [:0]const u8 {
        return std.mem.span(c.ap_strerror(@intFromEnum(self)));
    }
};

/// Turns a C status into nothing (AP_OK) or its error.
pub fn check(status: c.ap_status_t) Error!void {
    return switch (@as(Status, @enumFromInt(status))) {
        .ok => {},
        .address_range => error.AddressRange,
        .invalid_virtual_address => error.InvalidVirtualAddress,
        .region_backwards => error.RegionBackwards,
        .pte_update_fault => error.PteUpdateFault,
        .invalid_flags => error.InvalidFlags,
        .break_before_make => error.BreakBeforeMake,
        .no_memory => error.OutOfMemory,
        .invalid_argument => error.InvalidArgument,
        .still_active => error.StillActive,
        .not_active => error.NotActive,
        .unsupported => error.Unsupported,
        .bad_table_address => error.BadTableAddress,
        .not_mapped => error.NotMapped,
        .buffer_too_small => error.BufferTooSmall,
        .write_failed => error.WriteFailed,
        .stopped => error.Stopped,
        .malformed_table => error.MalformedTable,
        .read_only => error.ReadOnly,
        _ => error.Unexpected,
    };
}

/// Like `check`, narrowed to `E`: an error `E` does not hold becomes
/// `error.Unexpected`.
fn checkIn(comptime E: type, status: c.ap_status_t) E!void {
    check(status) catch |err| return narrow(E, err);
}

/// `err` if the set `E` holds it, else `error.Unexpected`.
fn narrow(comptime E: type, err: Error) E {
    comptime std.debug.assert(isSubset(E, Error) and hasError(E, "Unexpected"));
    inline for (@typeInfo(E).ErrorSet.?) |member| {
        if (err == @field(anyerror, member.name)) return @field(E, member.name);
    }
    return @field(E, "Unexpected");
}

fn hasError(comptime E: type, comptime name: []const u8) bool {
    for (@typeInfo(E).ErrorSet.?) |member| {
        if (std.mem.eql(u8, member.name, name)) return true;
    }
    return false;
}

fn isSubset(comptime E: type, comptime Of: type) bool {
    for (@typeInfo(E).ErrorSet.?) |member| {
        if (!hasError(Of, member.name)) return false;
    }
    return true;
}

/// The status of a C destroy call as `tryDeinit` reports it: an object
/// still in use is the caller's to handle; any other refusal is a misuse
/// no error set can carry (`misuse` says which), so it panics.
fn destroyed(status: c.ap_status_t, comptime misuse: []const u8) DeinitError!void {
    check(status) catch |err| switch (err) {
        error.StillActive => return error.StillActive,
        else => std.debug.panic("aarch64_paging: " ++ misuse ++ " ({s})", .{@errorName(err)}),
    };
}

/// The C status an error stands for; null for `error.Unexpected`.
pub fn statusOf(err: Error) ?Status {
    return switch (err) {
        error.AddressRange => .address_range,
        error.InvalidVirtualAddress => .invalid_virtual_address,
        error.RegionBackwards => .region_backwards,
        error.PteUpdateFault => .pte_update_fault,
        error.InvalidFlags => .invalid_flags,
        error.BreakBeforeMake => .break_before_make,
        error.OutOfMemory => .no_memory,
        error.InvalidArgument => .invalid_argument,
        error.StillActive => .still_active,
        error.NotActive => .not_active,
        error.Unsupported => .unsupported,
        error.BadTableAddress => .bad_table_address,
        error.NotMapped => .not_mapped,
        error.BufferTooSmall => .buffer_too_small,
        error.WriteFailed => .write_failed,
        error.Stopped => .stopped,
        error.MalformedTable => .malformed_table,
        error.ReadOnly => .read_only,
        error.Unexpected => null,
    };
}

/// What a failed call was about. Fields that do not apply to the error are
/// zero (or null). Pass a pointer to one as the `detail` argument.
pub const ErrorDetail = struct {
    /// AddressRange, InvalidVirtualAddress, NotMapped: the input address;
    /// BadTableAddress: the physical address; MalformedTable: the physical
    /// address of the table reached twice.
    address: u64 = 0,
    /// RegionBackwards, BreakBeforeMake: the region.
    region: Region = .{},
    /// PteUpdateFault (modify), Stopped (walk): the descriptor bits the
    /// callback was given (for walkRuns, the first of the run);
    /// NotMapped: the invalid descriptor the walk ended at.
    descriptor: u64 = 0,
    /// InvalidFlags: the flags, as raw bits (`ErrorDetail` serves every
    /// descriptor format: `A.fromBits(detail.flags)` types them).
    flags: u64 = 0,
    /// NotMapped: the level at which the walk faulted.
    level: u32 = 0,
    /// The error a Zig callback (modify, walk, dump writer) returned.
    callback_error: ?anyerror = null,
};

fn emptyCError() c.ap_error_t {
    var raw = std.mem.zeroes(c.ap_error_t);
    raw.size = @sizeOf(c.ap_error_t);
    return raw;
}

/// Like `checkIn`, and on error copies the C detail into `detail`.
fn checkWithDetail(comptime E: type, status: c.ap_status_t, raw: *const c.ap_error_t, detail: ?*ErrorDetail) E!void {
    checkIn(E, status) catch |err| {
        if (detail) |out| out.* = .{
            .address = raw.address,
            .region = Region.fromC(raw.region),
            .descriptor = raw.descriptor,
            .flags = raw.flags,
        };
        return err;
    };
}

/// The library's one-line message for `err` with its detail
/// (`ap_error_describe()`), e.g. "Virtual address 0x0000008000001000 out of
/// range", as a new string the caller frees. `detail` is what the failed
/// call filled in (null: no detail). `error.Unexpected` has no C status and
/// reads "unexpected status". Any error of a narrow set (`MapError`, ...)
/// is an `Error`, so `err` may come from any call.
pub fn describeErrorAlloc(allocator: Allocator, err: Error, detail: ?*const ErrorDetail) DescribeError![:0]u8 {
    const status = statusOf(err) orelse return allocator.dupeZ(u8, "unexpected status");
    var raw = emptyCError();
    raw.status = @intFromEnum(status);
    if (detail) |d| {
        raw.address = d.address;
        raw.region = d.region.toC();
        raw.descriptor = d.descriptor;
        raw.flags = d.flags;
    }
    return allocDescription(allocator, c.ap_error_describe, .{&raw});
}

// ---------------------------------------------------------------- regions

/// A range of input addresses: `start` plus `size` bytes, so that the last
/// page of the 64-bit space can be described.
pub const Region = struct {
    start: Va = 0,
    size: u64 = 0,

    /// The page-rounded region covering [start, end).
    pub fn fromRange(start: u64, end: u64) RegionRangeError!Region {
        var raw: c.ap_region_t = undefined;
        try checkIn(RegionRangeError, c.ap_region_from_range(start, end, &raw));
        return fromC(raw);
    }

    /// The page-rounded region of `size` bytes from `start`.
    pub fn fromSize(start: u64, size: u64) RegionSizeError!Region {
        var raw: c.ap_region_t = undefined;
        try checkIn(RegionSizeError, c.ap_region_from_size(start, size, &raw));
        return fromC(raw);
    }

    /// Writes "0x<start>..0x<end>" into `buf` and returns the text.
    pub fn formatInto(self: Region, buf: []u8) RegionFormatError![]u8 {
        const raw = self.toC();
        var needed: usize = 0;
        try checkIn(RegionFormatError, c.ap_region_format(&raw, buf.ptr, buf.len, &needed));
        return buf[0..needed];
    }

    /// std.fmt support: prints the region as `formatInto` does.
    pub fn format(self: Region, comptime fmt: []const u8, options: std.fmt.FormatOptions, writer: anytype) !void {
        _ = fmt;
        _ = options;
        // Two 16-digit numbers, a possible 17th digit for 2^64, "0x" twice, "..", NUL.
        var buf: [48]u8 = undefined;
        const text = self.formatInto(&buf) catch |err| {
            return writer.print("(invalid region 0x{x} + 0x{x}: {s})", .{ self.start, self.size, @errorName(err) });
        };
        try writer.writeAll(text);
    }

    fn toC(self: Region) c.ap_region_t {
        return .{ .start = self.start, .size = self.size };
    }

    fn fromC(raw: c.ap_region_t) Region {
        return .{ .start = raw.start, .size = raw.size };
    }
};

// ---------------------------------------------------------------- attributes

// The raw bits, by format, as `u64`: for whole descriptors (the bits a walk
// callback gets, `pte`, `bbmSafe`). Attributes passed to or returned by a
// mapping are the typed sets further down, whose constants are these bits.

/// Bits shared by every descriptor format.
pub const attr = struct {
    pub const valid: u64 = c.AP_ATTR_VALID;
    pub const table_or_page: u64 = c.AP_ATTR_TABLE_OR_PAGE;
};

/// EL1&0 and EL2&0 stage 1 attributes.
pub const el1 = struct {
    pub const valid: u64 = c.AP_EL1_VALID;
    pub const table_or_page: u64 = c.AP_EL1_TABLE_OR_PAGE;
    pub const attribute_index_0: u64 = c.AP_EL1_ATTRIBUTE_INDEX_0;
    pub const attribute_index_1: u64 = c.AP_EL1_ATTRIBUTE_INDEX_1;
    pub const attribute_index_2: u64 = c.AP_EL1_ATTRIBUTE_INDEX_2;
    pub const attribute_index_3: u64 = c.AP_EL1_ATTRIBUTE_INDEX_3;
    pub const attribute_index_4: u64 = c.AP_EL1_ATTRIBUTE_INDEX_4;
    pub const attribute_index_5: u64 = c.AP_EL1_ATTRIBUTE_INDEX_5;
    pub const attribute_index_6: u64 = c.AP_EL1_ATTRIBUTE_INDEX_6;
    pub const attribute_index_7: u64 = c.AP_EL1_ATTRIBUTE_INDEX_7;
    pub const ns: u64 = c.AP_EL1_NS;
    pub const user: u64 = c.AP_EL1_USER;
    pub const read_only: u64 = c.AP_EL1_READ_ONLY;
    pub const outer_shareable: u64 = c.AP_EL1_OUTER_SHAREABLE;
    pub const inner_shareable: u64 = c.AP_EL1_INNER_SHAREABLE;
    pub const accessed: u64 = c.AP_EL1_ACCESSED;
    pub const non_global: u64 = c.AP_EL1_NON_GLOBAL;
    pub const nt: u64 = c.AP_EL1_NT;
    pub const gp: u64 = c.AP_EL1_GP;
    pub const dbm: u64 = c.AP_EL1_DBM;
    pub const contiguous_or_protected: u64 = c.AP_EL1_CONTIGUOUS_OR_PROTECTED;
    pub const pxn: u64 = c.AP_EL1_PXN;
    pub const uxn: u64 = c.AP_EL1_UXN;
    pub const swflag_0: u64 = c.AP_EL1_SWFLAG_0;
    pub const swflag_1: u64 = c.AP_EL1_SWFLAG_1;
    pub const swflag_2: u64 = c.AP_EL1_SWFLAG_2;
    pub const swflag_3: u64 = c.AP_EL1_SWFLAG_3;
    pub const pxn_table: u64 = c.AP_EL1_PXN_TABLE;
    pub const xn_table: u64 = c.AP_EL1_XN_TABLE;
    pub const ap_table_no_el0: u64 = c.AP_EL1_AP_TABLE_NO_EL0;
    pub const ap_table_no_write: u64 = c.AP_EL1_AP_TABLE_NO_WRITE;
    pub const ns_table: u64 = c.AP_EL1_NS_TABLE;
    pub const shareability_mask: u64 = c.AP_EL1_SHAREABILITY_MASK;
    pub const attribute_index_mask: u64 = c.AP_EL1_ATTRIBUTE_INDEX_MASK;
    pub const ap_mask: u64 = c.AP_EL1_AP_MASK;
    pub const pbha_mask: u64 = c.AP_EL1_PBHA_MASK;
};

/// EL2 and EL3 stage 1 attributes.
pub const el23 = struct {
    pub const valid: u64 = c.AP_EL23_VALID;
    pub const table_or_page: u64 = c.AP_EL23_TABLE_OR_PAGE;
    pub const attribute_index_0: u64 = c.AP_EL23_ATTRIBUTE_INDEX_0;
    pub const attribute_index_1: u64 = c.AP_EL23_ATTRIBUTE_INDEX_1;
    pub const attribute_index_2: u64 = c.AP_EL23_ATTRIBUTE_INDEX_2;
    pub const attribute_index_3: u64 = c.AP_EL23_ATTRIBUTE_INDEX_3;
    pub const attribute_index_4: u64 = c.AP_EL23_ATTRIBUTE_INDEX_4;
    pub const attribute_index_5: u64 = c.AP_EL23_ATTRIBUTE_INDEX_5;
    pub const attribute_index_6: u64 = c.AP_EL23_ATTRIBUTE_INDEX_6;
    pub const attribute_index_7: u64 = c.AP_EL23_ATTRIBUTE_INDEX_7;
    pub const ns: u64 = c.AP_EL23_NS;
    pub const user_res1: u64 = c.AP_EL23_USER_RES1;
    pub const read_only: u64 = c.AP_EL23_READ_ONLY;
    pub const outer_shareable: u64 = c.AP_EL23_OUTER_SHAREABLE;
    pub const inner_shareable: u64 = c.AP_EL23_INNER_SHAREABLE;
    pub const accessed: u64 = c.AP_EL23_ACCESSED;
    pub const non_global: u64 = c.AP_EL23_NON_GLOBAL;
    pub const nt: u64 = c.AP_EL23_NT;
    pub const gp: u64 = c.AP_EL23_GP;
    pub const dbm: u64 = c.AP_EL23_DBM;
    pub const contiguous_or_protected: u64 = c.AP_EL23_CONTIGUOUS_OR_PROTECTED;
    pub const xn: u64 = c.AP_EL23_XN;
    pub const swflag_0: u64 = c.AP_EL23_SWFLAG_0;
    pub const swflag_1: u64 = c.AP_EL23_SWFLAG_1;
    pub const swflag_2: u64 = c.AP_EL23_SWFLAG_2;
    pub const swflag_3: u64 = c.AP_EL23_SWFLAG_3;
    pub const pxn_table: u64 = c.AP_EL23_PXN_TABLE;
    pub const xn_table: u64 = c.AP_EL23_XN_TABLE;
    pub const ap_table_no_el0: u64 = c.AP_EL23_AP_TABLE_NO_EL0;
    pub const ap_table_no_write: u64 = c.AP_EL23_AP_TABLE_NO_WRITE;
    pub const ns_table: u64 = c.AP_EL23_NS_TABLE;
    pub const shareability_mask: u64 = c.AP_EL23_SHAREABILITY_MASK;
    pub const attribute_index_mask: u64 = c.AP_EL23_ATTRIBUTE_INDEX_MASK;
    pub const ap_mask: u64 = c.AP_EL23_AP_MASK;
    pub const nse: u64 = c.AP_EL23_NSE;
    pub const pbha_mask: u64 = c.AP_EL23_PBHA_MASK;
};

/// Stage 2 attributes.
pub const stage2 = struct {
    pub const valid: u64 = c.AP_S2_VALID;
    pub const table_or_page: u64 = c.AP_S2_TABLE_OR_PAGE;
    pub const memattr_device_ngnrne: u64 = c.AP_S2_MEMATTR_DEVICE_nGnRnE;
    pub const memattr_device_ngnre: u64 = c.AP_S2_MEMATTR_DEVICE_nGnRE;
    pub const memattr_device_ngre: u64 = c.AP_S2_MEMATTR_DEVICE_nGRE;
    pub const memattr_device_gre: u64 = c.AP_S2_MEMATTR_DEVICE_GRE;
    pub const memattr_normal_inner_nc: u64 = c.AP_S2_MEMATTR_NORMAL_INNER_NC;
    pub const memattr_normal_inner_wt: u64 = c.AP_S2_MEMATTR_NORMAL_INNER_WT;
    pub const memattr_normal_inner_wb: u64 = c.AP_S2_MEMATTR_NORMAL_INNER_WB;
    pub const memattr_normal_outer_nc: u64 = c.AP_S2_MEMATTR_NORMAL_OUTER_NC;
    pub const memattr_normal_outer_wt: u64 = c.AP_S2_MEMATTR_NORMAL_OUTER_WT;
    pub const memattr_normal_outer_wb: u64 = c.AP_S2_MEMATTR_NORMAL_OUTER_WB;
    pub const s2ap_access_none: u64 = c.AP_S2_S2AP_ACCESS_NONE;
    pub const s2ap_access_ro: u64 = c.AP_S2_S2AP_ACCESS_RO;
    pub const s2ap_access_wo: u64 = c.AP_S2_S2AP_ACCESS_WO;
    pub const s2ap_access_rw: u64 = c.AP_S2_S2AP_ACCESS_RW;
    pub const sh_none: u64 = c.AP_S2_SH_NONE;
    pub const sh_outer: u64 = c.AP_S2_SH_OUTER;
    pub const sh_inner: u64 = c.AP_S2_SH_INNER;
    pub const access_flag: u64 = c.AP_S2_ACCESS_FLAG;
    pub const xn: u64 = c.AP_S2_XN;
    pub const swflag_0: u64 = c.AP_S2_SWFLAG_0;
    pub const swflag_1: u64 = c.AP_S2_SWFLAG_1;
    pub const swflag_2: u64 = c.AP_S2_SWFLAG_2;
    pub const swflag_3: u64 = c.AP_S2_SWFLAG_3;
    pub const fnxs: u64 = c.AP_S2_FNXS;
    pub const dbm: u64 = c.AP_S2_DBM;
    pub const contiguous: u64 = c.AP_S2_CONTIGUOUS;
    pub const xn0: u64 = c.AP_S2_XN0;
    pub const memattr_mask: u64 = c.AP_S2_MEMATTR_MASK;
    pub const s2ap_mask: u64 = c.AP_S2_S2AP_MASK;
    pub const sh_mask: u64 = c.AP_S2_SH_MASK;
    pub const xn_mask: u64 = c.AP_S2_XN_MASK;
    pub const pbha_mask: u64 = c.AP_S2_PBHA_MASK;
};

/// The helpers every attribute set has: an attribute set is a
/// non-exhaustive `enum(u64)`, so that each descriptor format is a type of
/// its own and one format's bits do not pass where another's are wanted.
fn AttrsMethods(comptime Self: type, comptime describe_kind: RegimeKind) type {
    return struct {
        /// No bits set.
        pub const empty: Self = @enumFromInt(0);

        /// The set of the raw bits `raw`, taken to be of this format.
        pub fn fromBits(raw: u64) Self {
            return @enumFromInt(raw);
        }

        /// The raw bits, as the C library takes them.
        pub fn bits(self: Self) u64 {
            return @intFromEnum(self);
        }

        /// `self` with every bit of `other` set too (`self | other`).
        pub fn with(self: Self, other: Self) Self {
            return @enumFromInt(self.bits() | other.bits());
        }

        /// `self` with every bit of `other` clear (`self & ~other`).
        pub fn without(self: Self, other: Self) Self {
            return @enumFromInt(self.bits() & ~other.bits());
        }

        /// Whether every bit of `other` is set in `self`.
        pub fn contains(self: Self, other: Self) bool {
            return self.bits() & other.bits() == other.bits();
        }

        /// Whether `self` and `other` share a bit.
        pub fn intersects(self: Self, other: Self) bool {
            return self.bits() & other.bits() != 0;
        }

        /// The union of the constants `names` names, a tuple of enum
        /// literals: `El1Attrs.of(.{ .valid, .accessed })`. A name the
        /// format has not does not compile.
        pub fn of(comptime names: anytype) Self {
            const all = comptime union_bits: {
                var all: u64 = 0;
                for (names) |name| {
                    const text = @tagName(name);
                    if (!@hasDecl(Self, text)) @compileError(@typeName(Self) ++ " has no attribute named ." ++ text);
                    all |= @field(Self, text).bits();
                }
                break :union_bits all;
            };
            return @enumFromInt(all);
        }

        /// Whether a mapping of regime `kind` has descriptors of this format.
        pub fn isFormatOf(kind: RegimeKind) bool {
            return std.mem.indexOfScalar(RegimeKind, &Self.regime_kinds, kind) != null;
        }

        /// Prints the bits by the library's names (`{}`: "VALID |
        /// ACCESSED", as `describeAlloc`), or as hexadecimal when the text
        /// does not fit a 512-byte buffer or the library refuses.
        pub fn format(self: Self, comptime fmt: []const u8, options: std.fmt.FormatOptions, writer: anytype) !void {
            _ = fmt;
            _ = options;
            var buf: [512]u8 = undefined;
            var needed: usize = 0;
            if (c.ap_attrs_describe(@intFromEnum(describe_kind), self.bits(), &buf, buf.len, &needed) == c.AP_OK) {
                return writer.writeAll(buf[0..needed]);
            }
            return writer.print("0x{x}", .{self.bits()});
        }

        /// Names the bits ("VALID | ACCESSED", as `describeAttrsAlloc`).
        /// The caller frees the text.
        pub fn describeAlloc(self: Self, allocator: Allocator) DescribeError![:0]u8 {
            return describeAttrsAlloc(allocator, describe_kind, self.bits());
        }
    };
}

/// Attributes of EL1&0 and EL2&0 stage 1 descriptors (the bits of `el1`).
pub const El1Attrs = enum(u64) {
    _,

    /// The regime kinds whose descriptors have this format.
    pub const regime_kinds = [_]RegimeKind{ .el1and0, .el2and0 };
    pub usingnamespace AttrsMethods(El1Attrs, .el1and0);

    pub const valid: El1Attrs = @enumFromInt(el1.valid);
    pub const table_or_page: El1Attrs = @enumFromInt(el1.table_or_page);
    pub const attribute_index_0: El1Attrs = @enumFromInt(el1.attribute_index_0);
    pub const attribute_index_1: El1Attrs = @enumFromInt(el1.attribute_index_1);
    pub const attribute_index_2: El1Attrs = @enumFromInt(el1.attribute_index_2);
    pub const attribute_index_3: El1Attrs = @enumFromInt(el1.attribute_index_3);
    pub const attribute_index_4: El1Attrs = @enumFromInt(el1.attribute_index_4);
    pub const attribute_index_5: El1Attrs = @enumFromInt(el1.attribute_index_5);
    pub const attribute_index_6: El1Attrs = @enumFromInt(el1.attribute_index_6);
    pub const attribute_index_7: El1Attrs = @enumFromInt(el1.attribute_index_7);
    pub const ns: El1Attrs = @enumFromInt(el1.ns);
    pub const user: El1Attrs = @enumFromInt(el1.user);
    pub const read_only: El1Attrs = @enumFromInt(el1.read_only);
    pub const outer_shareable: El1Attrs = @enumFromInt(el1.outer_shareable);
    pub const inner_shareable: El1Attrs = @enumFromInt(el1.inner_shareable);
    pub const accessed: El1Attrs = @enumFromInt(el1.accessed);
    pub const non_global: El1Attrs = @enumFromInt(el1.non_global);
    pub const nt: El1Attrs = @enumFromInt(el1.nt);
    pub const gp: El1Attrs = @enumFromInt(el1.gp);
    pub const dbm: El1Attrs = @enumFromInt(el1.dbm);
    pub const contiguous_or_protected: El1Attrs = @enumFromInt(el1.contiguous_or_protected);
    pub const pxn: El1Attrs = @enumFromInt(el1.pxn);
    pub const uxn: El1Attrs = @enumFromInt(el1.uxn);
    pub const swflag_0: El1Attrs = @enumFromInt(el1.swflag_0);
    pub const swflag_1: El1Attrs = @enumFromInt(el1.swflag_1);
    pub const swflag_2: El1Attrs = @enumFromInt(el1.swflag_2);
    pub const swflag_3: El1Attrs = @enumFromInt(el1.swflag_3);
    pub const pxn_table: El1Attrs = @enumFromInt(el1.pxn_table);
    pub const xn_table: El1Attrs = @enumFromInt(el1.xn_table);
    pub const ap_table_no_el0: El1Attrs = @enumFromInt(el1.ap_table_no_el0);
    pub const ap_table_no_write: El1Attrs = @enumFromInt(el1.ap_table_no_write);
    pub const ns_table: El1Attrs = @enumFromInt(el1.ns_table);
    pub const shareability_mask: El1Attrs = @enumFromInt(el1.shareability_mask);
    pub const attribute_index_mask: El1Attrs = @enumFromInt(el1.attribute_index_mask);
    pub const ap_mask: El1Attrs = @enumFromInt(el1.ap_mask);
    pub const pbha_mask: El1Attrs = @enumFromInt(el1.pbha_mask);
};

/// Attributes of EL2 and EL3 stage 1 descriptors (the bits of `el23`).
pub const El23Attrs = enum(u64) {
    _,

    /// The regime kinds whose descriptors have this format.
    pub const regime_kinds = [_]RegimeKind{ .el2, .el3 };
    pub usingnamespace AttrsMethods(El23Attrs, .el2);

    pub const valid: El23Attrs = @enumFromInt(el23.valid);
    pub const table_or_page: El23Attrs = @enumFromInt(el23.table_or_page);
    pub const attribute_index_0: El23Attrs = @enumFromInt(el23.attribute_index_0);
    pub const attribute_index_1: El23Attrs = @enumFromInt(el23.attribute_index_1);
    pub const attribute_index_2: El23Attrs = @enumFromInt(el23.attribute_index_2);
    pub const attribute_index_3: El23Attrs = @enumFromInt(el23.attribute_index_3);
    pub const attribute_index_4: El23Attrs = @enumFromInt(el23.attribute_index_4);
    pub const attribute_index_5: El23Attrs = @enumFromInt(el23.attribute_index_5);
    pub const attribute_index_6: El23Attrs = @enumFromInt(el23.attribute_index_6);
    pub const attribute_index_7: El23Attrs = @enumFromInt(el23.attribute_index_7);
    pub const ns: El23Attrs = @enumFromInt(el23.ns);
    pub const user_res1: El23Attrs = @enumFromInt(el23.user_res1);
    pub const read_only: El23Attrs = @enumFromInt(el23.read_only);
    pub const outer_shareable: El23Attrs = @enumFromInt(el23.outer_shareable);
    pub const inner_shareable: El23Attrs = @enumFromInt(el23.inner_shareable);
    pub const accessed: El23Attrs = @enumFromInt(el23.accessed);
    pub const non_global: El23Attrs = @enumFromInt(el23.non_global);
    pub const nt: El23Attrs = @enumFromInt(el23.nt);
    pub const gp: El23Attrs = @enumFromInt(el23.gp);
    pub const dbm: El23Attrs = @enumFromInt(el23.dbm);
    pub const contiguous_or_protected: El23Attrs = @enumFromInt(el23.contiguous_or_protected);
    pub const xn: El23Attrs = @enumFromInt(el23.xn);
    pub const swflag_0: El23Attrs = @enumFromInt(el23.swflag_0);
    pub const swflag_1: El23Attrs = @enumFromInt(el23.swflag_1);
    pub const swflag_2: El23Attrs = @enumFromInt(el23.swflag_2);
    pub const swflag_3: El23Attrs = @enumFromInt(el23.swflag_3);
    pub const pxn_table: El23Attrs = @enumFromInt(el23.pxn_table);
    pub const xn_table: El23Attrs = @enumFromInt(el23.xn_table);
    pub const ap_table_no_el0: El23Attrs = @enumFromInt(el23.ap_table_no_el0);
    pub const ap_table_no_write: El23Attrs = @enumFromInt(el23.ap_table_no_write);
    pub const ns_table: El23Attrs = @enumFromInt(el23.ns_table);
    pub const shareability_mask: El23Attrs = @enumFromInt(el23.shareability_mask);
    pub const attribute_index_mask: El23Attrs = @enumFromInt(el23.attribute_index_mask);
    pub const ap_mask: El23Attrs = @enumFromInt(el23.ap_mask);
    pub const nse: El23Attrs = @enumFromInt(el23.nse);
    pub const pbha_mask: El23Attrs = @enumFromInt(el23.pbha_mask);
};

/// Attributes of stage 2 descriptors (the bits of `stage2`).
pub const Stage2Attrs = enum(u64) {
    _,

    /// The regime kinds whose descriptors have this format.
    pub const regime_kinds = [_]RegimeKind{.stage2};
    pub usingnamespace AttrsMethods(Stage2Attrs, .stage2);

    pub const valid: Stage2Attrs = @enumFromInt(stage2.valid);
    pub const table_or_page: Stage2Attrs = @enumFromInt(stage2.table_or_page);
    pub const memattr_device_ngnrne: Stage2Attrs = @enumFromInt(stage2.memattr_device_ngnrne);
    pub const memattr_device_ngnre: Stage2Attrs = @enumFromInt(stage2.memattr_device_ngnre);
    pub const memattr_device_ngre: Stage2Attrs = @enumFromInt(stage2.memattr_device_ngre);
    pub const memattr_device_gre: Stage2Attrs = @enumFromInt(stage2.memattr_device_gre);
    pub const memattr_normal_inner_nc: Stage2Attrs = @enumFromInt(stage2.memattr_normal_inner_nc);
    pub const memattr_normal_inner_wt: Stage2Attrs = @enumFromInt(stage2.memattr_normal_inner_wt);
    pub const memattr_normal_inner_wb: Stage2Attrs = @enumFromInt(stage2.memattr_normal_inner_wb);
    pub const memattr_normal_outer_nc: Stage2Attrs = @enumFromInt(stage2.memattr_normal_outer_nc);
    pub const memattr_normal_outer_wt: Stage2Attrs = @enumFromInt(stage2.memattr_normal_outer_wt);
    pub const memattr_normal_outer_wb: Stage2Attrs = @enumFromInt(stage2.memattr_normal_outer_wb);
    pub const s2ap_access_none: Stage2Attrs = @enumFromInt(stage2.s2ap_access_none);
    pub const s2ap_access_ro: Stage2Attrs = @enumFromInt(stage2.s2ap_access_ro);
    pub const s2ap_access_wo: Stage2Attrs = @enumFromInt(stage2.s2ap_access_wo);
    pub const s2ap_access_rw: Stage2Attrs = @enumFromInt(stage2.s2ap_access_rw);
    pub const sh_none: Stage2Attrs = @enumFromInt(stage2.sh_none);
    pub const sh_outer: Stage2Attrs = @enumFromInt(stage2.sh_outer);
    pub const sh_inner: Stage2Attrs = @enumFromInt(stage2.sh_inner);
    pub const access_flag: Stage2Attrs = @enumFromInt(stage2.access_flag);
    pub const xn: Stage2Attrs = @enumFromInt(stage2.xn);
    pub const swflag_0: Stage2Attrs = @enumFromInt(stage2.swflag_0);
    pub const swflag_1: Stage2Attrs = @enumFromInt(stage2.swflag_1);
    pub const swflag_2: Stage2Attrs = @enumFromInt(stage2.swflag_2);
    pub const swflag_3: Stage2Attrs = @enumFromInt(stage2.swflag_3);
    pub const fnxs: Stage2Attrs = @enumFromInt(stage2.fnxs);
    pub const dbm: Stage2Attrs = @enumFromInt(stage2.dbm);
    pub const contiguous: Stage2Attrs = @enumFromInt(stage2.contiguous);
    pub const xn0: Stage2Attrs = @enumFromInt(stage2.xn0);
    pub const memattr_mask: Stage2Attrs = @enumFromInt(stage2.memattr_mask);
    pub const s2ap_mask: Stage2Attrs = @enumFromInt(stage2.s2ap_mask);
    pub const sh_mask: Stage2Attrs = @enumFromInt(stage2.sh_mask);
    pub const xn_mask: Stage2Attrs = @enumFromInt(stage2.xn_mask);
    pub const pbha_mask: Stage2Attrs = @enumFromInt(stage2.pbha_mask);
};

/// Names the bits of `flags` in the format of `kind` ("VALID | ACCESSED").
/// The caller frees the text.
pub fn describeAttrsAlloc(allocator: Allocator, kind: RegimeKind, flags: u64) DescribeError![:0]u8 {
    return allocDescription(allocator, c.ap_attrs_describe, .{ @intFromEnum(kind), flags });
}

/// Calls a C "describe" function twice: once to learn the length, once into
/// an allocation of exactly that length plus the NUL.
/// The binding passes no NULL and sizes the buffer, so the C errors left
/// are undocumented ones: `error.Unexpected`.
fn allocDescription(allocator: Allocator, comptime describe: anytype, args: anytype) DescribeError![:0]u8 {
    var needed: usize = 0;
    check(@call(.auto, describe, args ++ .{ null, 0, &needed })) catch |err| switch (err) {
        error.BufferTooSmall => {},
        else => return narrow(DescribeError, err),
    };
    const text = try allocator.allocSentinel(u8, needed, 0);
    errdefer allocator.free(text);
    try checkIn(DescribeError, @call(.auto, describe, args ++ .{ text.ptr, needed + 1, &needed }));
    return text;
}

/// Pure functions on raw descriptor bits at a level.
pub const pte = struct {
    /// The output address field of `bits` at `level`.
    pub fn outputAddress(bits: u64, level: u32) Pa {
        return c.ap_pte_output_address(bits, level);
    }
    /// Everything in `bits` that is not the output address at `level`.
    pub fn flags(bits: u64, level: u32) u64 {
        return c.ap_pte_flags(bits, level);
    }
    pub fn isValid(bits: u64) bool {
        return c.ap_pte_is_valid(bits);
    }
    /// Valid with bit 1 set: a table at levels 0-2, a page at level 3.
    pub fn isTableOrPage(bits: u64) bool {
        return c.ap_pte_is_table_or_page(bits);
    }
    /// A valid table descriptor (levels 0-2 only).
    pub fn isTable(bits: u64, level: u32) bool {
        return c.ap_pte_is_table(bits, level);
    }
};

/// Whether an entry at `level` (0 to 3) of a live table may change from
/// `old` to `new` in one store, without break-before-make, in the
/// descriptor format of `kind` (`ap_bbm_safe()`). Invalidating a valid
/// entry or filling an invalid one always may; between two valid values
/// the output address must stay, a block must not become a table or back,
/// and only the attributes the format lets change may change.
/// `error.InvalidArgument` for a level above 3.
pub fn bbmSafe(kind: RegimeKind, level: u32, old: u64, new: u64) BbmSafeError!bool {
    var safe = false;
    try checkIn(BbmSafeError, c.ap_bbm_safe(@intFromEnum(kind), level, old, new, &safe));
    return safe;
}

// ---------------------------------------------------------------- MAIR

/// MAIR_ELx helpers.
pub const mair = struct {
    /// A MAIR_ELx value: 8 attributes of 8 bits.
    pub const Value = c.ap_mair_t;
    /// One MAIR attribute field.
    pub const Attribute = c.ap_mair_attr_t;

    pub const device_ngnrne: Attribute = c.AP_MAIR_DEVICE_NGNRNE;
    pub const device_ngnre: Attribute = c.AP_MAIR_DEVICE_NGNRE;
    pub const device_ngre: Attribute = c.AP_MAIR_DEVICE_NGRE;
    pub const device_gre: Attribute = c.AP_MAIR_DEVICE_GRE;

    /// Inner or outer cacheability of normal memory.
    pub const NormalMemory = enum(c.ap_normal_memory_t) {
        write_through_transient_write_allocate = c.AP_NORMAL_WRITE_THROUGH_TRANSIENT_WRITE_ALLOCATE,
        write_through_transient_read_allocate = c.AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_ALLOCATE,
        write_through_transient_read_write_allocate = c.AP_NORMAL_WRITE_THROUGH_TRANSIENT_READ_WRITE_ALLOCATE,
        non_cacheable = c.AP_NORMAL_NON_CACHEABLE,
        write_back_transient_write_allocate = c.AP_NORMAL_WRITE_BACK_TRANSIENT_WRITE_ALLOCATE,
        write_back_transient_read_allocate = c.AP_NORMAL_WRITE_BACK_TRANSIENT_READ_ALLOCATE,
        write_back_transient_read_write_allocate = c.AP_NORMAL_WRITE_BACK_TRANSIENT_READ_WRITE_ALLOCATE,
        write_through_non_transient = c.AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT,
        write_through_non_transient_write_allocate = c.AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_WRITE_ALLOCATE,
        write_through_non_transient_read_allocate = c.AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_READ_ALLOCATE,
        write_through_non_transient_read_write_allocate = c.AP_NORMAL_WRITE_THROUGH_NON_TRANSIENT_READ_WRITE_ALLOCATE,
        write_back_non_transient = c.AP_NORMAL_WRITE_BACK_NON_TRANSIENT,
        write_back_non_transient_write_allocate = c.AP_NORMAL_WRITE_BACK_NON_TRANSIENT_WRITE_ALLOCATE,
        write_back_non_transient_read_allocate = c.AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_ALLOCATE,
        write_back_non_transient_read_write_allocate = c.AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE,
    };

    /// The attribute for normal memory with `inner` and `outer` cacheability.
    pub fn normal(inner: NormalMemory, outer: NormalMemory) UnexpectedError!Attribute {
        var out: Attribute = undefined;
        try checkIn(UnexpectedError, c.ap_mair_normal(@intFromEnum(inner), @intFromEnum(outer), &out));
        return out;
    }

    /// Packs 8 attributes (index 0 in bits 7:0).
    pub fn fromAttributes(list: [8]Attribute) UnexpectedError!Value {
        var out: Value = undefined;
        try checkIn(UnexpectedError, c.ap_mair_from_attributes(&list, &out));
        return out;
    }

    /// `value` with the attribute at `index` (0..7) replaced.
    pub fn withAttribute(value: Value, index: u32, attribute: Attribute) MairIndexError!Value {
        var out: Value = undefined;
        try checkIn(MairIndexError, c.ap_mair_with_attribute(value, index, attribute, &out));
        return out;
    }

    /// Splits `value` into its 8 attributes.
    pub fn attributes(value: Value) UnexpectedError![8]Attribute {
        var out: [8]Attribute = undefined;
        try checkIn(UnexpectedError, c.ap_mair_attributes(value, &out));
        return out;
    }

    /// "Device-nGnRE", "Normal, Inner ..., Outer ..." or "Unpredictable (0x..)".
    /// The caller frees the text.
    pub fn describeAttributeAlloc(allocator: Allocator, attribute: Attribute) DescribeError![:0]u8 {
        return allocDescription(allocator, c.ap_mair_attribute_describe, .{attribute});
    }

    /// "{0: <attr>; 1: <attr>; ...}". The caller frees the text.
    pub fn describeAlloc(allocator: Allocator, value: Value) DescribeError![:0]u8 {
        return allocDescription(allocator, c.ap_mair_describe, .{value});
    }
};

// ---------------------------------------------------------------- regimes

pub const RegimeKind = enum(c.ap_regime_kind_t) {
    el1and0 = c.AP_REGIME_EL1AND0,
    el2and0 = c.AP_REGIME_EL2AND0,
    el2 = c.AP_REGIME_EL2,
    el3 = c.AP_REGIME_EL3,
    stage2 = c.AP_REGIME_STAGE2,
};

/// Which half of the input address space a stage 1 table serves.
pub const VaRange = enum(c.ap_va_range_t) {
    lower = c.AP_VA_RANGE_LOWER,
    upper = c.AP_VA_RANGE_UPPER,
};

/// A regime handle: a built-in one, or the `regime()` of a `UserRegime`.
pub const Regime = struct {
    handle: *const c.ap_regime_t,

    /// The built-in regime of `kind`; it lives as long as the library.
    pub fn builtin(kind_wanted: RegimeKind) UnexpectedError!Regime {
        var out: ?*const c.ap_regime_t = null;
        try checkIn(UnexpectedError, c.ap_regime_get(@intFromEnum(kind_wanted), &out));
        return .{ .handle = out.? };
    }

    /// Which kind of regime this is, or behaves like.
    pub fn kind(self: Regime) RegimeKind {
        var out: c.ap_regime_kind_t = undefined;
        // Fails only for NULL, which a Regime never holds.
        check(c.ap_regime_get_kind(self.handle, &out)) catch |err|
            std.debug.panic("aarch64_paging: ap_regime_get_kind failed ({s})", .{@errorName(err)});
        return @enumFromInt(out);
    }
};

pub const InvalidationKind = enum(c.ap_invalidation_kind_t) {
    /// A block or page descriptor changed.
    leaf = c.AP_INVALIDATE_LEAF,
    /// A table descriptor was removed: every TLB entry in its range must go.
    table = c.AP_INVALIDATE_TABLE,
};

/// One TLB invalidation request handed to `RegimeHooks.VTable.invalidate`.
pub const Invalidation = struct {
    va: Va,
    level: u32,
    kind: InvalidationKind,
    asid: u16,
    va_range: VaRange,
    /// The input addresses the descriptor translated: for a removed table,
    /// every TLB entry in [range_start, range_start + range_size) must go.
    range_start: Va,
    range_size: u64,
    /// The mapping's granule, on which the TLBI operand's TG and TTL fields
    /// depend (`.size_4k` from a library older than 0.4.0).
    granule: Granule = .size_4k,
};

/// A caller's TLB maintenance and activation, as a Zig interface. A null
/// hook is skipped by the library (a null `activate` reports the previous
/// TTBR as maxInt(u64)). `vtable` must outlive the regime.
pub const RegimeHooks = struct {
    ptr: *anyopaque,
    vtable: *const VTable,

    pub const VTable = struct {
        /// One call per changed live descriptor that was valid before.
        invalidate: ?*const fn (ptr: *anyopaque, invalidation: Invalidation) void = null,
        /// Completes earlier invalidations; once per edit that invalidated.
        barrier: ?*const fn (ptr: *anyopaque) void = null,
        /// Installs the table; returns the previous TTBR value.
        activate: ?*const fn (ptr: *anyopaque, root: Pa, asid: u16, va_range: VaRange) u64 = null,
        /// Restores `previous_ttbr` and drops the table's TLB entries.
        deactivate: ?*const fn (ptr: *anyopaque, previous_ttbr: u64, asid: u16, va_range: VaRange) void = null,
    };
};

/// A regime that behaves like a built-in kind but does its maintenance
/// through `RegimeHooks`.
pub const UserRegime = struct {
    handle: *c.ap_regime_t,
    // The C core keeps one context pointer, so the hooks (ptr and vtable)
    // live in an allocation of their own that does not move with this struct.
    hooks: *RegimeHooks,
    allocator: Allocator,

    pub fn init(allocator: Allocator, kind: RegimeKind, hooks: RegimeHooks) UserRegimeInitError!UserRegime {
        const box = try allocator.create(RegimeHooks);
        errdefer allocator.destroy(box);
        box.* = hooks;
        const table = c.ap_regime_hooks_t{
            .size = @sizeOf(c.ap_regime_hooks_t),
            .invalidate = if (hooks.vtable.invalidate != null) &invalidateHook else null,
            .barrier = if (hooks.vtable.barrier != null) &barrierHook else null,
            .activate = if (hooks.vtable.activate != null) &activateHook else null,
            .deactivate = if (hooks.vtable.deactivate != null) &deactivateHook else null,
        };
        var out: ?*c.ap_regime_t = null;
        try checkIn(UserRegimeInitError, c.ap_regime_create(@intFromEnum(kind), &table, box, &out));
        return .{ .handle = out.?, .hooks = box, .allocator = allocator };
    }

    /// The handle to put in `Options.regime`.
    pub fn regime(self: UserRegime) Regime {
        return .{ .handle = self.handle };
    }

    /// Releases the regime. It cannot fail, so `defer regime.deinit();`
    /// works when written before the mappings' own `defer`s.
    ///
    /// Precondition: no mapping uses the regime (deinit them first). A
    /// regime still in use is a bug: `deinit` panics, in every build mode,
    /// rather than leak it. `tryDeinit` returns `error.StillActive` instead.
    pub fn deinit(self: *UserRegime) void {
        self.tryDeinit() catch |err| std.debug.panic(
            "aarch64_paging: UserRegime.deinit of a regime a mapping still uses (error.{s}); " ++
                "deinit the mappings first, or call tryDeinit to handle it",
            .{@errorName(err)},
        );
    }

    /// Releases the regime, or returns `error.StillActive` while a mapping
    /// uses it: then nothing is freed and the regime stays usable.
    pub fn tryDeinit(self: *UserRegime) DeinitError!void {
        // INVALID_ARGUMENT is for NULL or a built-in regime, which a
        // UserRegime's handle never is.
        try destroyed(c.ap_regime_destroy(self.handle), "ap_regime_destroy refused a user regime");
        self.allocator.destroy(self.hooks);
        self.* = undefined;
    }

    fn hooksOf(ctx: ?*anyopaque) *RegimeHooks {
        return @ptrCast(@alignCast(ctx.?));
    }

    fn invalidateHook(ctx: ?*anyopaque, raw: [*c]const c.ap_invalidation_t) callconv(.C) void {
        const hooks = hooksOf(ctx);
        hooks.vtable.invalidate.?(hooks.ptr, .{
            .va = raw.*.va,
            .level = raw.*.level,
            .kind = @enumFromInt(raw.*.kind),
            .asid = raw.*.asid,
            .va_range = @enumFromInt(raw.*.va_range),
            .range_start = raw.*.range_start,
            .range_size = raw.*.range_size,
            .granule = if (raw.*.size >= @offsetOf(c.ap_invalidation_t, "granule") + @sizeOf(c.ap_granule_t))
                @enumFromInt(raw.*.granule)
            else
                .size_4k,
        });
    }

    fn barrierHook(ctx: ?*anyopaque) callconv(.C) void {
        const hooks = hooksOf(ctx);
        hooks.vtable.barrier.?(hooks.ptr);
    }

    fn activateHook(ctx: ?*anyopaque, root: c.ap_pa_t, asid: u16, va_range: c.ap_va_range_t) callconv(.C) u64 {
        const hooks = hooksOf(ctx);
        return hooks.vtable.activate.?(hooks.ptr, root, asid, @enumFromInt(va_range));
    }

    fn deactivateHook(ctx: ?*anyopaque, previous_ttbr: u64, asid: u16, va_range: c.ap_va_range_t) callconv(.C) void {
        const hooks = hooksOf(ctx);
        hooks.vtable.deactivate.?(hooks.ptr, previous_ttbr, asid, @enumFromInt(va_range));
    }
};

// ---------------------------------------------------------------- translations

/// A table handed out by `Translation.VTable.allocate`.
pub const AllocatedTable = struct {
    /// Where the library reads and writes the table: zeroed, page-aligned.
    table: TablePtr,
    /// Its physical address, as descriptors will hold it.
    pa: Pa,
};

/// A block of tables handed out by `Translation.VTable.allocateTables`.
pub const AllocatedTables = struct {
    /// Where the library reads and writes the tables: zeroed, exactly the
    /// requested bytes, aligned to them.
    tables: []align(page_size) u8,
    /// Its physical address, aligned to the block's size.
    pa: Pa,
};

/// The caller's memory model for table pages, as a Zig interface. The C core
/// calls it through `ap_translation_ops_t`. `vtable` must outlive the mapping.
pub const Translation = struct {
    ptr: *anyopaque,
    vtable: *const VTable,

    pub const VTable = struct {
        /// A zeroed table and its physical address.
        allocate: *const fn (ptr: *anyopaque) error{OutOfMemory}!AllocatedTable,
        /// Gives back a table that `allocate` returned.
        free: *const fn (ptr: *anyopaque, table: TablePtr, pa: Pa) void,
        /// The table at `pa`, or null if there is none. For a block from
        /// `allocateTables` it is the block's start, through which all of
        /// the block is reached.
        physicalToVirtual: *const fn (ptr: *anyopaque, pa: Pa) ?TablePtr,
        /// Optional (`allocate_tables`): `bytes` (a power of two from 8 KiB
        /// to 1 MiB) of zeroed, physically contiguous memory aligned to
        /// `bytes` both as a pointer and as a physical address. Every table
        /// of a 16 KiB or 64 KiB granule mapping and concatenated stage 2
        /// roots come from it; without it such mappings fail with
        /// `error.Unsupported`. Set `freeTables` with it.
        allocateTables: ?*const fn (ptr: *anyopaque, bytes: usize) error{OutOfMemory}!AllocatedTables = null,
        /// Gives back a block that `allocateTables` returned (`free_tables`).
        freeTables: ?*const fn (ptr: *anyopaque, tables: []align(page_size) u8, pa: Pa) void = null,
    };

    fn of(ctx: ?*anyopaque) *const Translation {
        return @ptrCast(@alignCast(ctx.?));
    }

    fn allocateHook(ctx: ?*anyopaque, pa: [*c]c.ap_pa_t) callconv(.C) ?*anyopaque {
        const self = of(ctx);
        // The C contract has no error channel but NULL: it becomes AP_ERR_NO_MEMORY.
        const allocated = self.vtable.allocate(self.ptr) catch return null;
        pa.* = allocated.pa;
        return allocated.table;
    }

    fn freeHook(ctx: ?*anyopaque, table: ?*anyopaque, pa: c.ap_pa_t) callconv(.C) void {
        const self = of(ctx);
        self.vtable.free(self.ptr, @ptrCast(@alignCast(table.?)), pa);
    }

    fn physicalToVirtualHook(ctx: ?*anyopaque, pa: c.ap_pa_t) callconv(.C) ?*anyopaque {
        const self = of(ctx);
        return self.vtable.physicalToVirtual(self.ptr, pa);
    }

    fn allocateTablesHook(ctx: ?*anyopaque, bytes: usize, pa: [*c]c.ap_pa_t) callconv(.C) ?*anyopaque {
        const self = of(ctx);
        // As for allocateHook: NULL becomes AP_ERR_NO_MEMORY.
        const allocated = self.vtable.allocateTables.?(self.ptr, bytes) catch return null;
        pa.* = allocated.pa;
        return allocated.tables.ptr;
    }

    fn freeTablesHook(ctx: ?*anyopaque, tables: ?*anyopaque, pa: c.ap_pa_t, bytes: usize) callconv(.C) void {
        const self = of(ctx);
        const start: [*]align(page_size) u8 = @ptrCast(@alignCast(tables.?));
        self.vtable.freeTables.?(self.ptr, start[0..bytes], pa);
    }
};

/// A translation whose tables come from a `std.mem.Allocator` and sit at
/// their own addresses (physical address = address in this process, the
/// identity rule): the library's tables with your allocator's accounting,
/// for tools and tests. Serves every granule and concatenated roots.
/// `translation()` must not outlive it; `Mapping.initIdentityAllocator`
/// keeps one for the mapping's life.
pub const AllocatorTranslation = struct {
    allocator: Allocator,
    // Tables larger than a page (16 and 64 KiB granules, concatenated
    // roots) must be aligned to their size, which an allocator need not do
    // beyond a page: they are carved out of a block twice their size, and
    // the blocks are kept here to be given back.
    large: std.ArrayListUnmanaged(Large) = .{},

    const Large = struct { start: usize, block: []align(page_size) u8 };

    pub fn init(allocator: Allocator) AllocatorTranslation {
        return .{ .allocator = allocator };
    }

    /// Frees its own bookkeeping (the tables go back through the mapping).
    pub fn deinit(self: *AllocatorTranslation) void {
        self.large.deinit(self.allocator);
        self.* = undefined;
    }

    pub fn translation(self: *AllocatorTranslation) Translation {
        return .{ .ptr = self, .vtable = &vtable };
    }

    const vtable = Translation.VTable{
        .allocate = allocate,
        .free = free,
        .physicalToVirtual = physicalToVirtual,
        .allocateTables = allocateTables,
        .freeTables = freeTables,
    };

    fn of(ptr: *anyopaque) *AllocatorTranslation {
        return @ptrCast(@alignCast(ptr));
    }

    fn allocate(ptr: *anyopaque) error{OutOfMemory}!AllocatedTable {
        const block = try allocateTables(ptr, page_size);
        return .{ .table = @ptrCast(block.tables.ptr), .pa = block.pa };
    }

    fn free(ptr: *anyopaque, table: TablePtr, pa: Pa) void {
        const bytes: [*]align(page_size) u8 = @ptrCast(table);
        freeTables(ptr, bytes[0..page_size], pa);
    }

    fn physicalToVirtual(ptr: *anyopaque, pa: Pa) ?TablePtr {
        _ = ptr;
        if (pa == 0 or pa % page_size != 0 or pa > std.math.maxInt(usize)) return null;
        return @ptrFromInt(@as(usize, @intCast(pa)));
    }

    fn allocateTables(ptr: *anyopaque, bytes: usize) error{OutOfMemory}!AllocatedTables {
        const self = of(ptr);
        var tables: []align(page_size) u8 = undefined;
        if (bytes == page_size) {
            tables = try self.allocator.alignedAlloc(u8, page_size, page_size);
        } else {
            const block = try self.allocator.alignedAlloc(u8, page_size, 2 * bytes);
            errdefer self.allocator.free(block);
            const start = std.mem.alignForward(usize, @intFromPtr(block.ptr), bytes);
            try self.large.append(self.allocator, .{ .start = start, .block = block });
            const at: [*]align(page_size) u8 = @ptrFromInt(start);
            tables = at[0..bytes];
        }
        @memset(tables, 0);
        return .{ .tables = tables, .pa = @intFromPtr(tables.ptr) };
    }

    fn freeTables(ptr: *anyopaque, tables: []align(page_size) u8, pa: Pa) void {
        _ = pa;
        const self = of(ptr);
        if (tables.len == page_size) return self.allocator.free(tables);
        for (self.large.items, 0..) |large, i| {
            if (large.start != @intFromPtr(tables.ptr)) continue;
            self.allocator.free(large.block);
            _ = self.large.swapRemove(i);
            return;
        }
        unreachable; // the library frees only what it allocated
    }
};

/// The heap home of a caller's Translation, which the C core's context
/// pointer refers to for the mapping's whole life.
const CustomTranslation = struct {
    translation: Translation,
    allocator: Allocator,
};

// ---------------------------------------------------------------- descriptors

/// A descriptor handed to the `modify` callback of a `MappingOf(A)`, whose
/// attributes are of type `A`: read it, or change it with `set` /
/// `modifyFlags`. Valid only during the callback.
pub fn DescriptorOf(comptime A: type) type {
    return opaque {
        const Self = @This();

        /// The attribute set of the descriptor's format.
        pub const Attributes = A;

        fn raw(self: *Self) *c.ap_descriptor_t {
            return @ptrCast(self);
        }

        fn rawConst(self: *const Self) *const c.ap_descriptor_t {
            return @ptrCast(self);
        }

        /// Level (0..3) of the table holding the descriptor.
        pub fn level(self: *const Self) u32 {
            return c.ap_descriptor_level(self.rawConst());
        }
        /// The whole descriptor, raw.
        pub fn bits(self: *const Self) u64 {
            return c.ap_descriptor_bits(self.rawConst());
        }
        pub fn outputAddress(self: *const Self) Pa {
            return c.ap_descriptor_output_address(self.rawConst());
        }
        /// Everything but the output address, as attributes of the format.
        pub fn flags(self: *const Self) A {
            return A.fromBits(c.ap_descriptor_flags(self.rawConst()));
        }
        pub fn isValid(self: *const Self) bool {
            return c.ap_descriptor_is_valid(self.rawConst());
        }
        pub fn isTable(self: *const Self) bool {
            return c.ap_descriptor_is_table(self.rawConst());
        }
        /// Whether `set` or `modifyFlags` changed the descriptor.
        pub fn updated(self: *const Self) bool {
            return c.ap_descriptor_updated(self.rawConst());
        }

        /// Sets the descriptor to output address `pa` with `new_flags`.
        pub fn set(self: *Self, pa: Pa, new_flags: A) DescriptorError!void {
            return checkIn(DescriptorError, c.ap_descriptor_set(self.raw(), pa, new_flags.bits()));
        }

        /// Sets the bits `to_set` and clears `to_clear`, keeping the output address.
        pub fn modifyFlags(self: *Self, to_set: A, to_clear: A) DescriptorError!void {
            return checkIn(DescriptorError, c.ap_descriptor_modify_flags(self.raw(), to_set.bits(), to_clear.bits()));
        }
    };
}

/// The descriptor of an EL1&0 or EL2&0 `Mapping`.
pub const Descriptor = DescriptorOf(El1Attrs);
/// The descriptor of an `El23Mapping`.
pub const El23Descriptor = DescriptorOf(El23Attrs);
/// The descriptor of a `Stage2Mapping`.
pub const Stage2Descriptor = DescriptorOf(Stage2Attrs);

/// Turns a Zig callback `callback(context, args...)` that returns void or
/// an error union into the C callbacks' "0 to go on" convention, keeping the
/// Zig error so that the caller can learn it through ErrorDetail.
/// `Desc` is the descriptor type a modify callback gets (`void` otherwise).
fn CallbackAdapter(comptime Context: type, comptime callback: anytype, comptime Desc: type) type {
    return struct {
        context: Context,
        failure: ?anyerror = null,

        const Self = @This();

        fn run(self: *Self, args: anytype) c_int {
            const result = @call(.auto, callback, .{self.context} ++ args);
            switch (@typeInfo(@TypeOf(result))) {
                .Void => return 0,
                .ErrorUnion => {
                    result catch |err| {
                        self.failure = err;
                        return 1;
                    };
                    return 0;
                },
                else => @compileError("a callback returns void or !void, not " ++ @typeName(@TypeOf(result))),
            }
        }

        fn from(ctx: ?*anyopaque) *Self {
            return @ptrCast(@alignCast(ctx.?));
        }

        fn modifyHook(ctx: ?*anyopaque, region: [*c]const c.ap_region_t, descriptor: ?*c.ap_descriptor_t) callconv(.C) c_int {
            const zig_descriptor: *Desc = @ptrCast(descriptor.?);
            return from(ctx).run(.{ Region.fromC(region.*), zig_descriptor });
        }

        fn walkHook(ctx: ?*anyopaque, region: [*c]const c.ap_region_t, bits: u64, level: c_uint) callconv(.C) c_int {
            return from(ctx).run(.{ Region.fromC(region.*), bits, @as(u32, level) });
        }

        fn runHook(ctx: ?*anyopaque, region: [*c]const c.ap_region_t, descriptors: [*c]const u64, count: usize, level: c_uint) callconv(.C) c_int {
            const run_slice: []const u64 = descriptors[0..count];
            return from(ctx).run(.{ Region.fromC(region.*), run_slice, @as(u32, level) });
        }

        fn writeHook(ctx: ?*anyopaque, text: [*c]const u8, length: usize) callconv(.C) c_int {
            const text_slice: []const u8 = text[0..length];
            return from(ctx).run(.{text_slice});
        }
    };
}

fn writeAllTo(writer: anytype, text: []const u8) !void {
    return writer.writeAll(text);
}

// ---------------------------------------------------------------- mappings

/// Settings for creating a mapping.
pub const Options = struct {
    /// null means the built-in EL1&0 regime. Its descriptor format must
    /// be the mapping's (`Stage2Mapping` needs a stage 2 regime...).
    regime: ?Regime = null,
    /// 0..3, used when `input_bits` is 0: the root is one whole table at
    /// this level, and with 4 KiB granules the VA space covers
    /// 2^(48 - 9 * root_level) bytes. null means 1 without `input_bits`
    /// and 0 (the only value allowed) with it.
    root_level: ?u32 = null,
    /// EL1&0 and EL2&0 only; must be 0 elsewhere.
    asid: u16 = 0,
    /// `.upper` for EL1&0 and EL2&0 only.
    va_range: VaRange = .lower,
    /// The translation granule.
    granule: Granule = .size_4k,
    /// The input address size, 25..48 bits (TnSZ = 64 - input_bits), or 0
    /// for the `root_level` rule; the walk starts at the level that
    /// resolves the top address bit.
    input_bits: u32 = 0,
    /// Stage 2 with `input_bits`: at most this many concatenated root
    /// tables (1, 2, 4, 8 or 16); 0 means up to 16, 1 never concatenates.
    /// Must be 0 or 1 for stage 1 and without `input_bits`.
    max_root_tables: u32 = 0,
    /// Stage 1: the MAIR_ELx value the tables are used with (see
    /// `mair.fromAttributes`), or 0 when not told. The library only names
    /// memory types with it: the `.svg` dump colours regions normal or
    /// device. Must be 0 for stage 2.
    mair: mair.Value = 0,

    fn toC(self: Options) c.ap_mapping_options_t {
        return .{
            .size = @sizeOf(c.ap_mapping_options_t),
            .regime = if (self.regime) |r| r.handle else null,
            .root_level = self.root_level orelse @intFromBool(self.input_bits == 0),
            .asid = self.asid,
            .va_range = @intFromEnum(self.va_range),
            .reserved = 0,
            .granule = @intFromEnum(self.granule),
            .input_bits = self.input_bits,
            .max_root_tables = self.max_root_tables,
            .mair = self.mair,
        };
    }
};

/// Mapping constraints (AP_CONSTRAINT_*).
pub const Constraints = packed struct(c.ap_constraints_t) {
    /// Only pages, no block mappings.
    no_block_mappings: bool = false,
    /// No use of the contiguous hint.
    no_contiguous_hint: bool = false,
    _reserved: u30 = 0,

    fn toC(self: Constraints) c.ap_constraints_t {
        return @bitCast(self);
    }
};

/// How `Mapping.open` adopts tables (AP_OPEN_*); `.{}` is read-only.
pub const OpenFlags = packed struct(c.ap_open_flags_t) {
    /// Edits may change the adopted tables and add tables from the
    /// translation's `allocate`.
    editable: bool = false,
    _reserved: u31 = 0,

    fn toC(self: OpenFlags) c.ap_open_flags_t {
        return @bitCast(self);
    }
};

comptime {
    std.debug.assert((OpenFlags{}).toC() == c.AP_OPEN_READ_ONLY);
    std.debug.assert((OpenFlags{ .editable = true }).toC() == c.AP_OPEN_EDITABLE);
    std.debug.assert((Constraints{ .no_block_mappings = true }).toC() == c.AP_CONSTRAINT_NO_BLOCK_MAPPINGS);
    std.debug.assert((Constraints{ .no_contiguous_hint = true }).toC() == c.AP_CONSTRAINT_NO_CONTIGUOUS_HINT);
}

/// What `translate` of a `MappingOf(A)` found for one input address.
pub fn TranslateResultOf(comptime A: type) type {
    return struct {
        /// Whether the address is mapped; if not, `level` and `descriptor` are
        /// where the walk faulted and the other fields are 0.
        mapped: bool,
        /// The output address, with the input's offset in the page or block.
        output_address: Pa,
        /// Attribute bits of the final descriptor.
        attributes: A,
        /// OR of the table attribute bits of the table descriptors on the way.
        table_attributes: A,
        /// Raw bits of the final descriptor.
        descriptor: u64,
        /// Level of the final descriptor.
        level: u32,
        /// Bytes the final descriptor covers.
        block_size: u64,
    };
}

/// What `Mapping.translate` (EL1&0, EL2&0) found.
pub const TranslateResult = TranslateResultOf(El1Attrs);

/// What `Mapping.translationControl` gives: the TCR_ELx (VTCR_EL2 for
/// stage 2) fields and TTBR value that fit a mapping's tables.
pub const TranslationControl = struct {
    /// TnSZ, TGn and (stage 2) SL0 at their places in the register; every
    /// other bit is 0.
    tcr: u64,
    /// The register bits those fields take: write `(reg & ~tcr_mask) | tcr`.
    tcr_mask: u64,
    /// The TTBR (VTTBR) value, the one `Mapping.ttbr` gives.
    ttbr: u64,
    /// The input address space is 2^input_bits bytes.
    input_bits: u32,
    /// TnSZ (VTCR_EL2.T0SZ): 64 - input_bits.
    tsz: u32,
    /// The granule in this range's field encoding: TG0 for the lower range
    /// and stage 2, TG1 for the upper range.
    tg: u32,
    /// VTCR_EL2.SL0 for the root level; 0 for stage 1.
    sl0: u32,
    /// The mapping's granule.
    granule: Granule,
    /// The starting level of the walk.
    root_level: u32,
    /// Entries of the root: fewer than a table's for a small top level,
    /// more for a concatenated stage 2 root.
    root_entries: u32,
    /// Concatenated tables the root is made of (1 unless stage 2 concatenates).
    root_tables: u32,
};

/// The layouts of `Mapping.dumpAs` (`ap_dump_format_t`).
pub const DumpFormat = enum(c.ap_dump_format_t) {
    /// The layout of `Mapping.dump`, after the reference crate's Debug output.
    reference = c.AP_DUMP_REFERENCE,
    /// One line per table and per run of entries, with input ranges, output
    /// addresses and attributes by field.
    ranges = c.AP_DUMP_RANGES,
    /// The same as `ranges`, as one JSON object.
    json = c.AP_DUMP_JSON,
    /// The input address space as an SVG picture: regions as bands labelled
    /// with their addresses, breaks for unmapped space.
    svg = c.AP_DUMP_SVG,
};

/// One translation table hierarchy and its state, whose descriptors have
/// the attribute set `A` (`El1Attrs`, `El23Attrs` or `Stage2Attrs`): `map`,
/// `mapAuto`, `translate` and the `modify` descriptor take and give `A`, so
/// another format's attributes do not compile. Every `init` and `open`
/// returns `error.InvalidArgument` for a regime of another format.
/// `Mapping`, `El23Mapping` and `Stage2Mapping` name the three.
///
/// Receivers follow std's containers (`std.ArrayList`): calls that change
/// the tables or the mapping's state (`deinit`, `tryDeinit`, `map`,
/// `mapAuto`, `unmap`, `modify`, `compact`, `activate`, `deactivate`,
/// `markActive`, `markInactive`) take `*Mapping`; calls that only read
/// (getters, `translate`, `walk`, `walkRuns`, `dump`...) take the small
/// handle by value, so they work on a `const` mapping too.
pub fn MappingOf(comptime A: type) type {
    return struct {
        handle: *c.ap_mapping_t,
        custom: ?*CustomTranslation = null,
        // initIdentityAllocator's translation, freed by deinit.
        owned: ?*AllocatorTranslation = null,
        // Options.granule: the length of the tables paToTable gives.
        granule: Granule,

        const Self = @This();

        /// The mapping's attribute set (`El1Attrs`, `El23Attrs` or `Stage2Attrs`).
        pub const Attributes = A;
        /// What `modify` callbacks get: `*Descriptor`.
        pub const Descriptor = DescriptorOf(A);
        /// What `translate` returns.
        pub const TranslateResult = TranslateResultOf(A);

        /// `error.InvalidArgument` unless the regime of `options` (EL1&0 when
        /// null) has descriptors in the format of `A`.
        fn checkFormat(options: Options) error{InvalidArgument}!void {
            const kind = if (options.regime) |r| r.kind() else RegimeKind.el1and0;
            if (!A.isFormatOf(kind)) return error.InvalidArgument;
        }

        /// Tables come from the library; their physical address is their address here.
        pub fn initIdentity(options: Options) InitError!Self {
            try checkFormat(options);
            const raw_options = options.toC();
            var out: ?*c.ap_mapping_t = null;
            try checkIn(InitError, c.ap_mapping_create_identity(&raw_options, &out));
            return .{ .handle = out.?, .granule = options.granule };
        }

        /// Input address `va` maps to `va + offset` (a signed multiple of the
        /// page size), and so do the table pages.
        pub fn initLinear(options: Options, offset: i64) InitLinearError!Self {
            try checkFormat(options);
            const raw_options = options.toC();
            var out: ?*c.ap_mapping_t = null;
            try checkIn(InitLinearError, c.ap_mapping_create_linear(&raw_options, offset, &out));
            return .{ .handle = out.?, .granule = options.granule };
        }

        /// Builds a table image for a machine that loads it at physical `base`.
        pub fn initTarget(options: Options, base: Pa) InitError!Self {
            try checkFormat(options);
            const raw_options = options.toC();
            var out: ?*c.ap_mapping_t = null;
            try checkIn(InitError, c.ap_mapping_create_target(&raw_options, base, &out));
            return .{ .handle = out.?, .granule = options.granule };
        }

        /// Tables come from `translation`. `allocator` holds the small record the
        /// C core calls back through, freed by `deinit`.
        pub fn initCustom(allocator: Allocator, options: Options, translation: Translation) InitCustomError!Self {
            return withTranslation(InitCustomError, allocator, options, translation, struct {
                fn make(o: *const c.ap_mapping_options_t, ops: *const c.ap_translation_ops_t, ctx: *Translation, args: anytype, out: *?*c.ap_mapping_t) c.ap_status_t {
                    _ = args;
                    return c.ap_mapping_create(o, ops, ctx, out);
                }
            }.make, .{});
        }

        /// An identity mapping whose tables come from `allocator` rather than
        /// the library's page pool (see `AllocatorTranslation`); `deinit` gives
        /// them back to it.
        pub fn initIdentityAllocator(allocator: Allocator, options: Options) InitCustomError!Self {
            try checkFormat(options);
            const owned = try allocator.create(AllocatorTranslation);
            errdefer allocator.destroy(owned);
            owned.* = AllocatorTranslation.init(allocator);
            var m = try initCustom(allocator, options, owned.translation());
            m.owned = owned;
            return m;
        }

        /// Adopts a table hierarchy built elsewhere (`ap_mapping_open()`): the
        /// root table is at physical address `root_pa`, and `translation`'s
        /// `physicalToVirtual` reaches it and every table below it. `allocator`
        /// holds the record the C core calls back through, as for `initCustom`.
        ///
        /// Unless `flags.editable` (`.{}` opens read-only), every edit (map,
        /// mapAuto, unmap, modify, compact) fails with `error.ReadOnly` and the
        /// translation's `allocate` and `free` are never called. A walk over a hierarchy that reaches a table
        /// twice (a loop, a shared subtable) fails with `error.MalformedTable`;
        /// `translate` follows one address as the MMU would. `deinit` frees none
        /// of the tables, not even those an editable mapping added.
        pub fn open(allocator: Allocator, options: Options, translation: Translation, root_pa: Pa, flags: OpenFlags) OpenError!Self {
            return withTranslation(OpenError, allocator, options, translation, struct {
                fn make(o: *const c.ap_mapping_options_t, ops: *const c.ap_translation_ops_t, ctx: *Translation, args: anytype, out: *?*c.ap_mapping_t) c.ap_status_t {
                    return c.ap_mapping_open(o, ops, ctx, args[0], args[1], out);
                }
            }.make, .{ root_pa, flags.toC() });
        }

        /// Makes a C mapping with `make`, given the ops and context that lead
        /// back to `translation`; the context is freed again on failure.
        fn withTranslation(comptime E: type, allocator: Allocator, options: Options, translation: Translation, comptime make: anytype, args: anytype) E!Self {
            try checkFormat(options);
            const box = try allocator.create(CustomTranslation);
            errdefer allocator.destroy(box);
            box.* = .{ .translation = translation, .allocator = allocator };
            const ops = c.ap_translation_ops_t{
                .size = @sizeOf(c.ap_translation_ops_t),
                .allocate_table = &Translation.allocateHook,
                .free_table = &Translation.freeHook,
                .physical_to_virtual = &Translation.physicalToVirtualHook,
                // Absent (NULL) unless the translation has them, as in C.
                .allocate_tables = if (translation.vtable.allocateTables != null) &Translation.allocateTablesHook else null,
                .free_tables = if (translation.vtable.freeTables != null) &Translation.freeTablesHook else null,
            };
            const raw_options = options.toC();
            var out: ?*c.ap_mapping_t = null;
            try checkIn(E, make(&raw_options, &ops, &box.translation, args, &out));
            return .{ .handle = out.?, .custom = box, .granule = options.granule };
        }

        /// Frees the mapping and its tables (none of the tables of a mapping
        /// from `open`). It cannot fail, so `defer map.deinit();` works.
        ///
        /// Precondition: the mapping is not active (`deactivate` or
        /// `markInactive` it first), and no call on it is running (not from
        /// inside its own callbacks). Breaking it is a bug: `deinit` panics, in
        /// every build mode, rather than leak the tables the library refused to
        /// free. `tryDeinit` returns `error.StillActive` instead.
        pub fn deinit(self: *Self) void {
            self.tryDeinit() catch |err| std.debug.panic(
                "aarch64_paging: Mapping.deinit of an active mapping (error.{s}); " ++
                    "deactivate (or markInactive) it first, or call tryDeinit to handle it",
                .{@errorName(err)},
            );
        }

        /// Frees the mapping as `deinit` does, or returns `error.StillActive`
        /// for an active mapping: then nothing is freed and the mapping stays
        /// usable (deactivate it and call `deinit` or `tryDeinit` again).
        /// A call from inside one of the mapping's own callbacks still panics.
        pub fn tryDeinit(self: *Self) DeinitError!void {
            // INVALID_ARGUMENT: a destroy already running, i.e. a call from
            // one of the mapping's own callbacks.
            try destroyed(c.ap_mapping_destroy(self.handle), "Mapping.deinit from inside a call on the same mapping");
            if (self.custom) |box| {
                if (self.owned) |owned| {
                    owned.deinit();
                    box.allocator.destroy(owned);
                }
                box.allocator.destroy(box);
            }
            self.* = undefined;
        }

        /// Maps `region` to the output range from `pa` with `flags`.
        pub fn map(self: *Self, region: Region, pa: Pa, flags: A, constraints: Constraints, detail: ?*ErrorDetail) MapError!void {
            const raw_region = region.toC();
            var raw = emptyCError();
            const status = c.ap_mapping_map(self.handle, &raw_region, pa, flags.bits(), constraints.toC(), &raw);
            return checkWithDetail(MapError, status, &raw, detail);
        }

        /// Maps `region` to the output addresses the mapping's own (identity or
        /// linear) translation gives it. An `initIdentityAllocator` mapping is
        /// an identity one: `region` maps to its own addresses (the C core
        /// knows only its built-in translations as identity or linear).
        pub fn mapAuto(self: *Self, region: Region, flags: A, constraints: Constraints, detail: ?*ErrorDetail) MapAutoError!void {
            if (self.owned != null) return self.map(region, region.start, flags, constraints, detail);
            const raw_region = region.toC();
            var raw = emptyCError();
            const status = c.ap_mapping_map_auto(self.handle, &raw_region, flags.bits(), constraints.toC(), &raw);
            return checkWithDetail(MapAutoError, status, &raw, detail);
        }

        pub fn unmap(self: *Self, region: Region, detail: ?*ErrorDetail) UnmapError!void {
            const raw_region = region.toC();
            var raw = emptyCError();
            return checkWithDetail(UnmapError, c.ap_mapping_unmap(self.handle, &raw_region, &raw), &raw, detail);
        }

        /// Calls `updateFn(context, region, descriptor)` on every block, page
        /// and invalid descriptor covering `region`. `updateFn` returns void or
        /// an error union; an error stops the edit with `error.PteUpdateFault`
        /// (`error.BreakBeforeMake` during a live dry run) and is kept in
        /// `detail.callback_error`. Pass `{}` as context for a plain function.
        pub fn modify(self: *Self, region: Region, context: anytype, comptime updateFn: anytype, detail: ?*ErrorDetail) ModifyError!void {
            const Adapter = CallbackAdapter(@TypeOf(context), updateFn, Self.Descriptor);
            var adapter = Adapter{ .context = context };
            const raw_region = region.toC();
            var raw = emptyCError();
            const status = c.ap_mapping_modify(self.handle, &raw_region, &Adapter.modifyHook, &adapter, &raw);
            return finishCallbackCall(ModifyError, status, &raw, adapter.failure, detail);
        }

        /// Calls `visitFn(context, region, descriptor_bits, level)`, in address
        /// order, on every non-table descriptor covering `region`. `visitFn`
        /// returns void or an error union; an error stops the walk with
        /// `error.Stopped`, the bits it was given in `detail.descriptor` and
        /// the error itself in `detail.callback_error`.
        pub fn walk(self: Self, region: Region, context: anytype, comptime visitFn: anytype, detail: ?*ErrorDetail) WalkError!void {
            const Adapter = CallbackAdapter(@TypeOf(context), visitFn, void);
            var adapter = Adapter{ .context = context };
            const raw_region = region.toC();
            var raw = emptyCError();
            const status = c.ap_mapping_walk(self.handle, &raw_region, &Adapter.walkHook, &adapter, &raw);
            return finishCallbackCall(WalkError, status, &raw, adapter.failure, detail);
        }

        /// Calls `visitFn(context, region, descriptors, level)` once per run of
        /// consecutive non-table descriptors of one table. An error from
        /// `visitFn` stops the walk with `error.Stopped`, as for `walk`, with
        /// the run's first descriptor in `detail.descriptor`.
        pub fn walkRuns(self: Self, region: Region, context: anytype, comptime visitFn: anytype, detail: ?*ErrorDetail) WalkError!void {
            const Adapter = CallbackAdapter(@TypeOf(context), visitFn, void);
            var adapter = Adapter{ .context = context };
            const raw_region = region.toC();
            var raw = emptyCError();
            const status = c.ap_mapping_walk_runs(self.handle, &raw_region, &Adapter.runHook, &adapter, &raw);
            return finishCallbackCall(WalkError, status, &raw, adapter.failure, detail);
        }

        fn finishCallbackCall(comptime E: type, status: c.ap_status_t, raw: *const c.ap_error_t, failure: ?anyerror, detail: ?*ErrorDetail) E!void {
            checkWithDetail(E, status, raw, detail) catch |err| {
                if (detail) |out| out.callback_error = failure;
                return err;
            };
        }

        /// Frees every subtable whose entries are all zero.
        pub fn compact(self: *Self) CompactError!void {
            return checkIn(CompactError, c.ap_mapping_compact(self.handle));
        }

        /// Walks `va` as the MMU would. An address that is not mapped is an
        /// answer, not an error (as in the Rust and Go bindings): `mapped` is
        /// false and `level` and `descriptor` say where the walk faulted.
        /// Errors are the call's own (an address outside the mapping, a table
        /// that does not translate), with `detail.address` set.
        pub fn translate(self: Self, va: Va, detail: ?*ErrorDetail) TranslateError!Self.TranslateResult {
            var raw = std.mem.zeroes(c.ap_translate_result_t);
            raw.size = @sizeOf(c.ap_translate_result_t);
            const status = c.ap_mapping_translate(self.handle, va, &raw);
            if (status != c.AP_ERR_NOT_MAPPED) {
                checkIn(TranslateError, status) catch |err| {
                    if (detail) |out| out.* = .{ .address = va };
                    return err;
                };
            }
            return .{
                .mapped = status == c.AP_OK,
                .output_address = raw.output_address,
                .attributes = A.fromBits(raw.attributes),
                .table_attributes = A.fromBits(raw.table_attributes),
                .descriptor = raw.descriptor,
                .level = raw.level,
                .block_size = raw.block_size,
            };
        }

        /// Marks the mapping active and installs its root through the regime.
        /// Returns the TTBR value to hand back to `deactivate`.
        pub fn activate(self: *Self) UnexpectedError!u64 {
            var previous: u64 = undefined;
            try checkIn(UnexpectedError, c.ap_mapping_activate(self.handle, &previous));
            return previous;
        }

        /// Restores `previous_ttbr`, invalidates the mapping's TLB entries and
        /// marks it inactive.
        pub fn deactivate(self: *Self, previous_ttbr: u64) DeactivateError!void {
            return checkIn(DeactivateError, c.ap_mapping_deactivate(self.handle, previous_ttbr));
        }

        /// Records that the caller installed the table itself.
        pub fn markActive(self: *Self) UnexpectedError!void {
            return checkIn(UnexpectedError, c.ap_mapping_mark_active(self.handle));
        }

        /// Records that the caller uninstalled the table itself.
        pub fn markInactive(self: *Self) MarkInactiveError!void {
            return checkIn(MarkInactiveError, c.ap_mapping_mark_inactive(self.handle));
        }

        /// Whether the mapping is active (`activate` or `markActive`).
        pub fn isActive(self: Self) bool {
            return self.getAlways(bool, c.ap_mapping_is_active);
        }

        /// Physical address of the root table.
        pub fn rootAddress(self: Self) Pa {
            return self.getAlways(Pa, c.ap_mapping_root_address);
        }

        /// The TTBR value activation writes: root address | ASID << 48.
        pub fn ttbr(self: Self) u64 {
            return self.getAlways(u64, c.ap_mapping_ttbr);
        }

        /// The translation control fields and TTBR value for this mapping's
        /// tables. `error.Unsupported` for a stage 2 mapping whose root is at
        /// level 3: SL0 cannot encode it without FEAT_TTST.
        pub fn translationControl(self: Self) UnsupportedError!TranslationControl {
            var raw = std.mem.zeroes(c.ap_translation_control_t);
            raw.size = @sizeOf(c.ap_translation_control_t);
            try checkIn(UnsupportedError, c.ap_mapping_translation_control(self.handle, &raw));
            return .{
                .tcr = raw.tcr,
                .tcr_mask = raw.tcr_mask,
                .ttbr = raw.ttbr,
                .input_bits = raw.input_bits,
                .tsz = raw.tsz,
                .tg = raw.tg,
                .sl0 = raw.sl0,
                .granule = @enumFromInt(raw.granule),
                .root_level = raw.root_level,
                .root_entries = raw.root_entries,
                .root_tables = raw.root_tables,
            };
        }

        /// Bytes of input address space the table covers.
        pub fn size(self: Self) u64 {
            return self.getAlways(u64, c.ap_mapping_size);
        }

        /// The level of the root table (where the walk starts).
        pub fn rootLevel(self: Self) u32 {
            return self.getAlways(c_uint, c.ap_mapping_root_level);
        }

        /// `error.Unsupported` for regimes without an ASID.
        pub fn asid(self: Self) UnsupportedError!u16 {
            return self.get(UnsupportedError, u16, c.ap_mapping_asid);
        }

        pub fn vaRange(self: Self) VaRange {
            return @enumFromInt(self.getAlways(c.ap_va_range_t, c.ap_mapping_va_range));
        }

        /// The regime the mapping was made for.
        pub fn regime(self: Self) Regime {
            const handle = self.getAlways(?*const c.ap_regime_t, c.ap_mapping_regime);
            return .{ .handle = handle.? };
        }

        /// Number of tables in the hierarchy, the root included.
        pub fn tableCount(self: Self) TableCountError!usize {
            return self.get(TableCountError, usize, c.ap_mapping_table_count);
        }

        /// The output address the built-in identity or linear translation gives `va`.
        pub fn vaToPa(self: Self, va: Va) VaToPaError!Pa {
            var out: Pa = undefined;
            try checkIn(VaToPaError, c.ap_mapping_va_to_pa(self.handle, va, &out));
            return out;
        }

        /// The table at physical address `pa`, as the library reaches it (the
        /// translation's `physicalToVirtual`, or the identity or linear rule):
        /// the entries of one table of the mapping's granule (512, 2048 or
        /// 8192; for a concatenated stage 2 root, its first table).
        /// `error.BadTableAddress` when the translation has no table there, or
        /// gives an address not aligned to the granule, which no table has.
        /// The identity and linear rules answer for any address: the slice is
        /// a table only where `pa` is one of the mapping's tables.
        pub fn paToTable(self: Self, pa: Pa) PaToTableError![]align(page_size) u64 {
            var out: u64 = undefined;
            try checkIn(PaToTableError, c.ap_mapping_pa_to_table(self.handle, pa, &out));
            const bytes = self.granule.pageSize();
            if (out % bytes != 0 or out > std.math.maxInt(usize)) return error.BadTableAddress;
            const first: [*]align(page_size) u64 = @ptrFromInt(@as(usize, @intCast(out)));
            return first[0..@intCast(bytes / @sizeOf(u64))];
        }

        /// Size in bytes of a target mapping's image.
        pub fn targetImageSize(self: Self) UnsupportedError!usize {
            return self.get(UnsupportedError, usize, c.ap_target_image_size);
        }

        /// Writes a target mapping's image (little-endian) into `buf`.
        pub fn writeTargetImage(self: Self, buf: []u8) WriteTargetImageError!void {
            return checkIn(WriteTargetImageError, c.ap_target_image_write(self.handle, buf.ptr, buf.len));
        }

        /// A target mapping's image in a new allocation the caller frees.
        pub fn targetImageAlloc(self: Self, allocator: Allocator) TargetImageAllocError![]u8 {
            const image = try allocator.alloc(u8, try self.targetImageSize());
            errdefer allocator.free(image);
            // The buffer is the size the library asked for.
            self.writeTargetImage(image) catch |err| return narrow(TargetImageAllocError, err);
            return image;
        }

        /// Writes a readable dump of the tables to `writer`. A writer error
        /// stops the dump with `error.WriteFailed`; `detail.callback_error`
        /// holds the writer's own error.
        pub fn dump(self: Self, writer: anytype, detail: ?*ErrorDetail) DumpError!void {
            const Adapter = CallbackAdapter(@TypeOf(writer), writeAllTo, void);
            var adapter = Adapter{ .context = writer };
            checkIn(DumpError, c.ap_mapping_dump(self.handle, &Adapter.writeHook, &adapter)) catch |err| {
                if (detail) |out| out.* = .{ .callback_error = adapter.failure };
                return err;
            };
        }

        /// The dump as a new string the caller frees.
        pub fn dumpAlloc(self: Self, allocator: Allocator) DumpAllocError![]u8 {
            var text = std.ArrayList(u8).init(allocator);
            errdefer text.deinit();
            var detail = ErrorDetail{};
            self.dump(text.writer(), &detail) catch |err| {
                // The list's only failure is memory: report it as such.
                if (detail.callback_error) |cause| if (cause == error.OutOfMemory) return error.OutOfMemory;
                return narrow(DumpAllocError, err);
            };
            return text.toOwnedSlice();
        }

        /// Writes the tables to `writer` in `format` (`ap_mapping_dump_as()`).
        /// A writer error stops the dump with `error.WriteFailed`;
        /// `detail.callback_error` holds the writer's own error. A hierarchy
        /// from `open` that reaches a table twice prints it once in the ranges
        /// and JSON layouts, and fails with `error.MalformedTable` in the
        /// reference layout.
        pub fn dumpAs(self: Self, writer: anytype, format: DumpFormat, detail: ?*ErrorDetail) DumpError!void {
            const Adapter = CallbackAdapter(@TypeOf(writer), writeAllTo, void);
            var adapter = Adapter{ .context = writer };
            checkIn(DumpError, c.ap_mapping_dump_as(self.handle, @intFromEnum(format), &Adapter.writeHook, &adapter)) catch |err| {
                if (detail) |out| out.* = .{ .callback_error = adapter.failure };
                return err;
            };
        }

        /// `dumpAs` into a new string the caller frees.
        pub fn dumpAsAlloc(self: Self, allocator: Allocator, format: DumpFormat) DumpAllocError![]u8 {
            var text = std.ArrayList(u8).init(allocator);
            errdefer text.deinit();
            var detail = ErrorDetail{};
            self.dumpAs(text.writer(), format, &detail) catch |err| {
                if (detail.callback_error) |cause| if (cause == error.OutOfMemory) return error.OutOfMemory;
                return narrow(DumpAllocError, err);
            };
            return text.toOwnedSlice();
        }

        /// Calls a C getter `getter(handle, &out)`.
        fn get(self: Self, comptime E: type, comptime T: type, comptime getter: anytype) E!T {
            var out: T = undefined;
            try checkIn(E, getter(self.handle, &out));
            return out;
        }

        /// Calls a C getter that fails only for a NULL argument, which a live
        /// Mapping never passes, or while the mapping is being destroyed (a
        /// call from one of its own callbacks during deinit): a bug, so a panic.
        fn getAlways(self: Self, comptime T: type, comptime getter: anytype) T {
            return self.get(UnexpectedError, T, getter) catch |err| std.debug.panic("aarch64_paging: Mapping getter called during deinit of the same mapping ({s})", .{@errorName(err)});
        }
    };
}

/// An EL1&0 or EL2&0 stage 1 mapping (the default regime's format).
pub const Mapping = MappingOf(El1Attrs);
/// An EL2 or EL3 stage 1 mapping.
pub const El23Mapping = MappingOf(El23Attrs);
/// A stage 2 mapping.
pub const Stage2Mapping = MappingOf(Stage2Attrs);
