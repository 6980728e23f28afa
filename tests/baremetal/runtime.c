/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "runtime.h"

#include <stddef.h>

/* ------------------------------------------------------------ console */

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1u << 5)

static void uart_putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)RT_UART;
	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (uint32_t)(unsigned char)c;
}

void rt_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

void rt_hex(uint64_t value)
{
	rt_puts("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		uart_putc("0123456789abcdef"[(value >> shift) & 0xf]);
}

void rt_print(const char *label, uint64_t value)
{
	rt_puts(label);
	rt_hex(value);
	rt_puts("\n");
}

/* ------------------------------------------------------------ exit */

/* Semihosting SYS_EXIT_EXTENDED: x0 = 0x20, x1 = {reason, status}; QEMU
 * exits with the status. HLT #0xF000 is the AArch64 semihosting trap. */
void rt_exit(int status)
{
	static volatile uint64_t block[2];
	block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
	block[1] = (uint64_t)(int64_t)status;
	register uint64_t x0 __asm__("x0") = 0x20;
	register volatile uint64_t *x1 __asm__("x1") = block;
	__asm__ volatile("hlt #0xf000" : : "r"(x0), "r"(x1) : "memory");
	for (;;)
		__asm__ volatile("wfe");
}

void rt_check_failed(const char *what, const char *file, int line)
{
	rt_puts("FAIL: ");
	rt_puts(what);
	rt_puts(" (");
	rt_puts(file);
	rt_print(":", (uint64_t)line);
	rt_exit(RT_STATUS_CHECK_FAILED);
}

void rt_check_equal(uint64_t a, uint64_t b, const char *what, const char *file, int line)
{
	if (a == b)
		return;
	rt_print("left:  ", a);
	rt_print("right: ", b);
	rt_check_failed(what, file, line);
}

/* ------------------------------------------------------------ system registers */

unsigned rt_current_el(void)
{
	uint64_t el;
	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	return (unsigned)((el >> 2) & 3);
}

#define READ_AT_EL(reg, out)                                            \
	do {                                                            \
		switch (rt_current_el()) {                              \
		case 3: __asm__ volatile("mrs %0, " #reg "_el3" : "=r"(out)); break; \
		case 2: __asm__ volatile("mrs %0, " #reg "_el2" : "=r"(out)); break; \
		default: __asm__ volatile("mrs %0, " #reg "_el1" : "=r"(out)); break; \
		}                                                       \
	} while (0)

uint64_t rt_elr(void)
{
	uint64_t elr;
	READ_AT_EL(elr, elr);
	return elr;
}

void rt_set_elr(uint64_t elr)
{
	switch (rt_current_el()) {
	case 3: __asm__ volatile("msr elr_el3, %0" : : "r"(elr)); break;
	case 2: __asm__ volatile("msr elr_el2, %0" : : "r"(elr)); break;
	default: __asm__ volatile("msr elr_el1, %0" : : "r"(elr)); break;
	}
}

unsigned rt_esr_class(uint64_t esr)
{
	return (unsigned)((esr >> 26) & 0x3f);
}

unsigned rt_esr_status(uint64_t esr)
{
	return (unsigned)(esr & 0x3f);
}

/* ------------------------------------------------------------ exceptions */

static volatile bool fault_expected;
static volatile rt_fault_t last_fault;

__attribute__((weak)) bool rt_lower_el_hook(unsigned vector, uint64_t *regs)
{
	(void)vector;
	(void)regs;
	return false;
}

static void record_fault(unsigned vector)
{
	uint64_t esr, far, hpfar = 0;
	READ_AT_EL(esr, esr);
	READ_AT_EL(far, far);
	if (rt_current_el() == 2)
		__asm__ volatile("mrs %0, hpfar_el2" : "=r"(hpfar));
	last_fault.taken = true;
	last_fault.esr = esr;
	last_fault.far = far;
	last_fault.hpfar = hpfar;
	last_fault.elr = rt_elr();
	last_fault.vector = vector;
}

void rt_exception(unsigned vector, uint64_t *regs);

void rt_exception(unsigned vector, uint64_t *regs)
{
	if (vector >= 8 && rt_lower_el_hook(vector, regs))
		return;
	record_fault(vector);
	unsigned ec = rt_esr_class(last_fault.esr);
	if (fault_expected && vector == 4 && ec == RT_EC_DABT_SAME) {
		/* Step over the probing load or store. */
		fault_expected = false;
		rt_set_elr(last_fault.elr + 4);
		return;
	}
	rt_print("unexpected exception, vector ", vector);
	rt_print("  ESR   ", last_fault.esr);
	rt_print("  FAR   ", last_fault.far);
	rt_print("  HPFAR ", last_fault.hpfar);
	rt_print("  ELR   ", last_fault.elr);
	rt_exit(3);
}

/* ------------------------------------------------------------ probes */

uint64_t rt_load_insn(uint64_t address);
void rt_store_insn(uint64_t address, uint64_t value);

static bool finish_probe(rt_fault_t *fault)
{
	bool faulted = !fault_expected;
	fault_expected = false;
	if (fault) {
		*fault = last_fault;
		fault->taken = faulted;
	}
	return faulted;
}

bool rt_probe_load(uint64_t address, uint64_t *value, rt_fault_t *fault)
{
	fault_expected = true;
	__asm__ volatile("" : : : "memory");
	uint64_t v = rt_load_insn(address);
	bool faulted = finish_probe(fault);
	if (!faulted && value)
		*value = v;
	return faulted;
}

bool rt_probe_store(uint64_t address, uint64_t value, rt_fault_t *fault)
{
	fault_expected = true;
	__asm__ volatile("" : : : "memory");
	rt_store_insn(address, value);
	return finish_probe(fault);
}

/* ------------------------------------------------------------ entry */

void rt_main(void);

void rt_main(void)
{
	rt_print(RT_START_LINE, rt_current_el());
	int status = test_main();
	rt_puts(status == 0 ? "PASS\n" : "FAIL\n");
	rt_exit(status);
}

/* The compiler may call these for structure copies and clears. */
void *memset(void *dest, int c, size_t n)
{
	unsigned char *d = dest;
	while (n--)
		*d++ = (unsigned char)c;
	return dest;
}

void *memcpy(void *dest, const void *src, size_t n)
{
	unsigned char *d = dest;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dest;
}
