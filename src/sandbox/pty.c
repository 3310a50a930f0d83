// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The box's own terminal.
 *
 * Handing the caller's terminal to the guest would let the guest share it
 * with the caller's shell: a process of the box that makes itself the
 * terminal's foreground group reads what the user types at the host's
 * prompt, and one in the caller's process group signals the caller's
 * shell and its jobs. So the command always runs in a session of its own,
 * and when the caller has a terminal the guest gets a pseudo-terminal of
 * the box's devpts instead, which nschroot relays (relay.c). The guest
 * never holds a descriptor of the caller's terminal.
 */
#include "sandbox/pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "base/resolve.h"
#include "util/cleanup.h"

unsigned pty_caller_terminals(void)
{
	unsigned mask = 0;
	for (int fd = 0; fd <= 2; fd++)
		if (isatty(fd))
			mask |= 1u << fd;
	return mask;
}

/* The caller's modes and window size, so that the box's terminal behaves
 * as the caller's did. Where nschroot does not put the caller's terminal
 * in raw mode (standard input is no terminal), the caller's own output
 * processing stays in force: the box's terminal does none of its own, or
 * each newline would reach the screen as CR CR LF. */
static void copy_modes(int tty_fd, int slave, bool raw_caller)
{
	struct termios t;
	if (tcgetattr(tty_fd, &t) == 0) {
		if (!raw_caller)
			t.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(slave, TCSANOW, &t);
	}
	struct winsize ws;
	if (ioctl(tty_fd, TIOCGWINSZ, &ws) == 0)
		ioctl(slave, TIOCSWINSZ, &ws);
}

/* The terminal on /dev/console, as a login on a console has it: a file
 * made in our own /dev tmpfs, the terminal bound on it through its
 * descriptor's path. */
static int bind_console(int slave, struct failure *f)
{
	_cleanup_close_ int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dev < 0)
		return fail(f, errno, "cannot open '/dev'");
	_cleanup_close_ int console =
	    openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (console < 0)
		return fail(f, errno, "cannot make '/dev/console'");
	char src[FD_PATH_MAX], dst[FD_PATH_MAX];
	if (mount(fd_path(slave, src), fd_path(console, dst), NULL, MS_BIND, NULL) < 0)
		return fail(f, errno, "cannot bind the box's terminal on '/dev/console'");
	return 0;
}

/* One byte with one descriptor beside it: what send_fd and
 * pty_receive_master pass. msg points into the struct: set up in place. */
struct fd_message {
	char byte;
	struct iovec iov;
	struct msghdr msg;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c; /* last: CMSG_SPACE is no constant to clang */
};

static void fd_message_init(struct fd_message *m)
{
	*m = (struct fd_message){ .byte = 't' };
	m->iov = (struct iovec){ .iov_base = &m->byte, .iov_len = 1 };
	m->msg = (struct msghdr){ .msg_iov = &m->iov,
				  .msg_iovlen = 1,
				  .msg_control = m->c.buf,
				  .msg_controllen = sizeof(m->c.buf) };
}

static int send_fd(int sock, int fd)
{
	struct fd_message m;
	fd_message_init(&m);
	struct cmsghdr *h = CMSG_FIRSTHDR(&m.msg);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	ssize_t n;
	do
		n = sendmsg(sock, &m.msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -errno;
}

int pty_receive_master(int sock)
{
	struct fd_message m;
	fd_message_init(&m);
	ssize_t n;
	do
		n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	struct cmsghdr *h = CMSG_FIRSTHDR(&m.msg);
	if (n != 1 || !h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS ||
	    h->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EPIPE;
	int fd;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

int pty_open_for_box(int tty_fd, bool raw_caller, bool console, uid_t uid, gid_t gid, int sock,
		     struct failure *f)
{
	const char *ptmx = console ? "/dev/pts/ptmx" : "/dev/ptmx";
	_cleanup_close_ int master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return fail(f, errno, "cannot open '%s'", ptmx);
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return fail(f, errno, "cannot unlock the box's terminal");
	/* The peer by its descriptor, not by a name under /dev/pts. */
	_cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return fail(f, errno, "cannot open the box's terminal");
	copy_modes(tty_fd, slave, raw_caller);
	if ((uid != 0 || gid != 0) && fchown(slave, uid, gid) < 0)
		return fail(f, errno, "cannot give the box's terminal to the command's user");
	if (console) {
		int r = bind_console(slave, f);
		if (r < 0)
			return r;
	}
	int r = send_fd(sock, master);
	if (r < 0)
		return fail(f, r, "cannot hand the box's terminal to nschroot");
	return steal_fd(&slave);
}

int pty_attach(int slave, unsigned mask)
{
	if (setsid() < 0)
		return -errno;
	if (slave < 0)
		return 0;
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int fd = 0; fd <= 2; fd++)
		if ((mask & (1u << fd)) && dup2(slave, fd) < 0)
			return -errno;
	return 0;
}
