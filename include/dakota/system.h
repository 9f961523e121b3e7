/* Linux's constants for reboot, prctl, membarrier and getrandom (uapi
 * reboot.h, prctl.h, membarrier.h, random.h), shared by kernel and user. */
#ifndef DAKOTA_SYSTEM_H
#define DAKOTA_SYSTEM_H

#define LINUX_REBOOT_MAGIC1         0xfee1deadU
#define LINUX_REBOOT_MAGIC2         672274793U
#define LINUX_REBOOT_MAGIC2A        85072278U
#define LINUX_REBOOT_MAGIC2B        369367448U
#define LINUX_REBOOT_MAGIC2C        537993216U
#define LINUX_REBOOT_CMD_RESTART    0x01234567U
#define LINUX_REBOOT_CMD_HALT       0xCDEF0123U
#define LINUX_REBOOT_CMD_CAD_ON     0x89ABCDEFU
#define LINUX_REBOOT_CMD_CAD_OFF    0x00000000U
#define LINUX_REBOOT_CMD_POWER_OFF  0x4321FEDCU

#define PR_SET_NAME 15
#define PR_GET_NAME 16

#define MEMBARRIER_CMD_QUERY                      0
#define MEMBARRIER_CMD_GLOBAL                     1
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED           2
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED  4
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED          8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4

#endif
