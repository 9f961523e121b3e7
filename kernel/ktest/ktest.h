/* In-kernel self-tests, run with `init=ktest` on the command line. They print
 * TAP and power off with 0 if every check passed, else 1. */
#ifndef KERNEL_KTEST_KTEST_H
#define KERNEL_KTEST_KTEST_H

/* Boot hart, before the other harts look at ktest_secondary. */
void ktest_request(void);
__attribute__((noreturn)) void ktest_main(int argc, char **argv);
/* Every other hart: joins the multi-hart checks when ktest runs. */
void ktest_secondary(unsigned hart);

#endif
