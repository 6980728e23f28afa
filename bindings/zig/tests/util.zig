// SPDX-License-Identifier: MIT OR Apache-2.0
//! Helpers shared by the binding's tests: a Zig-owned table arena behind a
//! custom translation, and a recorder behind user regime hooks.

const std = @import("std");
const ap = @import("aarch64_paging");

/// Flags of an ordinary EL1&0 page or block of normal memory.
pub const normal_el1 = ap.El1Attrs.of(.{ .valid, .accessed, .attribute_index_1, .inner_shareable });
/// The same, as raw bits.
pub const normal_el1_bits = normal_el1.bits();

/// Tables from std.heap.page_allocator, reported at a fake physical base:
/// slot n lies at `base + n * 4096`, so descriptors hold addresses that have
/// nothing to do with this process's pointers.
pub const PageArena = struct {
    pub const capacity = 32;

    base: ap.Pa,
    slots: [capacity]?ap.TablePtr = [_]?ap.TablePtr{null} ** capacity,
    live: usize = 0,
    allocations: usize = 0,
    frees: usize = 0,
    /// Frees of a table at an address other than the one it was handed out at.
    mismatched_frees: usize = 0,
    /// Allocations left before `allocate` fails; null for no limit.
    budget: ?usize = null,
    /// Makes physicalToVirtual answer null, as a broken memory model would.
    forget_addresses: bool = false,

    const vtable = ap.Translation.VTable{
        .allocate = allocate,
        .free = free,
        .physicalToVirtual = physicalToVirtual,
    };

    pub fn translation(self: *PageArena) ap.Translation {
        return .{ .ptr = self, .vtable = &vtable };
    }

    fn from(ptr: *anyopaque) *PageArena {
        return @ptrCast(@alignCast(ptr));
    }

    fn allocate(ptr: *anyopaque) error{OutOfMemory}!ap.AllocatedTable {
        const self = from(ptr);
        if (self.budget) |*left| {
            if (left.* == 0) return error.OutOfMemory;
            left.* -= 1;
        }
        const index = self.freeSlot() orelse return error.OutOfMemory;
        const page = try std.heap.page_allocator.alignedAlloc(u8, ap.page_size, ap.page_size);
        @memset(page, 0);
        const table: ap.TablePtr = @ptrCast(page.ptr);
        self.slots[index] = table;
        self.live += 1;
        self.allocations += 1;
        return .{ .table = table, .pa = self.base + index * ap.page_size };
    }

    fn free(ptr: *anyopaque, table: ap.TablePtr, pa: ap.Pa) void {
        const self = from(ptr);
        const index = self.slotOf(pa) orelse {
            self.mismatched_frees += 1;
            return;
        };
        if (self.slots[index] != table) {
            self.mismatched_frees += 1;
            return;
        }
        const page: [*]align(ap.page_size) u8 = @ptrCast(table);
        std.heap.page_allocator.free(page[0..ap.page_size]);
        self.slots[index] = null;
        self.live -= 1;
        self.frees += 1;
    }

    fn physicalToVirtual(ptr: *anyopaque, pa: ap.Pa) ?ap.TablePtr {
        const self = from(ptr);
        if (self.forget_addresses) return null;
        const index = self.slotOf(pa) orelse return null;
        return self.slots[index];
    }

    fn freeSlot(self: *const PageArena) ?usize {
        for (self.slots, 0..) |slot, index| {
            if (slot == null) return index;
        }
        return null;
    }

    fn slotOf(self: *const PageArena, pa: ap.Pa) ?usize {
        if (pa < self.base or (pa - self.base) % ap.page_size != 0) return null;
        const index = (pa - self.base) / ap.page_size;
        return if (index < capacity) @intCast(index) else null;
    }
};

/// Records every call of user regime hooks.
pub const HookRecorder = struct {
    invalidations: std.BoundedArray(ap.Invalidation, 64) = .{},
    barriers: usize = 0,
    activations: usize = 0,
    activated_root: ap.Pa = 0,
    activated_asid: u16 = 0,
    activated_range: ap.VaRange = .lower,
    deactivated_with: ?u64 = null,
    /// What the activate hook reports as the previous TTBR.
    previous_ttbr: u64 = 0xdead_0000,

    const all_hooks = ap.RegimeHooks.VTable{
        .invalidate = invalidate,
        .barrier = barrier,
        .activate = activate,
        .deactivate = deactivate,
    };
    const barrier_only = ap.RegimeHooks.VTable{ .barrier = barrier };

    pub fn hooks(self: *HookRecorder) ap.RegimeHooks {
        return .{ .ptr = self, .vtable = &all_hooks };
    }

    /// Hooks with nothing but a barrier: the library skips the others.
    pub fn barrierHooks(self: *HookRecorder) ap.RegimeHooks {
        return .{ .ptr = self, .vtable = &barrier_only };
    }

    fn from(ptr: *anyopaque) *HookRecorder {
        return @ptrCast(@alignCast(ptr));
    }

    fn invalidate(ptr: *anyopaque, invalidation: ap.Invalidation) void {
        from(ptr).invalidations.append(invalidation) catch @panic("more invalidations than the test expects");
    }

    fn barrier(ptr: *anyopaque) void {
        from(ptr).barriers += 1;
    }

    fn activate(ptr: *anyopaque, root: ap.Pa, asid: u16, va_range: ap.VaRange) u64 {
        const self = from(ptr);
        self.activations += 1;
        self.activated_root = root;
        self.activated_asid = asid;
        self.activated_range = va_range;
        return self.previous_ttbr;
    }

    fn deactivate(ptr: *anyopaque, previous_ttbr: u64, asid: u16, va_range: ap.VaRange) void {
        _ = asid;
        _ = va_range;
        from(ptr).deactivated_with = previous_ttbr;
    }
};
