// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

// #include <aarch64_paging.h>
import "C"

import "unsafe"

// Device memory attributes of MAIR.
const (
	MAIRDeviceNGnRnE uint8 = 0x00
	MAIRDeviceNGnRE  uint8 = 0x04
	MAIRDeviceNGRE   uint8 = 0x08
	MAIRDeviceGRE    uint8 = 0x0c
)

// NormalMemory is a cacheability policy of normal memory (ap_normal_memory_t).
type NormalMemory int

// The policies, by their values.
const (
	WriteThroughTransientWriteAllocate        NormalMemory = 0x1
	WriteThroughTransientReadAllocate         NormalMemory = 0x2
	WriteThroughTransientReadWriteAllocate    NormalMemory = 0x3
	NonCacheable                              NormalMemory = 0x4
	WriteBackTransientWriteAllocate           NormalMemory = 0x5
	WriteBackTransientReadAllocate            NormalMemory = 0x6
	WriteBackTransientReadWriteAllocate       NormalMemory = 0x7
	WriteThroughNonTransient                  NormalMemory = 0x8
	WriteThroughNonTransientWriteAllocate     NormalMemory = 0x9
	WriteThroughNonTransientReadAllocate      NormalMemory = 0xa
	WriteThroughNonTransientReadWriteAllocate NormalMemory = 0xb
	WriteBackNonTransient                     NormalMemory = 0xc
	WriteBackNonTransientWriteAllocate        NormalMemory = 0xd
	WriteBackNonTransientReadAllocate         NormalMemory = 0xe
	WriteBackNonTransientReadWriteAllocate    NormalMemory = 0xf
)

// MAIRNormal is the attribute of normal memory with these policies.
func MAIRNormal(inner, outer NormalMemory) (uint8, error) {
	var out C.ap_mair_attr_t
	err := check(C.ap_mair_normal(C.ap_normal_memory_t(inner), C.ap_normal_memory_t(outer), &out))
	return uint8(out), err
}

// MAIRFromAttributes is the MAIR value of eight attributes.
func MAIRFromAttributes(attributes [8]uint8) (uint64, error) {
	var out C.ap_mair_t
	err := check(C.ap_mair_from_attributes((*C.ap_mair_attr_t)(unsafe.Pointer(&attributes[0])), &out))
	return uint64(out), err
}

// MAIRWithAttribute is mair with attribute index replaced.
func MAIRWithAttribute(mair uint64, index uint, attribute uint8) (uint64, error) {
	var out C.ap_mair_t
	err := check(C.ap_mair_with_attribute(C.ap_mair_t(mair), C.uint(index), C.ap_mair_attr_t(attribute), &out))
	return uint64(out), err
}

// MAIRAttributes is the eight attributes of mair.
func MAIRAttributes(mair uint64) ([8]uint8, error) {
	var out [8]uint8
	err := check(C.ap_mair_attributes(C.ap_mair_t(mair), (*C.ap_mair_attr_t)(unsafe.Pointer(&out[0]))))
	return out, err
}

// DescribeMAIRAttribute is the library's description of one attribute.
func DescribeMAIRAttribute(attribute uint8) (string, error) {
	return formatText(func(buf *C.char, size C.size_t, needed *C.size_t) C.ap_status_t {
		return C.ap_mair_attribute_describe(C.ap_mair_attr_t(attribute), buf, size, needed)
	})
}

// DescribeMAIR is the library's description of a MAIR value.
func DescribeMAIR(mair uint64) (string, error) {
	return formatText(func(buf *C.char, size C.size_t, needed *C.size_t) C.ap_status_t {
		return C.ap_mair_describe(C.ap_mair_t(mair), buf, size, needed)
	})
}

// DescribeFlags names the bits of flags in the descriptor format of kind,
// as the String method of that format's attribute type does.
func DescribeFlags(kind RegimeKind, flags uint64) (string, error) {
	return formatText(func(buf *C.char, size C.size_t, needed *C.size_t) C.ap_status_t {
		return C.ap_attrs_describe(C.ap_regime_kind_t(kind), C.ap_attrs_t(flags), buf, size, needed)
	})
}
