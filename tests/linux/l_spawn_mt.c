/* posix_spawn and vfork from a multithreaded parent: the vfork child is one
 * more user of the parent's memory while the parent's other threads go on.
 * Two threads write memory without pause, one maps, protects and unmaps
 * pages, one forks (copying the space the vfork children run in), and two
 * spawn at once (each suspended while its own child runs in
 * the shared memory): posix_spawn of true and of a missing file (ENOENT,
 * written by the child into the spawner's memory), and vfork children that
 * write the spawner's variables. The writers' and the mapper's work is
 * checked too, and linuxrun checks that nothing leaked.
 *
 * qemu-riscv64 turns vfork into fork: the expected output is Linux 6.12's
 * (shared/linux-ref/run-bin.sh, with /bin as for l_vfork). */
#define _GNU_SOURCE
#include "ltap.h"
#include "refbin.h"
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ROUNDS 20
#define WORDS 4096

static volatile int stop;

struct writer {
	pthread_t t;
	unsigned long words[WORDS];
	long passes;
	int torn;               /* a word that did not hold what was written */
};

static void *write_memory(void *arg)
{
	struct writer *w = arg;
	for (unsigned long v = 1; !stop; v++, w->passes++)
		for (int i = 0; i < WORDS; i++) {
			w->words[i] = v;
			if (w->words[i] != v)
				w->torn = 1;
		}
	return NULL;
}

static long map_rounds, map_errors;

/* A pause between rounds. Back to back, the rounds keep the address-space
 * lock taken nearly all the time (each mprotect and munmap holds it across
 * a synchronous remote TLB fence), and on Dakota a hart waiting for it can
 * then starve for seconds (the watchdog fires): its spinlock is not fair,
 * and a waiter napping in wfi is woken by those very fences, while the
 * lock is held. That is a spinlock matter, not this test's. */
static void *map_unmap(void *arg)
{
	(void)arg;
	while (!stop) {
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
		char *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			map_errors++;
			continue;
		}
		for (int i = 0; i < 16; i++)
			p[i * 4096] = (char)i;
		map_errors += mprotect(p, 8 * 4096, PROT_READ) != 0;
		map_errors += p[5 * 4096] != 5;
		map_errors += munmap(p, 16 * 4096) != 0;
		map_rounds++;
	}
	return NULL;
}

static long fork_rounds, fork_errors;
static volatile int fork_var;

/* fork copies the very space the spawners' vfork children run in. A few
 * times only: each fork makes the writers' next writes copy pages. */
#define FORKS 10

static void *fork_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < FORKS && !stop; i++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		fork_var = 5;
		pid_t pid = fork();
		if (pid == 0) {
			fork_var = 6;   /* its own copy */
			_exit(fork_var);
		}
		int status = -1;
		fork_errors += pid < 0 || waitpid(pid, &status, 0) != pid || status != 6 << 8 ||
			       fork_var != 5;
		fork_rounds++;
	}
	return NULL;
}

static int wait_status(pid_t pid)
{
	int status = -1;
	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

struct spawner {
	pthread_t t;
	int ok_true, ok_missing, ok_vfork;
	volatile int seen;      /* written by this spawner's vfork children */
};

static void *spawn_many(void *arg)
{
	struct spawner *s = arg;
	char *argv[] = { "/bin/true", NULL };
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = -1;
		s->ok_true += posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0 &&
			      wait_status(pid) == 0;
		s->ok_missing += posix_spawn(&pid, "/no/such/file", NULL, NULL, argv,
					     environ) == ENOENT;
		s->seen = 0;
		pid = vfork();
		if (pid == 0) {
			s->seen = i + 1;
			_exit(i & 0x7f);
		}
		s->ok_vfork += s->seen == i + 1 && wait_status(pid) == (i & 0x7f) << 8;
	}
	return NULL;
}

static struct writer writers[2];
static struct spawner spawners[2];

int main(int argc, char **argv)
{
	ltap_start();
	if (argc > 1) {         /* the Linux reference machine (l_vfork.c) */
		mkdir("/bin", 0755);
		refbin_install(argv[1], "true");
	}
	pthread_t mapper, forker;
	for (int i = 0; i < 2; i++)
		pthread_create(&writers[i].t, NULL, write_memory, &writers[i]);
	pthread_create(&mapper, NULL, map_unmap, NULL);
	pthread_create(&forker, NULL, fork_many, NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&spawners[i].t, NULL, spawn_many, &spawners[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(spawners[i].t, NULL);
	stop = 1;
	pthread_join(mapper, NULL);
	pthread_join(forker, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(writers[i].t, NULL);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(spawners[i].ok_true, ROUNDS,
			 "spawner %d: %d posix_spawn+waitpid of true", i, ROUNDS);
		CHECK_EQ(spawners[i].ok_missing, ROUNDS,
			 "spawner %d: %d posix_spawn of a missing file, ENOENT", i, ROUNDS);
		CHECK_EQ(spawners[i].ok_vfork, ROUNDS,
			 "spawner %d: %d vfork children wrote its memory and exited", i, ROUNDS);
	}
	for (int i = 0; i < 2; i++) {
		check(writers[i].passes > 0, "writer %d ran meanwhile", i);
		CHECK_EQ(writers[i].torn, 0, "writer %d always read back what it wrote", i);
	}
	check(map_rounds > 0, "the mapper ran meanwhile");
	CHECK_EQ(map_errors, 0, "every mmap, mprotect and munmap of the mapper worked");
	check(fork_rounds > 0, "the forker ran meanwhile");
	CHECK_EQ(fork_errors, 0, "every fork child had its own copy and its status");
	return ltap_done();
}
