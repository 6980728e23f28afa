/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Entry, exception vectors and the few instructions C cannot express
 * safely. QEMU starts a bare-metal ELF at its entry point at the highest
 * exception level of the board (EL1; EL2 with virtualization=on; EL3 with
 * secure=on), with the MMU and caches off.
 */
	.section .text.boot, "ax"
	.global _start
_start:
	ldr	x0, =__stack_top
	mov	sp, x0
	/* .bss is NOLOAD: nothing cleared it. */
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	adr	x1, rt_vectors
	mrs	x0, CurrentEL
	lsr	x0, x0, #2
	cmp	x0, #3
	b.eq	3f
	cmp	x0, #2
	b.eq	4f
	msr	vbar_el1, x1
	b	5f
3:	msr	vbar_el3, x1
	b	5f
4:	msr	vbar_el2, x1
5:	isb
	bl	rt_main
	/* rt_main exits through semihosting; spin if that ever returns. */
6:	wfe
	b	6b

/*
 * Vector table: 16 entries of 0x80 bytes. Each saves x0/x1, puts its index
 * in x0 and joins the common path, which saves the rest, calls
 * rt_exception(index, frame) and returns to wherever ELR points then (the
 * handler may have moved it past a probed access).
 */
	.macro	vector index
	.balign	0x80
	sub	sp, sp, #(32 * 8)
	stp	x0, x1, [sp]
	mov	x0, #\index
	b	exception_common
	.endm

	.balign	0x800
	.global	rt_vectors
rt_vectors:
	.irp	i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\i
	.endr

exception_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mov	x1, sp
	bl	rt_exception
	ldp	x0, x1, [sp]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #(32 * 8)
	eret

/*
 * One load or store each, so that a fault is taken on a known instruction
 * that the handler can step over (it then leaves x0 as it was).
 */
	.text
	.global	rt_load_insn
rt_load_insn:
	ldr	x0, [x0]
	ret

	.global	rt_store_insn
rt_store_insn:
	str	x1, [x0]
	ret

/*
 * rt_call_shifted(fn, delta): calls fn at its address plus delta with the
 * stack pointer moved by delta too, so that fn runs (and computes every
 * PC-relative address) inside an alias of the image; returns here, at the
 * original address.
 */
	.global	rt_call_shifted
rt_call_shifted:
	stp	x29, x30, [sp, #-16]!
	add	x0, x0, x1
	mov	x9, sp
	add	sp, sp, x1
	stp	x9, x1, [sp, #-16]!
	blr	x0
	ldp	x9, x1, [sp], #16
	mov	sp, x9
	ldp	x29, x30, [sp], #16
	ret

/* Enter the EL1 guest at x0 with its stack at x1; used at EL2. */
	.global	rt_enter_el1
rt_enter_el1:
	msr	sp_el1, x1
	msr	elr_el2, x0
	mov	x2, #0x3c5		/* EL1h, D, A, I and F masked */
	msr	spsr_el2, x2
	isb
	eret
