/* test_http_loop.c - src/http/loop: worker threads sharing libmicrohttpd
 * daemons run in epoll loops of our own.  Every request is answered at
 * once when exactly a multiple of 128 connections are ready together
 * (where libmicrohttpd's own epoll thread sleeps until its idle timeout), a
 * connection resumed from another thread is answered at once, a thread
 * held up in a handler holds up only the daemon it is running (the other
 * threads answer the rest), and stopping closes every connection, handed
 * over or still queued.  Connections are socketpairs; the daemons' idle
 * timeout is a minute, so a stall shows as a missing answer within the
 * tests' few seconds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/conns.h"
#include "http/loop.h"

#define MAXC 520
#define WAIT_MS 5000	/* far below the idle timeout */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool blocked, released;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct resume {
	struct MHD_Connection *c;
	struct loop *loop;
};

static void *resume_later(void *arg)
{
	struct resume *rs = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	MHD_resume_connection(rs->c);
	loop_wake(rs->loop);
	free(rs);
	return NULL;
}

/* GET /block waits for the test's word; GET /suspend is suspended and
 * resumed 50 ms later from another thread; anything else: 200 "ok". */
static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **state)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
	if (!*state) {
		*state = (void *)1;	/* the head: answer on the next call */
		return MHD_YES;
	}
	if (strcmp(url, "/block") == 0) {
		pthread_mutex_lock(&mu);
		blocked = true;
		pthread_cond_broadcast(&cv);
		while (!released)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
	}
	if (strcmp(url, "/suspend") == 0 && *state == (void *)1) {
		struct resume *rs = malloc(sizeof(*rs));
		pthread_t t;

		*state = (void *)2;
		rs->c = c;
		rs->loop = loop_current();
		assert_non_null(rs->loop);
		MHD_suspend_connection(c);
		assert_int_equal(pthread_create(&t, NULL, resume_later, rs), 0);
		pthread_detach(t);
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static struct MHD_Daemon *daemon_new(void *arg)
{
	(void)arg;
	return MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_NO_LISTEN_SOCKET |
				MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, handler, NULL,
				MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)(2 * MAXC),
				MHD_OPTION_END);
}

static struct conns *cs;
static struct loops *ls;
static int client[MAXC];
static int nclient;

static void start(unsigned threads, unsigned shards)
{
	struct conns_limits lim = { .max = MAXC, .head_us = 60000000u, .body_us = 60000000u,
				    .body_rate = 1000, .max_body = 1024 };
	struct err e;

	blocked = released = false;
	cs = conns_new(&lim);
	assert_int_equal(loops_start(&ls, threads, shards, daemon_new, NULL, cs, &e), 0);
	nclient = 0;
}

static void stop(void)
{
	int i;

	loops_stop(ls);
	for (i = 0; i < nclient; i++)
		close(client[i]);
	conns_free(cs);
}

/* A new connection handed to the loops; its client end's index. */
static int connect_one(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct conn *slot;
	int sv[2];

	assert_true(nclient < MAXC);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	slot = conns_admit(cs, sv[0], "127.0.0.1", 0);
	assert_non_null(slot);
	loops_add(ls, sv[0], (const struct sockaddr *)&a, sizeof(a), slot);
	client[nclient] = sv[1];
	return nclient++;
}

static void send_get(int i, const char *path)
{
	char req[128];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", path);

	assert_int_equal(write(client[i], req, (size_t)n), n);
}

/* Read one answer on each of clients [from, to) within wait_ms; the
 * number that came (those clients marked in came[], when given). */
static int answers_in(int from, int to, uint64_t wait_ms, bool *came)
{
	static char got[MAXC][512];
	static size_t len[MAXC];
	uint64_t end = now_ms() + wait_ms;
	int i, done = 0;

	for (i = from; i < to; i++)
		len[i] = 0;
	while (done < to - from && now_ms() < end) {
		struct pollfd pf[MAXC];
		int n = 0;

		for (i = from; i < to; i++) {
			pf[n].fd = client[i];
			pf[n].events = len[i] == SIZE_MAX ? 0 : POLLIN;
			n++;
		}
		if (poll(pf, (nfds_t)n, 100) <= 0)
			continue;
		for (i = from; i < to; i++) {
			struct pollfd *p = &pf[i - from];
			ssize_t r;

			if (!(p->revents & POLLIN) || len[i] == SIZE_MAX)
				continue;
			r = read(client[i], got[i] + len[i], sizeof(got[i]) - 1 - len[i]);
			assert_true(r > 0);
			len[i] += (size_t)r;
			got[i][len[i]] = '\0';
			if (strstr(got[i], "\r\n\r\nok")) {
				assert_non_null(strstr(got[i], "HTTP/1.1 200"));
				len[i] = SIZE_MAX;
				if (came)
					came[i] = true;
				done++;
			}
		}
	}
	return done;
}

static int answers(int from, int to)
{
	return answers_in(from, to, WAIT_MS, NULL);
}

static void block_one(int b)
{
	send_get(b, "/block");
	pthread_mutex_lock(&mu);
	while (!blocked)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void release(void)
{
	pthread_mutex_lock(&mu);
	released = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/*
 * k idle keep-alive connections, one more busy in a handler; k requests
 * written meanwhile, so they are all ready when the handler returns.
 */
static void ready_at_once(int k)
{
	int i, b;

	start(1, 1);
	for (i = 0; i < k; i++)
		send_get(connect_one(), "/warm");
	assert_int_equal(answers(0, k), k);
	b = connect_one();
	block_one(b);
	for (i = 0; i < k; i++)
		send_get(i, "/again");
	release();
	assert_int_equal(answers(b, b + 1), 1);
	assert_int_equal(answers(0, k), k);
	stop();
}

/* libmicrohttpd reads epoll events 128 at a time: one ready connection
 * more or less than a batch, and exact batches (the handler's own
 * connection may or may not add an event). */
static void multiple_of_128_ready_answered(void **state)
{
	static const int counts[] = { 127, 128, 129, 255, 256, 384 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		ready_at_once(counts[i]);
}

static void resumed_answered_at_once(void **state)
{
	uint64_t t0;
	int i;

	(void)state;
	start(2, 8);
	i = connect_one();
	t0 = now_ms();
	send_get(i, "/suspend");
	assert_int_equal(answers(i, i + 1), 1);
	/* the resume comes after 50 ms; without a wake-up the answer would
	 * wait for the idle timeout or another event */
	assert_true(now_ms() - t0 < 2000);
	stop();
}

/*
 * Two threads, eight daemons, 64 connections (eight a daemon): with one
 * thread held in a handler, the other answers every connection but those
 * of the daemon the held one is running, at once; then the rest.  With a
 * daemon a thread, half of them would wait.
 */
static void held_thread_holds_one_daemon(void **state)
{
	bool came[MAXC] = { false };
	int i, b, n;

	(void)state;
	start(2, 8);
	for (i = 0; i < 64; i++)
		send_get(connect_one(), "/warm");
	assert_int_equal(answers(0, 64), 64);
	b = connect_one();	/* the first daemon's ninth */
	block_one(b);
	for (i = 0; i < 64; i++)
		send_get(i, "/again");
	n = answers_in(0, 64, 1500, came);
	assert_int_equal(n, 64 - 8);
	release();
	assert_int_equal(answers(b, b + 1), 1);
	for (i = 0; i < 64; i++)
		if (!came[i])
			assert_int_equal(answers(i, i + 1), 1);
	stop();
}

/* Connections spread over three threads are all answered, then stopping
 * closes every one, added or still queued. */
static void spread_and_stop(void **state)
{
	char c;
	int i;

	(void)state;
	start(3, 12);
	for (i = 0; i < 30; i++)
		send_get(connect_one(), "/x");
	assert_int_equal(answers(0, 30), 30);
	for (i = 0; i < 30; i++)
		connect_one();
	loops_stop(ls);
	for (i = 0; i < nclient; i++) {
		struct pollfd pf = { .fd = client[i], .events = POLLIN };

		assert_int_equal(poll(&pf, 1, WAIT_MS), 1);
		assert_int_equal(read(client[i], &c, 1), 0);
		close(client[i]);
	}
	conns_free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(multiple_of_128_ready_answered),
		cmocka_unit_test(resumed_answered_at_once),
		cmocka_unit_test(held_thread_holds_one_daemon),
		cmocka_unit_test(spread_and_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
