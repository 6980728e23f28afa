// SPDX-License-Identifier: MIT OR Apache-2.0
//! The attribute sets: one type per descriptor format, their helpers, and
//! mappings typed by format.

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

test "an attribute set is its format's raw bits, with set helpers" {
    try testing.expectEqual(ap.el1.pxn, ap.El1Attrs.pxn.bits());
    try testing.expectEqual(ap.el23.xn, ap.El23Attrs.xn.bits());
    try testing.expectEqual(ap.stage2.s2ap_access_rw, ap.Stage2Attrs.s2ap_access_rw.bits());
    try testing.expectEqual(@as(u64, 0), ap.El1Attrs.empty.bits());
    try testing.expectEqual(@as(u64, 8), @sizeOf(ap.El1Attrs));

    const rw = ap.El1Attrs.of(.{ .valid, .accessed });
    try testing.expectEqual(ap.el1.valid | ap.el1.accessed, rw.bits());
    try testing.expectEqual(rw, ap.El1Attrs.valid.with(ap.El1Attrs.accessed));
    try testing.expectEqual(ap.El1Attrs.valid, rw.without(ap.El1Attrs.accessed));
    try testing.expect(rw.contains(ap.El1Attrs.accessed));
    try testing.expect(rw.contains(rw));
    try testing.expect(!rw.contains(rw.with(ap.El1Attrs.pxn)));
    try testing.expect(rw.contains(ap.El1Attrs.empty));
    try testing.expect(rw.intersects(ap.El1Attrs.valid.with(ap.El1Attrs.pxn)));
    try testing.expect(!rw.intersects(ap.El1Attrs.pxn));
    try testing.expectEqual(rw, ap.El1Attrs.fromBits(ap.el1.valid | ap.el1.accessed));

    // A mask and the values of its field.
    const memattr = ap.Stage2Attrs.memattr_normal_inner_wb.with(ap.Stage2Attrs.memattr_normal_outer_wb);
    try testing.expect(ap.Stage2Attrs.memattr_mask.contains(memattr));

    const text = try ap.Stage2Attrs.s2ap_access_rw.with(ap.Stage2Attrs.xn).describeAlloc(testing.allocator);
    defer testing.allocator.free(text);
    try testing.expectEqualStrings("device-ngnrne | rw | non-shareable | XN", text);
}

test "each attribute set names the regime kinds of its format" {
    try testing.expect(ap.El1Attrs.isFormatOf(.el1and0));
    try testing.expect(ap.El1Attrs.isFormatOf(.el2and0));
    try testing.expect(!ap.El1Attrs.isFormatOf(.el2));
    try testing.expect(ap.El23Attrs.isFormatOf(.el2));
    try testing.expect(ap.El23Attrs.isFormatOf(.el3));
    try testing.expect(!ap.El23Attrs.isFormatOf(.stage2));
    try testing.expect(ap.Stage2Attrs.isFormatOf(.stage2));
    try testing.expect(!ap.Stage2Attrs.isFormatOf(.el1and0));
    try testing.expect(ap.Mapping == ap.MappingOf(ap.El1Attrs));
    try testing.expect(ap.Mapping.Attributes == ap.El1Attrs);
    try testing.expect(ap.Stage2Mapping.Descriptor == ap.Stage2Descriptor);
    try testing.expect(ap.El23Mapping.TranslateResult == ap.TranslateResultOf(ap.El23Attrs));
}

test "a mapping refuses a regime of another descriptor format" {
    const s2 = try ap.Regime.builtin(.stage2);
    const el2 = try ap.Regime.builtin(.el2);
    try testing.expectError(error.InvalidArgument, ap.Mapping.initIdentity(.{ .regime = s2 }));
    try testing.expectError(error.InvalidArgument, ap.Mapping.initIdentity(.{ .regime = el2 }));
    try testing.expectError(error.InvalidArgument, ap.Mapping.initLinear(.{ .regime = s2 }, 0x1000));
    try testing.expectError(error.InvalidArgument, ap.Mapping.initTarget(.{ .regime = s2 }, 0x1_0000));
    // The default regime is EL1&0.
    try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initIdentity(.{}));
    try testing.expectError(error.InvalidArgument, ap.El23Mapping.initIdentity(.{ .regime = s2 }));
    try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initIdentityAllocator(testing.allocator, .{ .regime = el2 }));
    var arena = util.PageArena{ .base = 0x4_0000_0000 };
    try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initCustom(testing.allocator, .{}, arena.translation()));
    try testing.expectError(error.InvalidArgument, ap.El23Mapping.open(testing.allocator, .{}, arena.translation(), 0x4_0000_0000, .{}));
    // EL2&0 has EL1&0's format.
    var vhe = try ap.Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.el2and0) });
    vhe.deinit();
    // A user regime is checked by its kind.
    var recorder = util.HookRecorder{};
    var user = try ap.UserRegime.init(testing.allocator, .stage2, recorder.hooks());
    defer user.deinit();
    try testing.expectError(error.InvalidArgument, ap.Mapping.initIdentity(.{ .regime = user.regime() }));
    var ok = try ap.Stage2Mapping.initIdentity(.{ .regime = user.regime(), .root_level = 1 });
    ok.deinit();
}

fn setSoftwareFlag(_: void, _: ap.Region, descriptor: *ap.Stage2Descriptor) !void {
    if (!descriptor.isValid()) return;
    const before: ap.Stage2Attrs = descriptor.flags();
    try testing.expect(before.contains(ap.Stage2Attrs.s2ap_access_rw));
    try descriptor.modifyFlags(ap.Stage2Attrs.swflag_2, ap.Stage2Attrs.s2ap_access_wo);
}

test "stage 2 and EL2 mappings take and give their own attribute sets" {
    var s2 = try ap.Stage2Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.stage2), .root_level = 1 });
    defer s2.deinit();
    const rw = ap.Stage2Attrs.of(.{ .valid, .access_flag, .s2ap_access_rw });
    try s2.mapAuto(try ap.Region.fromSize(0x4000_0000, 0x1000), rw, .{}, null);
    try s2.modify(try ap.Region.fromSize(0x4000_0000, 0x1000), {}, setSoftwareFlag, null);
    const where: ap.TranslateResultOf(ap.Stage2Attrs) = try s2.translate(0x4000_0010, null);
    const ro = rw.without(ap.Stage2Attrs.s2ap_access_wo);
    try testing.expectEqual(ro.with(ap.Stage2Attrs.swflag_2).with(ap.Stage2Attrs.table_or_page), where.attributes);
    try testing.expect(where.attributes.contains(ap.Stage2Attrs.s2ap_access_ro));

    var el2 = try ap.El23Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.el2) });
    defer el2.deinit();
    const flags = ap.El23Attrs.of(.{ .valid, .accessed, .xn, .attribute_index_1 });
    try el2.map(try ap.Region.fromSize(0x20_0000, 0x20_0000), 0x8000_0000, flags, .{}, null);
    const found = try el2.translate(0x20_1234, null);
    try testing.expectEqual(flags, found.attributes);
    try testing.expectEqual(ap.El23Attrs.empty, found.table_attributes);
}

test "the README's stage 2 example" {
    var vm = try ap.Stage2Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.stage2), .root_level = 1 });
    defer vm.deinit();
    const rw = ap.Stage2Attrs.of(.{ .valid, .access_flag, .s2ap_access_rw, .memattr_normal_inner_wb, .memattr_normal_outer_wb });
    try vm.map(try ap.Region.fromSize(0x4000_0000, 0x20_0000), 0x8000_0000, rw, .{}, null);
    const found = try vm.translate(0x4000_1234, null); // found.attributes is an ap.Stage2Attrs
    try testing.expectEqual(rw, found.attributes);
    try testing.expectEqual(@as(ap.Pa, 0x8000_1234), found.output_address);

    // The error set snippet: an attribute set describes itself.
    const flags = ap.El1Attrs.of(.{ .valid, .accessed });
    const text = flags.describeAlloc(testing.allocator) catch |err| switch (err) {
        error.OutOfMemory => return err,
        error.Unexpected => return error.LibraryTooNew,
    };
    defer testing.allocator.free(text);
    try testing.expectEqualStrings("VALID | ACCESSED", text);
}

test "an attribute set prints by the library's names" {
    var buf: [128]u8 = undefined;
    try testing.expectEqualStrings("VALID | ACCESSED", try std.fmt.bufPrint(&buf, "{}", .{ap.El1Attrs.of(.{ .valid, .accessed })}));
    try testing.expectEqualStrings("VALID | XN", try std.fmt.bufPrint(&buf, "{}", .{ap.El23Attrs.of(.{ .valid, .xn })}));
    try testing.expectEqualStrings("device-ngnrne | rw | non-shareable | XN", try std.fmt.bufPrint(&buf, "{}", .{ap.Stage2Attrs.of(.{ .s2ap_access_rw, .xn })}));
    try testing.expectEqualStrings("0x0", try std.fmt.bufPrint(&buf, "{}", .{ap.El1Attrs.empty}));
}
