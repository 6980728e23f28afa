/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The bare-metal test runtime: console, exit status, exceptions, probes of
 * memory that may fault, and the system registers the tests program.
 */
#ifndef RT_RUNTIME_H
#define RT_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

/* Console (PL011 at 0x09000000). */
void rt_puts(const char *s);
void rt_hex(uint64_t value);
void rt_print(const char *label, uint64_t value); /* "label0x...\n" */

/* Ends the run; QEMU exits with @p status through semihosting. */
__attribute__((noreturn)) void rt_exit(int status);

/*
 * What run.sh reads to tell a test that ran from a QEMU that never ran it
 * (QEMU itself exits with 1 when it cannot start): the runtime prints
 * RT_START_LINE before the test's body, and a failed check exits with
 * RT_STATUS_CHECK_FAILED, which QEMU never uses. Keep both in step with run.sh.
 */
#define RT_START_LINE "baremetal runtime: test started at EL"
#define RT_STATUS_CHECK_FAILED 42

/* Checks: a failure prints the expression and where, then exits with
 * RT_STATUS_CHECK_FAILED. */
#define CHECK(cond) \
	((cond) ? (void)0 : rt_check_failed(#cond, __FILE__, __LINE__))
#define CHECK_EQ(a, b) \
	rt_check_equal((uint64_t)(a), (uint64_t)(b), #a " == " #b, __FILE__, __LINE__)
__attribute__((noreturn)) void rt_check_failed(const char *what, const char *file, int line);
void rt_check_equal(uint64_t a, uint64_t b, const char *what, const char *file, int line);

/* What an exception reported. */
typedef struct rt_fault {
	bool taken;
	uint64_t esr, far, hpfar, elr;
	unsigned vector; /* index in the vector table: 4 = current EL sync, 8 = lower EL sync */
} rt_fault_t;

/* Data accesses that may fault: return true if they did (fault filled in). */
bool rt_probe_load(uint64_t address, uint64_t *value, rt_fault_t *fault);
bool rt_probe_store(uint64_t address, uint64_t value, rt_fault_t *fault);

/* ESR decoding. */
unsigned rt_esr_class(uint64_t esr);
/* Fault status code (DFSC/IFSC) of an abort. */
unsigned rt_esr_status(uint64_t esr);
#define RT_FSC_TRANSLATION(level) (0x04u + (level))
#define RT_FSC_ACCESS_FLAG(level) (0x08u + (level))
#define RT_FSC_PERMISSION(level) (0x0cu + (level))
#define RT_EC_HVC64 0x16u
#define RT_EC_DABT_LOWER 0x24u
#define RT_EC_DABT_SAME 0x25u

/* Current exception level (1..3). */
unsigned rt_current_el(void);

/*
 * A test may take exceptions from a lower level (a stage 2 guest): this hook
 * sees each one first; returning true means handled (ELR may have been
 * changed through rt_set_elr). The default handles none.
 */
bool rt_lower_el_hook(unsigned vector, uint64_t *regs);
void rt_set_elr(uint64_t elr);
uint64_t rt_elr(void);

/* Image layout from link.ld. */
extern char __image_start[], __text_end[], __rodata_end[], __image_end[];
extern char __stack_bottom[], __stack_top[], __guest_stack_top[];

#define RT_UART 0x09000000ull

/* Assembler helpers (start.S). */
void rt_call_shifted(void (*fn)(void), uint64_t delta);
__attribute__((noreturn)) void rt_enter_el1(void (*entry)(void), void *stack_top);

/* The test's body; its return value is the exit status. */
int test_main(void);

#endif
