/* test_http_conns.c - src/http/conns: the per-address limit, the deadlines
 * of a request's head and body, and the room kept for prompt clients.
 * Connections are socketpairs: "closed" means the server side was shut
 * down, which the client side reads as end of file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/caps.h"
#include "http/conns.h"

#define S 1000000ull	/* a second in microseconds */
#define NMAX 16

struct pair {
	int server, client;
};

static struct pair pairs[NMAX * 2];
static int npairs;

static int new_fd(void)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pairs[npairs].server = sv[0];
	pairs[npairs].client = sv[1];
	npairs++;
	return sv[0];
}

/* Whether the server side of fd was shut down (the client reads EOF). */
static bool was_closed(int fd)
{
	char c;
	int i;

	for (i = 0; i < npairs; i++)
		if (pairs[i].server == fd)
			return recv(pairs[i].client, &c, 1, MSG_DONTWAIT) == 0;
	fail();
	return false;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < npairs; i++) {
		close(pairs[i].server);
		close(pairs[i].client);
	}
	npairs = 0;
	return 0;
}

static struct conns *table(size_t max, unsigned per_key, unsigned reserve)
{
	struct conns_limits lim = {
		.max = max, .per_key = per_key, .reserve = reserve,
		.head_us = 10 * S, .body_us = 10 * S, .body_rate = 1024, .max_body = 65536,
	};

	return conns_new(&lim);
}

static void test_per_key_limit(void **state)
{
	struct conns *cs = table(NMAX, 2, 0);
	struct conn *a, *b;

	(void)state;
	a = conns_admit(cs, new_fd(), "192.0.2.1", 0);
	b = conns_admit(cs, new_fd(), "192.0.2.1", 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(conns_admit(cs, new_fd(), "192.0.2.1", 0));
	assert_non_null(conns_admit(cs, new_fd(), "2001:db8::/64", 0));
	conns_closed(cs, a);
	assert_non_null(conns_admit(cs, new_fd(), "192.0.2.1", 0));
	conns_free(cs);
}

static void test_head_deadline(void **state)
{
	struct conns *cs = table(NMAX, 0, 0);
	int slow = new_fd(), prompt = new_fd();
	struct conn *p;

	(void)state;
	assert_non_null(conns_admit(cs, slow, "a", 0));
	p = conns_admit(cs, prompt, "b", 0);
	conns_head_done(cs, p, 0, 1 * S);	/* a GET: now the server's turn */
	assert_int_equal(conns_sweep(cs, 9 * S), 0);
	assert_int_equal(conns_sweep(cs, 10 * S), 1);
	assert_true(was_closed(slow));
	assert_false(was_closed(prompt));
	/* Answered: the next head has its own 10 s. */
	conns_request_done(cs, p, 20 * S);
	assert_int_equal(conns_sweep(cs, 29 * S), 0);
	assert_int_equal(conns_sweep(cs, 30 * S), 1);
	assert_true(was_closed(prompt));
	conns_free(cs);
}

static void test_body_deadline_grows_with_size(void **state)
{
	struct conns *cs = table(NMAX, 0, 0);
	int small = new_fd(), big = new_fd(), chunked = new_fd();
	struct conn *a = conns_admit(cs, small, "a", 0);
	struct conn *b = conns_admit(cs, big, "b", 0);
	struct conn *c = conns_admit(cs, chunked, "c", 0);

	(void)state;
	conns_head_done(cs, a, 100, 0);		/* 10 s + 100/1024 s */
	conns_head_done(cs, b, 20480, 0);	/* 10 s + 20 s */
	conns_head_done(cs, c, -1, 0);		/* 10 s + 64 s (max_body) */
	assert_int_equal(conns_sweep(cs, 10 * S + 200000), 1);
	assert_true(was_closed(small));
	assert_int_equal(conns_sweep(cs, 29 * S), 0);
	assert_int_equal(conns_sweep(cs, 30 * S), 1);
	assert_true(was_closed(big));
	conns_body_done(cs, c);			/* read in time: no deadline */
	assert_int_equal(conns_sweep(cs, 100 * S), 0);
	assert_false(was_closed(chunked));
	conns_free(cs);
}

/* With 8 slots and 2 kept free: the 7th connection closes the head that has
 * waited longest (past the grace), never a busy one or a young one. */
static void test_room_for_newcomers(void **state)
{
	struct conns *cs = table(8, 0, 2);
	int fds[8], i;
	struct conn *busy;
	uint64_t t = 0;

	(void)state;
	for (i = 0; i < 6; i++) {
		fds[i] = new_fd();
		assert_non_null(conns_admit(cs, fds[i], i == 0 ? "busy" : "slow", t));
		t += 100000;
	}
	busy = conns_find(cs, fds[0]);
	assert_non_null(busy);
	conns_head_done(cs, busy, 0, t);
	/* Young heads are spared: nobody is closed yet. */
	fds[6] = new_fd();
	assert_non_null(conns_admit(cs, fds[6], "prompt", t));
	for (i = 0; i < 7; i++)
		assert_false(was_closed(fds[i]));
	/* Past the grace the sweeper makes room: the oldest waiting head. */
	t += CAP_HTTP_EVICT_GRACE_MS * 1000ull;
	assert_int_equal(conns_sweep(cs, t), 1);
	assert_true(was_closed(fds[1]));
	assert_false(was_closed(fds[0]));
	conns_free(cs);
}

/* Under pressure an address with CAP_HTTP_BUSY_HEADS heads waiting gets no
 * more, while another address still gets in. */
static void test_busy_address_refused_under_pressure(void **state)
{
	struct conns *cs = table(NMAX, 0, NMAX - CAP_HTTP_BUSY_HEADS);
	int i;

	(void)state;
	for (i = 0; i < CAP_HTTP_BUSY_HEADS; i++)
		assert_non_null(conns_admit(cs, new_fd(), "slow", 0));
	assert_null(conns_admit(cs, new_fd(), "slow", 0));
	assert_non_null(conns_admit(cs, new_fd(), "prompt", 0));
	conns_free(cs);
}

/* Full: a newcomer is admitted and the longest-waiting head makes way,
 * however young. */
static void test_full_table_makes_way(void **state)
{
	struct conns *cs = table(4, 0, 0);
	int fds[5], i;

	(void)state;
	for (i = 0; i < 4; i++) {
		fds[i] = new_fd();
		assert_non_null(conns_admit(cs, fds[i], "k", (uint64_t)i));
	}
	fds[4] = new_fd();
	assert_non_null(conns_admit(cs, fds[4], "new", 10));
	assert_true(was_closed(fds[0]));
	for (i = 1; i < 5; i++)
		assert_false(was_closed(fds[i]));
	conns_free(cs);
}

/* Thousands from one address (a load tester, a proxy): every one admitted
 * up to the per-address limit, each found again by its descriptor, and the
 * counts right after half of them closed.  Descriptors past any real one
 * stand in for sockets (shutdown(2) on them fails harmlessly). */
static void test_thousands_from_one_address(void **state)
{
	enum { N = 5000, FD0 = 1 << 20 };
	struct conns *cs = table(N + 1000, N, 0);
	static struct conn *slot[N];
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		slot[i] = conns_admit(cs, FD0 + i, "127.0.0.1", 0);
		assert_non_null(slot[i]);
	}
	assert_null(conns_admit(cs, FD0 + N, "127.0.0.1", 0));
	assert_non_null(conns_admit(cs, FD0 + N + 1, "192.0.2.9", 0));
	for (i = 0; i < N; i++)
		assert_ptr_equal(conns_find(cs, FD0 + i), slot[i]);
	for (i = 0; i < N; i += 2)
		conns_closed(cs, slot[i]);
	for (i = 0; i < N; i += 2)
		assert_null(conns_find(cs, FD0 + i));
	for (i = 1; i < N; i += 2)
		assert_ptr_equal(conns_find(cs, FD0 + i), slot[i]);
	for (i = 0; i < N; i += 2)
		assert_non_null(conns_admit(cs, FD0 + 2 * N + i, "127.0.0.1", 1));
	assert_null(conns_admit(cs, FD0 + 3 * N, "127.0.0.1", 1));
	/* every head is past its deadline at 11 s but the one busy connection */
	conns_head_done(cs, slot[1], 0, 1);
	assert_int_equal(conns_sweep(cs, 11 * S), N - 1 + 1);
	conns_free(cs);
}

/* The oldest head is the one waiting longest now: a connection that sent a
 * request and got its answer waits afresh, behind the others. */
static void test_oldest_head_after_answer(void **state)
{
	struct conns *cs = table(3, 0, 0);
	int a = new_fd(), b = new_fd(), c = new_fd(), d = new_fd();
	struct conn *ca;

	(void)state;
	ca = conns_admit(cs, a, "k", 0);
	assert_non_null(conns_admit(cs, b, "k", 1));
	assert_non_null(conns_admit(cs, c, "k", 2));
	conns_head_done(cs, ca, 0, 3);
	conns_request_done(cs, ca, 4);
	assert_non_null(conns_admit(cs, d, "k", 5));
	assert_true(was_closed(b));
	assert_false(was_closed(a));
	assert_false(was_closed(c));
	conns_free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_per_key_limit, teardown),
		cmocka_unit_test_teardown(test_head_deadline, teardown),
		cmocka_unit_test_teardown(test_body_deadline_grows_with_size, teardown),
		cmocka_unit_test_teardown(test_room_for_newcomers, teardown),
		cmocka_unit_test_teardown(test_busy_address_refused_under_pressure, teardown),
		cmocka_unit_test_teardown(test_full_table_makes_way, teardown),
		cmocka_unit_test_teardown(test_thousands_from_one_address, teardown),
		cmocka_unit_test_teardown(test_oldest_head_after_answer, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
