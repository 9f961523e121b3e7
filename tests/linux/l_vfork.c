/* vfork and posix_spawn (clone with CLONE_VM|CLONE_VFORK): the child runs
 * in its parent's memory until it execs or ends, and the calling thread
 * waits until then. posix_spawn of a missing program fails with ENOENT
 * (the child writes the exec error into the parent's memory), a vfork
 * child's writes are the parent's, exec and _exit end the sharing, a child
 * that is killed or faults before it execs lets the parent go on, its
 * write to a copy-on-write page is the parent's, a child
 * whose parent ends or execs meanwhile (from another thread) keeps the
 * memory, 200
 * spawns in a row leave nothing behind (linuxrun's leak check), and
 * system() runs the shell.
 *
 * qemu-riscv64 turns vfork into fork (no shared memory), so the reference
 * is Linux itself: shared/linux-ref/run-bin.sh, whose initramfs has only
 * /init and the files of EXTRA at its root. There `l_vfork DIR` first
 * copies DIR's true, false and sh (static glibc stand-ins) into /bin,
 * where Dakota's initramfs has its own and system() looks for sh. */
#define _GNU_SOURCE
#include "ltap.h"
#include "refbin.h"
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *true_path = "/bin/true", *false_path = "/bin/false";

static int wait_status(pid_t pid)
{
	int status = -1;
	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int spawn(const char *path, pid_t *pid)
{
	char *argv[] = { (char *)path, NULL };
	return posix_spawn(pid, path, NULL, NULL, argv, environ);
}

static void test_posix_spawn(void)
{
	pid_t pid = -1;
	CHECK_EQ(spawn("/no/such/file", &pid), ENOENT, "posix_spawn of a missing file: ENOENT");
	errno = 0;
	check(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "posix_spawn reaped its failed child itself");
	CHECK_EQ(spawn(true_path, &pid), 0, "posix_spawn of true: 0");
	CHECK_EQ(wait_status(pid), 0, "waitpid gives true's status 0");
	CHECK_EQ(spawn(false_path, &pid), 0, "posix_spawn of false: 0");
	CHECK_EQ(wait_status(pid), 1 << 8, "waitpid gives false's status 1");
}

/* A vfork child may only write memory and call _exit or exec: what it
 * reports goes through these, which are the parent's own. */
static volatile int child_wrote;
static volatile pid_t child_pid;
static volatile int child_errno;

static void test_vfork_shares(void)
{
	child_wrote = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		child_pid = getpid();
		/* The parent is suspended: a long sleep changes nothing. */
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		child_wrote = 42;
		_exit(3);
	}
	CHECK_EQ(child_wrote, 42, "the parent sees what its vfork child wrote before _exit");
	CHECK_EQ(child_pid, pid, "the child wrote its own pid, the one vfork returned");
	CHECK_EQ(wait_status(pid), 3 << 8, "the vfork child's _exit status");
}

static void test_vfork_exec(void)
{
	child_wrote = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		child_wrote = 1;
		char *argv[] = { false_path, NULL };
		execve(false_path, argv, environ);
		_exit(127);
	}
	CHECK_EQ(child_wrote, 1, "vfork+execve: the write before execve is the parent's");
	CHECK_EQ(wait_status(pid), 1 << 8, "vfork+execve of false: status 1");

	child_errno = 0;
	pid = vfork();
	if (pid == 0) {
		char *argv[] = { "/no/such/file", NULL };
		execve("/no/such/file", argv, environ);
		child_errno = errno;    /* still the parent's memory */
		_exit(127);
	}
	CHECK_EQ(child_errno, ENOENT, "a failed execve leaves the child sharing: errno reaches the parent");
	CHECK_EQ(wait_status(pid), 127 << 8, "and the child's _exit(127) status");
}

/* An address no program maps (below Linux's mmap_min_addr). */
static volatile int *volatile nowhere = (volatile int *)8;

static void test_vfork_child_dies(void)
{
	child_wrote = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		child_wrote = 5;
		kill(getpid(), SIGKILL);
		_exit(1);               /* never */
	}
	CHECK_EQ(child_wrote, 5, "a vfork child killed before exec: the parent goes on");
	CHECK_EQ(wait_status(pid), SIGKILL, "its status is SIGKILL");

	pid = vfork();
	if (pid == 0) {
		*nowhere = 1;
		_exit(1);               /* never */
	}
	CHECK_EQ(wait_status(pid), SIGSEGV, "a vfork child that faults dies of SIGSEGV, the parent goes on");
}

/* A fork child holds the parent's pages copy-on-write; a vfork child's
 * write to one breaks it for the space the two share: the parent sees the
 * new value, the fork child keeps the old. */
static volatile int cow_var;

static void test_vfork_cow(void)
{
	int block[2];
	if (pipe(block))
		BAIL("pipe");
	cow_var = 1;
	pid_t holder = fork();
	if (holder == 0) {
		char c;
		read(block[0], &c, 1);
		_exit(cow_var);
	}
	pid_t pid = vfork();
	if (pid == 0) {
		cow_var = 2;
		_exit(0);
	}
	CHECK_EQ(cow_var, 2, "a vfork child's write to a copy-on-write page is the parent's");
	CHECK_EQ(wait_status(pid), 0, "that vfork child's status");
	write(block[1], "g", 1);
	CHECK_EQ(wait_status(holder), 1 << 8, "the fork child holding the page kept the old value");
	close(block[0]);
	close(block[1]);
}

/* The vfork parent's process ends (another thread's exit_group) or is
 * replaced (another thread's execve) while its vfork child still runs in
 * its memory: the memory stays the child's, which reads what the parent
 * wrote and reports it through a pipe. */
static int ready_pipe[2], go_pipe[2], out_pipe[2];
static volatile int parent_value;
static int ending_by_exec;

static void *end_the_parent(void *arg)
{
	(void)arg;
	char c;
	if (read(ready_pipe[0], &c, 1) != 1)
		_exit(20);
	if (ending_by_exec) {
		char *argv[] = { true_path, NULL };
		execve(true_path, argv, environ);
		_exit(21);
	}
	_exit(9);
}

static void vfork_middle(void)
{
	parent_value = 77;
	pthread_t t;
	if (pthread_create(&t, NULL, end_the_parent, NULL))
		_exit(22);
	if (vfork() == 0) {
		char c;
		write(ready_pipe[1], "r", 1);
		if (read(go_pipe[0], &c, 1) == 1) {
			int v = parent_value;
			write(out_pipe[1], &v, sizeof v);
		}
		_exit(0);
	}
	_exit(23);                      /* never: killed while suspended */
}

static void test_parent_ends_first(int by_exec)
{
	const char *how = by_exec ? "execve" : "exit_group";
	if (pipe(ready_pipe) || pipe(go_pipe) || pipe(out_pipe))
		BAIL("pipe");
	ending_by_exec = by_exec;
	pid_t mid = fork();
	if (mid == 0)
		vfork_middle();
	close(ready_pipe[0]);
	close(ready_pipe[1]);
	close(go_pipe[0]);
	close(out_pipe[1]);
	CHECK_EQ(wait_status(mid), by_exec ? 0 : 9 << 8,
		 "another thread's %s ends the vfork parent's image while its child runs", how);
	write(go_pipe[1], "g", 1);
	int v = 0;
	CHECK_EQ(read(out_pipe[0], &v, sizeof v), (long)sizeof v,
		 "after the parent's %s its vfork child runs on", how);
	CHECK_EQ(v, 77, "and still reads the parent's memory");
	char c;
	CHECK_EQ(read(out_pipe[0], &c, 1), 0, "then ends");
	close(go_pipe[1]);
	close(out_pipe[0]);
}

#define SPAWNS 200

static void test_many(void)
{
	int ok = 0, enoent = 0;
	for (int i = 0; i < SPAWNS; i++) {
		pid_t pid = -1;
		if (i % 4 == 3) {
			enoent += spawn("/no/such/file", &pid) == ENOENT;
			continue;
		}
		ok += spawn(true_path, &pid) == 0 && wait_status(pid) == 0;
	}
	CHECK_EQ(ok, SPAWNS / 4 * 3, "%d posix_spawn+waitpid of true", SPAWNS / 4 * 3);
	CHECK_EQ(enoent, SPAWNS / 4, "%d posix_spawn of a missing file, each ENOENT", SPAWNS / 4);
}

static void test_system(void)
{
	int st = system("exit 3");
	check(WIFEXITED(st) && WEXITSTATUS(st) == 3, "system(\"exit 3\") gives status 3");
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 3))
		note("status %#x", st);
}

int main(int argc, char **argv)
{
	ltap_start();
	if (argc > 1) {
		mkdir("/bin", 0755);
		refbin_install(argv[1], "true");
		refbin_install(argv[1], "false");
		refbin_install(argv[1], "sh");
	}
	test_posix_spawn();
	test_vfork_shares();
	test_vfork_exec();
	test_vfork_child_dies();
	test_vfork_cow();
	test_parent_ends_first(0);
	test_parent_ends_first(1);
	test_many();
	test_system();
	return ltap_done();
}
