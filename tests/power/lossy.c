/*
 * lossy.c - an LD_PRELOAD shim that simulates a power cut for one SQLite
 * database (tests/http/test_power_loss.sh; the model and its limits are in
 * docs/durability.md, "The power-loss test").
 *
 *	LOSSY_DB=/abs/path/hamgan.db LD_PRELOAD=.../liblossy.so hamgan serve ...
 *	kill -USR1 $pid          # the power goes: unsynced writes are undone
 *
 * The files it watches are LOSSY_DB and LOSSY_DB-wal and LOSSY_DB-journal,
 * matched by the path given to open(); -shm is not watched (it is a
 * memory map SQLite rebuilds from the WAL after a crash, never durable).
 *
 * Model: the real file always holds what the page cache would hold, so reads
 * (pread, mmap) need no help.  Every write, pwrite and ftruncate to a watched
 * file first saves the bytes it is about to overwrite or cut off, in an undo
 * list kept per inode (a file's dirty pages belong to the inode, whichever
 * descriptor wrote them).  fsync or fdatasync on any descriptor of the inode
 * makes everything written so far durable: the undo list is forgotten and the
 * size is noted.  SIGUSR1 arms the cut: it comes just after one of the next 1
 * to 8 watched writes (so something is surely unsynced; at the latest a second
 * later).  LOSSY_CUT_MS cuts that many milliseconds after start instead (a
 * random moment in 1..LOSSY_CUT_MS when LOSSY_CUT_RANDOM is set).  The cut
 * holds the lock, so no watched write is half done; it writes the saved bytes back newest
 * first, truncates each file to its size at its last sync, appends to
 * LOSSY_LOG (when set) a line for each file watched and one for the cut, and
 * kills the process with SIGKILL: on the disk is exactly what was synced.
 *
 * Every watched operation runs under one lock, with the real call inside, so
 * the order of writes and syncs is the order the shim saw.  The shim keeps a
 * duplicate descriptor of every watched inode open for the restore (and never
 * closes it: closing any descriptor of a file drops the process's POSIX locks
 * on it, which SQLite's locking relies on).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 65536
#define MAX_INODES 32

struct undo {
	off_t off;
	size_t len;
	char *data;
};

struct inode {
	dev_t dev;
	ino_t ino;
	int fd;			/* our own duplicate, never closed */
	off_t synced_size;
	struct undo *u;
	size_t n, cap;
	char path[512];
};

static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
static struct inode inodes[MAX_INODES];
static int n_inodes;
static signed char fd_slot[MAX_FD];	/* inode index + 1, 0 when not watched */
static char db_path[512];
static int armed;		/* > 0: cut after that many more watched writes */
static unsigned seed;
static size_t db_len;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_close)(int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

static volatile int resolved;

#define RESOLVE(name) (real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name))
#define REAL(name) (resolved ? (void)0 : resolve(), real_##name)

/* The next definitions (libc's); called before any use, racing is benign. */
static void resolve(void)
{
	RESOLVE(open);
	RESOLVE(open64);
	RESOLVE(openat);
	RESOLVE(openat64);
	RESOLVE(close);
	RESOLVE(write);
	RESOLVE(pwrite);
	RESOLVE(ftruncate);
	RESOLVE(fsync);
	RESOLVE(fdatasync);
	resolved = 1;
}

static void die(const char *what)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "lossy: %s: %s\n", what, strerror(errno));

	if (n > 0)
		(void)!REAL(write)(2, line, (size_t)n);
	abort();
}

/* Is path one of the database's durable files? */
static int watched_path(const char *path)
{
	if (!db_len || !path || strncmp(path, db_path, db_len) != 0)
		return 0;
	path += db_len;
	return !*path || !strcmp(path, "-wal") || !strcmp(path, "-journal");
}

/* After a successful open of a watched path: find or add its inode. */
static void watch_fd(int fd, const char *path)
{
	struct stat sb;
	int i;

	if (fd < 0)
		return;
	if (fd >= MAX_FD)
		die("descriptor too high to watch");
	if (fstat(fd, &sb) != 0)
		die("fstat");
	pthread_mutex_lock(&lk);
	for (i = 0; i < n_inodes; i++)
		if (inodes[i].dev == sb.st_dev && inodes[i].ino == sb.st_ino)
			break;
	if (i == n_inodes) {
		if (n_inodes == MAX_INODES)
			die("too many watched inodes");
		memset(&inodes[i], 0, sizeof(inodes[i]));
		inodes[i].dev = sb.st_dev;
		inodes[i].ino = sb.st_ino;
		inodes[i].fd = fcntl(fd, F_DUPFD_CLOEXEC, 100);
		if (inodes[i].fd < 0)
			die("dup");
		/* what is there when first opened counts as on the disk */
		inodes[i].synced_size = sb.st_size;
		snprintf(inodes[i].path, sizeof(inodes[i].path), "%s", path);
		n_inodes++;
	}
	fd_slot[fd] = (signed char)(i + 1);
	pthread_mutex_unlock(&lk);
}

static struct inode *slot_of(int fd)
{
	return fd >= 0 && fd < MAX_FD && fd_slot[fd] ? &inodes[fd_slot[fd] - 1] : NULL;
}

/* Save bytes [off, off+len) of the inode as they are now (clipped to EOF). */
static void save(struct inode *in, off_t off, size_t len)
{
	struct stat sb;
	struct undo *u;
	ssize_t got;

	if (fstat(in->fd, &sb) != 0)
		die("fstat");
	if (off >= sb.st_size || len == 0)
		return;
	if ((off_t)len > sb.st_size - off)
		len = (size_t)(sb.st_size - off);
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->u = realloc(in->u, in->cap * sizeof(*in->u));
		if (!in->u)
			die("realloc");
	}
	u = &in->u[in->n];
	u->data = malloc(len);
	if (!u->data)
		die("malloc");
	got = pread(in->fd, u->data, len, off);
	if (got < 0)
		die("pread");
	u->off = off;
	u->len = (size_t)got;
	in->n++;
}

static void synced(struct inode *in)
{
	struct stat sb;
	size_t i;

	if (fstat(in->fd, &sb) != 0)
		die("fstat");
	for (i = 0; i < in->n; i++)
		free(in->u[i].data);
	in->n = 0;
	in->synced_size = sb.st_size;
}

/* The power goes.  Called with lk held; never returns. */
static void cut(const char *why)
{
	size_t undone = 0, bytes = 0, i;
	off_t cut_off = 0;
	struct stat sb;
	char line[512];
	const char *log = getenv("LOSSY_LOG");
	int k, n;

	for (k = 0; k < n_inodes; k++) {
		struct inode *in = &inodes[k];

		if (log) {
			int fd = REAL(open)(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			fstat(in->fd, &sb);
			n = snprintf(line, sizeof(line), "  %s: size %lld, synced %lld, %zu undo\n",
				     in->path, (long long)sb.st_size, (long long)in->synced_size, in->n);
			if (fd >= 0 && n > 0) {
				(void)!REAL(write)(fd, line, (size_t)n);
				REAL(close)(fd);
			}
		}

		for (i = in->n; i-- > 0;) {
			if (REAL(pwrite)(in->fd, in->u[i].data, in->u[i].len, in->u[i].off) !=
			    (ssize_t)in->u[i].len)
				die("restore");
			undone++;
			bytes += in->u[i].len;
		}
		if (fstat(in->fd, &sb) == 0 && sb.st_size > in->synced_size)
			cut_off += sb.st_size - in->synced_size;
		if (REAL(ftruncate)(in->fd, in->synced_size) != 0)
			die("truncate");
	}
	if (log) {
		int fd = REAL(open)(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		n = snprintf(line, sizeof(line), "cut (%s): %zu unsynced writes undone (%zu bytes),"
			     " %lld bytes past the synced sizes dropped\n", why, undone, bytes,
			     (long long)cut_off);
		if (fd >= 0 && n > 0) {
			(void)!REAL(write)(fd, line, (size_t)n);
			REAL(close)(fd);
		}
	}
	kill(getpid(), SIGKILL);
	for (;;)
		pause();
}

static void *cutter(void *arg)
{
	struct timespec second = { 1, 0 };
	sigset_t set;
	long ms = (long)(intptr_t)arg;
	int sig;

	if (ms > 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		pthread_mutex_lock(&lk);
		cut("timer");
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (sigwait(&set, &sig) != 0)
		;
	/* the power goes just after one of the next few watched writes, when
	 * there is surely something not yet synced; at the latest in a second */
	pthread_mutex_lock(&lk);
	armed = 1 + (int)(rand_r(&seed) % 8);
	pthread_mutex_unlock(&lk);
	nanosleep(&second, NULL);
	pthread_mutex_lock(&lk);
	cut("SIGUSR1, no write within a second");
	return NULL;
}

__attribute__((constructor)) static void lossy_init(void)
{
	const char *db = getenv("LOSSY_DB"), *ms = getenv("LOSSY_CUT_MS");
	long cut_ms = ms ? strtol(ms, NULL, 10) : 0;
	pthread_t t;
	sigset_t set;

	if (!db || !*db || strlen(db) >= sizeof(db_path))
		return;
	snprintf(db_path, sizeof(db_path), "%s", db);
	db_len = strlen(db_path);
	seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	if (cut_ms > 0 && getenv("LOSSY_CUT_RANDOM"))
		cut_ms = 1 + (long)(rand_r(&seed) % (unsigned)cut_ms);
	/* SIGUSR1 blocked here is blocked in every thread started later; the
	 * cutter takes it with sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&t, NULL, cutter, (void *)(intptr_t)cut_ms) != 0)
		die("pthread_create");
	pthread_detach(t);
}

/* ---- the wrapped calls ---- */

static mode_t mode_arg(int flags, va_list ap)
{
	return ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = REAL(open)(path, flags, mode);
	if (fd >= 0 && fd < MAX_FD)
		fd_slot[fd] = 0;
	if (watched_path(path))
		watch_fd(fd, path);
	return fd;
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = REAL(open64)(path, flags, mode);
	if (fd >= 0 && fd < MAX_FD)
		fd_slot[fd] = 0;
	if (watched_path(path))
		watch_fd(fd, path);
	return fd;
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = REAL(openat)(dir, path, flags, mode);
	if (fd >= 0 && fd < MAX_FD)
		fd_slot[fd] = 0;
	if (watched_path(path))
		watch_fd(fd, path);
	return fd;
}

int openat64(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = REAL(openat64)(dir, path, flags, mode);
	if (fd >= 0 && fd < MAX_FD)
		fd_slot[fd] = 0;
	if (watched_path(path))
		watch_fd(fd, path);
	return fd;
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FD && fd_slot[fd]) {
		pthread_mutex_lock(&lk);
		fd_slot[fd] = 0;
		pthread_mutex_unlock(&lk);
	}
	return REAL(close)(fd);
}

static ssize_t wrapped_pwrite(int fd, const void *buf, size_t len, off_t off, int at_off)
{
	struct inode *in = slot_of(fd);
	ssize_t rc;

	if (!in)
		return at_off ? REAL(pwrite)(fd, buf, len, off) : REAL(write)(fd, buf, len);
	pthread_mutex_lock(&lk);
	if (!at_off) {
		off = lseek(fd, 0, SEEK_CUR);
		if (fcntl(fd, F_GETFL) & O_APPEND) {
			struct stat sb;

			off = fstat(fd, &sb) == 0 ? sb.st_size : off;
		}
	}
	save(in, off, len);
	rc = at_off ? REAL(pwrite)(fd, buf, len, off) : REAL(write)(fd, buf, len);
	if (armed && --armed == 0)
		cut("SIGUSR1, after a write");
	pthread_mutex_unlock(&lk);
	return rc;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return wrapped_pwrite(fd, buf, len, 0, 0);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return wrapped_pwrite(fd, buf, len, off, 1);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	return wrapped_pwrite(fd, buf, len, (off_t)off, 1);
}

static int wrapped_truncate(int fd, off_t len)
{
	struct inode *in = slot_of(fd);
	struct stat sb;
	int rc;

	if (!in)
		return REAL(ftruncate)(fd, len);
	pthread_mutex_lock(&lk);
	if (fstat(fd, &sb) == 0 && sb.st_size > len)
		save(in, len, (size_t)(sb.st_size - len));
	rc = REAL(ftruncate)(fd, len);
	if (armed && --armed == 0)
		cut("SIGUSR1, after a truncate");
	pthread_mutex_unlock(&lk);
	return rc;
}

int ftruncate(int fd, off_t len)
{
	return wrapped_truncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	return wrapped_truncate(fd, (off_t)len);
}

static int wrapped_sync(int fd, int data_only)
{
	struct inode *in = slot_of(fd);
	int rc;

	if (!in)
		return data_only ? REAL(fdatasync)(fd) : REAL(fsync)(fd);
	pthread_mutex_lock(&lk);
	rc = data_only ? REAL(fdatasync)(fd) : REAL(fsync)(fd);
	if (rc == 0)
		synced(in);
	pthread_mutex_unlock(&lk);
	return rc;
}

int fsync(int fd)
{
	return wrapped_sync(fd, 0);
}

int fdatasync(int fd)
{
	return wrapped_sync(fd, 1);
}
