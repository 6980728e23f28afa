// SPDX-License-Identifier: MIT OR Apache-2.0
//! Every C status has its own Zig error, and each one the library reports
//! today can be provoked through the binding with its detail
//! (MalformedTable and ReadOnly are only mapped: no call returns them yet).

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

const StatusCase = struct { status: ap.Status, err: ap.Error };

const every_error = [_]StatusCase{
    .{ .status = .address_range, .err = error.AddressRange },
    .{ .status = .invalid_virtual_address, .err = error.InvalidVirtualAddress },
    .{ .status = .region_backwards, .err = error.RegionBackwards },
    .{ .status = .pte_update_fault, .err = error.PteUpdateFault },
    .{ .status = .invalid_flags, .err = error.InvalidFlags },
    .{ .status = .break_before_make, .err = error.BreakBeforeMake },
    .{ .status = .no_memory, .err = error.OutOfMemory },
    .{ .status = .invalid_argument, .err = error.InvalidArgument },
    .{ .status = .still_active, .err = error.StillActive },
    .{ .status = .not_active, .err = error.NotActive },
    .{ .status = .unsupported, .err = error.Unsupported },
    .{ .status = .bad_table_address, .err = error.BadTableAddress },
    .{ .status = .not_mapped, .err = error.NotMapped },
    .{ .status = .buffer_too_small, .err = error.BufferTooSmall },
    .{ .status = .write_failed, .err = error.WriteFailed },
    .{ .status = .stopped, .err = error.Stopped },
    .{ .status = .malformed_table, .err = error.MalformedTable },
    .{ .status = .read_only, .err = error.ReadOnly },
};

test "the tables cover every status and every error" {
    // One Status per C value plus `ok`; one error per case plus Unexpected.
    try testing.expectEqual(every_error.len + 1, @typeInfo(ap.Status).Enum.fields.len);
    try testing.expectEqual(every_error.len + 1, @typeInfo(ap.Error).ErrorSet.?.len);
}

test "every status maps to its error and back" {
    try ap.check(ap.c.AP_OK);
    for (every_error) |case| {
        try testing.expectError(case.err, ap.check(@intFromEnum(case.status)));
        try testing.expectEqual(@as(?ap.Status, case.status), ap.statusOf(case.err));
        const c_name = std.mem.span(ap.c.ap_strerror(@intFromEnum(case.status)));
        try testing.expectEqualStrings(c_name, case.status.name());
        try testing.expect(!std.mem.eql(u8, case.status.name(), "unknown status"));
    }
}

test "a status the binding does not know is Unexpected" {
    try testing.expectError(error.Unexpected, ap.check(99));
    try testing.expectEqual(@as(?ap.Status, null), ap.statusOf(error.Unexpected));
    const unknown: ap.Status = @enumFromInt(99);
    try testing.expectEqualStrings("unknown status", unknown.name());
}

/// Fails unless the error set `E` has exactly the errors `names`.
fn expectErrorSet(comptime E: type, comptime names: []const []const u8) !void {
    const members = @typeInfo(E).ErrorSet.?;
    inline for (names) |name| {
        comptime var found = false;
        inline for (members) |member| {
            if (comptime std.mem.eql(u8, member.name, name)) found = true;
        }
        if (!found) {
            std.debug.print("{s} lacks error.{s}\n", .{ @typeName(E), name });
            return error.TestExpectedError;
        }
    }
    if (members.len != names.len) {
        std.debug.print("{s} has {d} errors, expected {d}\n", .{ @typeName(E), members.len, names.len });
        return error.TestUnexpectedError;
    }
}

/// The error set of the error union that `function` returns.
fn ErrorSetOf(comptime function: anytype) type {
    const Return = @typeInfo(@TypeOf(function)).Fn.return_type.?;
    return @typeInfo(Return).ErrorUnion.error_set;
}

test "narrow error sets have the members the header's @retval lists give" {
    // ap_error_describe, ap_attrs_describe, ap_mair_*describe: only
    // INVALID_ARGUMENT (NULL, bad size: never passed) and BUFFER_TOO_SMALL
    // (the binding sizes the buffer) besides success.
    try expectErrorSet(ap.DescribeError, &.{ "OutOfMemory", "Unexpected" });
    // ap_mapping_dump_as, less WRITE_FAILED (a growing list fails only
    // for memory) and INVALID_ARGUMENT (NULL, a DumpFormat is never unknown).
    try expectErrorSet(ap.DumpAllocError, &.{ "BadTableAddress", "MalformedTable", "OutOfMemory", "Unexpected" });
    try expectErrorSet(ap.DumpError, &.{ "WriteFailed", "BadTableAddress", "MalformedTable", "OutOfMemory", "Unexpected" });
    // ap_mapping_translate, less NOT_MAPPED (an answer) and INVALID_ARGUMENT.
    try expectErrorSet(ap.TranslateError, &.{ "AddressRange", "BadTableAddress", "Unexpected" });
    try expectErrorSet(ap.PaToTableError, &.{ "BadTableAddress", "Unexpected" });
    try expectErrorSet(ap.WalkError, &.{ "RegionBackwards", "AddressRange", "Stopped", "BadTableAddress", "MalformedTable", "OutOfMemory", "Unexpected" });
    try expectErrorSet(ap.DeactivateError, &.{ "Unsupported", "NotActive", "Unexpected" });
    // ap_mapping_map_auto: every error of map, INVALID_VIRTUAL_ADDRESS and UNSUPPORTED.
    try expectErrorSet(ap.MapAutoError, &.{
        "InvalidArgument", "RegionBackwards", "AddressRange", "InvalidFlags",   "InvalidVirtualAddress", "BreakBeforeMake",
        "OutOfMemory",     "BadTableAddress", "ReadOnly",     "MalformedTable", "Unsupported",           "Unexpected",
    });
}

test "the functions return their narrow sets" {
    try testing.expect(ErrorSetOf(ap.describeErrorAlloc) == ap.DescribeError);
    try testing.expect(ErrorSetOf(ap.describeAttrsAlloc) == ap.DescribeError);
    try testing.expect(ErrorSetOf(ap.mair.describeAttributeAlloc) == ap.DescribeError);
    try testing.expect(ErrorSetOf(ap.mair.describeAlloc) == ap.DescribeError);
    try testing.expect(ErrorSetOf(ap.Mapping.dumpAlloc) == ap.DumpAllocError);
    try testing.expect(ErrorSetOf(ap.Mapping.dumpAsAlloc) == ap.DumpAllocError);
    try testing.expect(ErrorSetOf(ap.Mapping.targetImageAlloc) == ap.TargetImageAllocError);
    try testing.expect(ErrorSetOf(ap.Mapping.translate) == ap.TranslateError);
    try testing.expect(ErrorSetOf(ap.Mapping.paToTable) == ap.PaToTableError);
    try testing.expect(ErrorSetOf(ap.Mapping.map) == ap.MapError);
    try testing.expect(ErrorSetOf(ap.Mapping.unmap) == ap.UnmapError);
}

test "every narrow set is part of Error and has Unexpected" {
    comptime var sets = 0;
    inline for (@typeInfo(ap).Struct.decls) |decl| {
        const value = @field(ap, decl.name);
        if (@TypeOf(value) != type) continue;
        if (@typeInfo(value) != .ErrorSet) continue;
        if (value == ap.Error or value == ap.DeinitError) continue;
        sets += 1;
        inline for (@typeInfo(value).ErrorSet.?) |member| {
            // Every member converts to Error (it would not compile
            // otherwise) and so has its C status, but Unexpected.
            const as_error: ap.Error = @field(value, member.name);
            try testing.expect(ap.statusOf(as_error) != null or as_error == error.Unexpected);
        }
        try testing.expect(@typeInfo(value).ErrorSet.?.len > 0);
        try testing.expect((value || error{Unexpected}) == value);
    }
    try testing.expect(sets >= 20);
}

test "a narrow set can be switched on exhaustively" {
    const text = ap.describeAttrsAlloc(testing.allocator, .el1and0, ap.el1.valid) catch |err| switch (err) {
        // No `else`: these two are all the call can return.
        error.OutOfMemory => return err,
        error.Unexpected => return err,
    };
    defer testing.allocator.free(text);
    try testing.expectEqualStrings("VALID", text);
    var failing = testing.FailingAllocator.init(testing.allocator, 0);
    try testing.expectError(error.OutOfMemory, ap.describeAttrsAlloc(failing.allocator(), .el1and0, ap.el1.valid));
}

test "AddressRange reports the address" {
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1 });
    defer map.deinit();
    var detail = ap.ErrorDetail{};
    const beyond = try ap.Region.fromSize(1 << 39, 0x1000);
    try testing.expectError(error.AddressRange, map.map(beyond, 0x1000, util.normal_el1, .{}, &detail));
    // The C library names the region's end, as the reference crate does.
    try testing.expectEqual(@as(u64, (1 << 39) + 0x1000), detail.address);
    try testing.expectEqual(@as(u64, 0), detail.flags);
    const message = try ap.describeErrorAlloc(testing.allocator, error.AddressRange, &detail);
    defer testing.allocator.free(message);
    try testing.expectEqualStrings("Virtual address 0x0000008000001000 out of range", message);
}

test "InvalidVirtualAddress when the output passes 2^48" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const two_pages = try ap.Region.fromSize(0, 0x2000);
    try testing.expectError(error.InvalidVirtualAddress, map.map(two_pages, 0xffff_ffff_f000, util.normal_el1, .{}, null));
}

test "RegionBackwards from a constructor and, with its region, from a map" {
    try testing.expectError(error.RegionBackwards, ap.Region.fromRange(0x2000, 0x1000));

    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const wrapping = ap.Region{ .start = 0xffff_ffff_ffff_f000, .size = 0x2000 };
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.RegionBackwards, map.map(wrapping, 0, util.normal_el1, .{}, &detail));
    try testing.expectEqual(wrapping, detail.region);
}

test "InvalidFlags reports the flags" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    var detail = ap.ErrorDetail{};
    const flags = util.normal_el1.with(ap.El1Attrs.table_or_page);
    try testing.expectError(error.InvalidFlags, map.map(try ap.Region.fromSize(0, 0x1000), 0, flags, .{}, &detail));
    try testing.expectEqual(flags.bits(), detail.flags);
    try testing.expectEqual(flags, ap.El1Attrs.fromBits(detail.flags));
}

test "BreakBeforeMake reports the region of a live remap" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const page = try ap.Region.fromSize(0x10_0000, 0x1000);
    try map.map(page, 0x10_0000, util.normal_el1, .{}, null);
    try map.markActive();
    defer map.markInactive() catch unreachable;
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.BreakBeforeMake, map.map(page, 0x20_0000, util.normal_el1, .{}, &detail));
    try testing.expectEqual(page.start, detail.region.start);
    try testing.expect(detail.region.size > 0);
    const message = try ap.describeErrorAlloc(testing.allocator, error.BreakBeforeMake, &detail);
    defer testing.allocator.free(message);
    try testing.expect(std.mem.indexOf(u8, message, "0x0000000000100000..0x0000000000101000") != null);
    try testing.expect(std.mem.indexOf(u8, message, "while translation is live") != null);
    // Refused before anything was written.
    try testing.expectEqual(@as(u64, 0x10_0000), (try map.translate(0x10_0000, null)).output_address);
}

test "OutOfMemory, StillActive, NotActive, Unsupported, BadTableAddress; not mapped is no error" {
    var arena = util.PageArena{ .base = 0x8000_0000, .budget = 1 };
    var custom = try ap.Mapping.initCustom(testing.allocator, .{}, arena.translation());
    try testing.expectError(error.OutOfMemory, custom.map(try ap.Region.fromSize(0, 0x1000), 0, util.normal_el1, .{}, null));
    custom.deinit();

    var map = try ap.Mapping.initIdentity(.{});
    _ = try map.activate();
    try testing.expectError(error.StillActive, map.tryDeinit());
    try map.markInactive();
    try testing.expectError(error.NotActive, map.markInactive());
    try testing.expectError(error.NotActive, map.deactivate(0));
    try testing.expectError(error.Unsupported, map.targetImageSize());
    try testing.expectError(error.BadTableAddress, map.paToTable(0));

    // Not mapped is an answer: where the walk faulted, no error.
    const fault = try map.translate(0x4000_0000, null);
    try testing.expect(!fault.mapped);
    try testing.expectEqual(@as(u32, 1), fault.level);
    // An address outside the mapping is an error, with the address.
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.AddressRange, map.translate(1 << 48, &detail));
    try testing.expectEqual(@as(u64, 1 << 48), detail.address);
    map.deinit();
}

test "InvalidArgument for a root level above 3" {
    try testing.expectError(error.InvalidArgument, ap.Mapping.initIdentity(.{ .root_level = 4 }));
}

test "Stopped, PteUpdateFault, BufferTooSmall and WriteFailed" {
    var map = try ap.Mapping.initTarget(.{}, 0x4_0000);
    defer map.deinit();
    const page = try ap.Region.fromSize(0, 0x1000);
    try map.map(page, 0x9000, util.normal_el1, .{}, null);
    const bits = (try map.translate(0, null)).descriptor;

    // A walk callback's error stops the walk; a modify callback's is a
    // PteUpdateFault. Both report the descriptor and the callback's error.
    const refuse = struct {
        fn visit(_: void, _: ap.Region, _: u64, _: u32) !void {
            return error.Refused;
        }
        fn update(_: void, _: ap.Region, _: *ap.Descriptor) !void {
            return error.Refused;
        }
    };
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.Stopped, map.walk(page, {}, refuse.visit, &detail));
    try testing.expectEqual(bits, detail.descriptor);
    try testing.expectEqual(@as(?anyerror, error.Refused), detail.callback_error);
    detail = .{};
    try testing.expectError(error.PteUpdateFault, map.modify(page, {}, refuse.update, &detail));
    try testing.expectEqual(bits, detail.descriptor);
    try testing.expectEqual(@as(?anyerror, error.Refused), detail.callback_error);

    var small: [100]u8 = undefined;
    try testing.expectError(error.BufferTooSmall, map.writeTargetImage(&small));

    var stream = std.io.fixedBufferStream(&small);
    detail = .{};
    try testing.expectError(error.WriteFailed, map.dump(stream.writer(), &detail));
    try testing.expectEqual(@as(?anyerror, error.NoSpaceLeft), detail.callback_error);
}

test "bbmSafe: permissions may change on a live page, the address and block type may not" {
    const page: u64 = 0x20_0000 | util.normal_el1_bits | ap.el1.table_or_page;
    try testing.expect(try ap.bbmSafe(.el1and0, 3, page, page | ap.el1.read_only));
    try testing.expect(!try ap.bbmSafe(.el1and0, 3, page, page + 0x1000));
    // The make (filling an invalid entry) and the break are always safe.
    try testing.expect(try ap.bbmSafe(.el1and0, 3, 0, page));
    try testing.expect(try ap.bbmSafe(.el1and0, 3, page, 0));
    // A level 2 block never becomes a table descriptor in one store.
    const block: u64 = 0x20_0000 | util.normal_el1_bits;
    const table: u64 = 0x7000 | ap.el1.valid | ap.el1.table_or_page;
    try testing.expect(!try ap.bbmSafe(.el1and0, 2, block, table));
    try testing.expectError(error.InvalidArgument, ap.bbmSafe(.el1and0, 4, page, page));
}
