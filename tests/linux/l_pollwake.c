/* poll and select wake when a watched fd becomes ready, not at a timeout:
 * a parent and a child play ping-pong over two pipes 300 times, each
 * waiting in poll (or select) with no timeout before every read; a poller
 * with no timeout sees POLLHUP when the other end's last writer exits; two
 * threads of one process do the same with select. */
#define _GNU_SOURCE
#include "ltap.h"
#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 300

static int wait_readable_poll(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, -1) == 1 && (p.revents & POLLIN);
}

static int wait_readable_select(int fd)
{
	fd_set set;
	FD_ZERO(&set);
	FD_SET(fd, &set);
	return select(fd + 1, &set, NULL, NULL, NULL) == 1 && FD_ISSET(fd, &set);
}

/* Echoes ROUNDS bytes from in to out, waiting with `wait` before each read;
 * the count of bytes that came back as sent. */
static int echo(int in, int out, int (*wait)(int))
{
	int ok = 0;
	for (int i = 0; i < ROUNDS; i++) {
		char c;
		if (!wait(in) || read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			break;
		ok++;
	}
	return ok;
}

static int ping(int out, int in, int (*wait)(int))
{
	int ok = 0;
	for (int i = 0; i < ROUNDS; i++) {
		char c = (char)i, back = 0;
		if (write(out, &c, 1) != 1 || !wait(in) || read(in, &back, 1) != 1)
			break;
		ok += back == c;
	}
	return ok;
}

static void processes(void)
{
	int down[2], up[2];
	if (pipe(down) || pipe(up))
		BAIL("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		_exit(echo(down[0], up[1], wait_readable_poll) == ROUNDS ? 0 : 1);
	}
	close(down[0]);
	close(up[1]);
	CHECK_EQ(ping(down[1], up[0], wait_readable_poll), ROUNDS,
		 "300 round trips between processes, each side waiting in poll");
	int status;
	waitpid(pid, &status, 0);
	CHECK_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0, "... the child saw all 300");
	struct pollfd p = { up[0], POLLIN, 0 };
	CHECK_EQ(poll(&p, 1, -1), 1, "poll with no timeout returns once the writer is gone");
	CHECK_EQ(p.revents, POLLHUP, "... with POLLHUP");
	close(down[1]);
	close(up[0]);
}

static int thread_down[2], thread_up[2];

static void *echo_thread(void *arg)
{
	(void)arg;
	return (void *)(long)echo(thread_down[0], thread_up[1], wait_readable_select);
}

static void threads(void)
{
	if (pipe(thread_down) || pipe(thread_up))
		BAIL("pipe: %s", strerror(errno));
	pthread_t t;
	pthread_create(&t, NULL, echo_thread, NULL);
	CHECK_EQ(ping(thread_down[1], thread_up[0], wait_readable_select), ROUNDS,
		 "300 round trips between threads, each side waiting in select");
	void *r;
	pthread_join(t, &r);
	CHECK_EQ((long)r, ROUNDS, "... the thread saw all 300");
	for (int i = 0; i < 2; i++) {
		close(thread_down[i]);
		close(thread_up[i]);
	}
}

int main(void)
{
	ltap_start();
	processes();
	threads();
	return ltap_done();
}
