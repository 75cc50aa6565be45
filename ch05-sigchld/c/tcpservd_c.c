/*
 * tcpservd_c: tcpservd (ch05-sigchld/src/bin/tcpservd.rs) in plain C — the
 * like-with-like reference for tcpservd in bench_vs_c.
 *
 * tcpserv_c.c is the book's tcpserv04, and tcpservd does more per
 * connection than that, so comparing tcpservd with tcpserv_c measures the
 * extra work, not the language. This server does the same work as tcpservd,
 * with the same system calls in the same order, as far as C allows:
 *
 *   setup   SIGPIPE ignored (Rust's runtime does it before main); pipe2(
 *           O_NONBLOCK | O_CLOEXEC): the self-pipe; one handler,
 *           record(), with SA_RESTART for SIGCHLD, SIGQUIT, SIGTERM, SIGINT,
 *           SIGHUP, SIGUSR1, SIGUSR2; ring() for SIGALRM *without*
 *           SA_RESTART, installed here, before any fork; then the listener
 *           (SO_REUSEADDR, 127.0.0.1, backlog 1024), made non-blocking; the
 *           children's table allocated once.
 *   loop    poll() on the self-pipe and (below the cap, not backing off)
 *           the listener, with a timeout to the next session deadline or
 *           EMFILE retry; drain the pipe; the waitpid(-1, WNOHANG) loop
 *           when record() saw a SIGCHLD; SIGTERM to sessions past their
 *           deadline; accept until EAGAIN (EINTR, ECONNABORTED, EPROTO:
 *           again; EMFILE and the like: back off 10 ms, doubling to 250 ms).
 *   child   close the listener; SIGTERM, SIGCHLD to SIG_DFL and SIGINT,
 *           SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to SIG_IGN; close both pipe
 *           ends; prctl(PR_SET_PDEATHSIG, SIGTERM) and a getppid() check;
 *           alarm(idle); echo with recv/send until the client's FIN, an
 *           error, or two rings with no byte moved; _exit(0).
 *   parent  record the child's pid and session deadline; close connfd.
 *   stop    SIGTERM/SIGINT/SIGHUP: close the listener, let sessions run for
 *           --grace seconds, SIGTERM the rest, reap them all, exit 0.
 *           SIGQUIT or a second stop signal: no grace.
 *
 * It logs what tcpservd logs with -q (WARNING lines only): nothing per
 * connection. tcpservd's NOTICE lines (connections, children ending,
 * draining, the SIGUSR1 status line) are not written at all.
 *
 * Flags: --port N (0 = ephemeral), --max-children N, --idle-timeout SECS,
 * --session-timeout SECS, --grace SECS, as tcpservd; -q is accepted and
 * ignored. It binds 127.0.0.1 and prints "listening on 127.0.0.1:PORT" first
 * on stderr.
 *
 * Build: cc -O2 -o tcpservd_c tcpservd_c.c   (bench_vs_c does this itself)
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXLINE 4096
#define LISTENQ 1024
#define MS 1000000LL          /* nanoseconds in a millisecond */
#define NO_DEADLINE (-1LL)    /* a child already sent SIGTERM for its deadline */

/* The flags, with tcpservd's defaults. */
static int port = 9877;
static long max_children = 128, idle_timeout = 300, session_timeout = 600, grace = 10;

/* What the handlers record (tcpservd's atomics). */
static int pipe_w = -1;          /* the self-pipe's write end */
static atomic_int stops;         /* stop signals so far; SIGQUIT counts two */
static atomic_int stop_sig;      /* the last of them (tcpservd names it in NOTICE lines) */
static atomic_int chld;          /* a SIGCHLD came */
static atomic_int usr;           /* a SIGUSR1/SIGUSR2 came */
static atomic_uint idle_secs;    /* how often a child's alarm rings */

/* The server's state (tcpservd's struct Server). */
struct child {
    pid_t pid;
    long long deadline; /* CLOCK_MONOTONIC ns, or NO_DEADLINE */
};
static struct child *children; /* allocated once: max_children slots */
static long nchildren;
static int listenfd = -1, pipe_r = -1;
static pid_t me;
static int at_cap;
static struct {
    int active;
    long long retry_at, delay; /* ns */
} emfile;

static void err_sys(const char *what)
{
    fprintf(stderr, "tcpservd_c: %s error: %s\n", what, strerror(errno));
    exit(1);
}

/* tcpservd's Instant::now(): clock_gettime(CLOCK_MONOTONIC). */
static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Every handler only records, and writes one byte down the self-pipe so
 * that poll() in the main loop wakes up. Async-signal-safe: atomics and
 * write(2) only. */
static void record(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (signo == SIGCHLD) {
        atomic_store_explicit(&chld, 1, memory_order_relaxed);
    } else if (signo == SIGUSR1 || signo == SIGUSR2) {
        atomic_store_explicit(&usr, signo, memory_order_relaxed);
    } else {
        atomic_store_explicit(&stop_sig, signo, memory_order_relaxed);
        atomic_fetch_add_explicit(&stops, signo == SIGQUIT ? 2 : 1, memory_order_relaxed);
    }
    /* Non-blocking: when the pipe is full a wake-up is pending anyway. */
    ssize_t r = write(pipe_w, &b, 1);
    (void)r;
    errno = saved;
}

/* SIGALRM in a child: interrupt the blocked recv or send (no SA_RESTART)
 * and ring again in idle_secs. */
static void ring(int signo)
{
    int saved = errno;
    (void)signo;
    alarm(atomic_load_explicit(&idle_secs, memory_order_relaxed));
    errno = saved;
}

static int stopping(void)
{
    return atomic_load_explicit(&stops, memory_order_relaxed);
}

static void install(int signo, void (*handler)(int), int flags)
{
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    act.sa_handler = handler;
    sigemptyset(&act.sa_mask);
    act.sa_flags = flags;
    if (sigaction(signo, &act, NULL) < 0)
        err_sys("sigaction");
}

/* Milliseconds until the earliest session deadline, or -1 (none). */
static long long next_deadline_ns(void)
{
    long long first = NO_DEADLINE, now = now_ns();
    for (long i = 0; i < nchildren; i++)
        if (children[i].deadline != NO_DEADLINE && (first == NO_DEADLINE || children[i].deadline < first))
            first = children[i].deadline;
    if (first == NO_DEADLINE)
        return -1;
    return first > now ? first - now : 0;
}

/* SIGTERM to every child past its session deadline (once). */
static void end_overdue_sessions(void)
{
    long long now = now_ns();
    for (long i = 0; i < nchildren; i++) {
        if (children[i].deadline != NO_DEADLINE && children[i].deadline <= now) {
            children[i].deadline = NO_DEADLINE;
            kill(children[i].pid, SIGTERM);
        }
    }
}

/* poll() on the self-pipe and (if `listener`) the listener, for at most
 * timeout_ns (-1: no limit). Returns 1 if the listener is readable, 0 if
 * not, -1 when poll did not complete (EINTR). Drains the self-pipe. */
static int wait_events(int listener, long long timeout_ns)
{
    struct pollfd fds[2];
    nfds_t n = 1;
    int ms = -1;
    if (timeout_ns >= 0) {
        long long us = timeout_ns / 1000; /* rounded up to whole ms, at most a minute */
        long long m = (us + 999) / 1000;
        ms = (int)(m < 60000 ? m : 60000);
    }
    fds[0].fd = pipe_r;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    if (listener && listenfd >= 0) {
        fds[1].fd = listenfd;
        fds[1].events = POLLIN;
        fds[1].revents = 0;
        n = 2;
    }
    if (poll(fds, n, ms) < 0) {
        if (errno != EINTR)
            fprintf(stderr, "tcpservd_c: poll error: %s\n", strerror(errno));
        return -1;
    }
    if (fds[0].revents) {
        char buf[64];
        while (read(pipe_r, buf, sizeof(buf)) > 0)
            ;
    }
    return n == 2 && fds[1].revents != 0;
}

static void forget(pid_t pid)
{
    for (long i = 0; i < nchildren; i++) {
        if (children[i].pid == pid) {
            children[i] = children[--nchildren]; /* Vec::swap_remove */
            return;
        }
    }
}

/* What the handlers recorded, acted on here: the waitpid(-1, WNOHANG)
 * loop of tcpserv04's sig_chld, run by the main loop. (tcpservd's SIGUSR1
 * status line is a NOTICE: not written with -q, nor here.) */
static void after_signals(void)
{
    int stat;
    pid_t pid;
    atomic_exchange_explicit(&usr, 0, memory_order_relaxed);
    if (!atomic_exchange_explicit(&chld, 0, memory_order_relaxed))
        return;
    while ((pid = waitpid(-1, &stat, WNOHANG)) > 0)
        forget(pid);
}

/* accept failed for lack of a resource (EMFILE, ENFILE, ENOBUFS, ENOMEM):
 * the client stays in the backlog; retry after 10 ms, then doubling, at
 * most 250 ms apart. */
static void accept_failed(int err)
{
    long long now = now_ns();
    if (!emfile.active) {
        fprintf(stderr, "tcpservd_c: accept: %s: backing off until descriptors are free\n",
                strerror(err));
        emfile.active = 1;
        emfile.delay = 10 * MS;
    } else {
        emfile.delay = emfile.delay * 2 < 250 * MS ? emfile.delay * 2 : 250 * MS;
    }
    emfile.retry_at = now + emfile.delay;
}

/* In a new child (tcpservd's child_signals). */
static void child_signals(void)
{
    static const int dfl[] = {SIGTERM, SIGCHLD};
    static const int ign[] = {SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
        install(dfl[i], SIG_DFL, 0);
    for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
        install(ign[i], SIG_IGN, 0);
    close(pipe_w);
    close(pipe_r);
}

/* str_echo with recv/send and an idle timeout: the alarm rings every
 * `idle` seconds and interrupts a blocked recv or send (EINTR); if no byte
 * moved between two rings the client is idle and the child returns. A
 * short send is a ring that cut it: bytes moved, and the ring is taken. */
static void echo_until_idle(int connfd, unsigned idle)
{
    char buf[MAXLINE];
    int moved = 0;
    alarm(idle);
    for (;;) {
        ssize_t n = recv(connfd, buf, MAXLINE, 0);
        if (n == 0)
            return; /* the client's FIN */
        if (n < 0) {
            if (errno != EINTR)
                return;
            if (!moved)
                return; /* sent nothing for over `idle` s */
            moved = 0;
            continue;
        }
        moved = 1;
        char *p = buf;
        while (n > 0) {
            ssize_t k = send(connfd, p, (size_t)n, 0);
            if (k < 0) {
                if (errno != EINTR)
                    return;
                if (!moved)
                    return; /* read nothing for over `idle` s */
                moved = 0;
                continue;
            }
            moved = k == n; /* short: the alarm cut it */
            p += k;
            n -= k;
        }
    }
}

static void fork_child(int connfd, const struct sockaddr_in *cliaddr)
{
    pid_t pid = fork();
    if (pid < 0) {
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &cliaddr->sin_addr, a, sizeof(a));
        fprintf(stderr, "tcpservd_c: fork: %s: closing %s:%d\n", strerror(errno), a,
                ntohs(cliaddr->sin_port));
        if (close(connfd) < 0)
            err_sys("close");
        return;
    }
    if (pid == 0) {
        close(listenfd); /* the child does not accept */
        child_signals();
        /* Whatever ends the parent ends this child; if the parent died
         * before the prctl, the child has been adopted: it goes now. */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid() != me)
            _exit(0);
        echo_until_idle(connfd, (unsigned)idle_timeout);
        _exit(0); /* closes connfd: FIN */
    }
    children[nchildren].pid = pid;
    children[nchildren].deadline = now_ns() + session_timeout * 1000 * MS;
    nchildren++;
    if (close(connfd) < 0)
        err_sys("close");
    if (nchildren >= max_children && !at_cap) {
        at_cap = 1;
        fprintf(stderr,
                "tcpservd_c: at the cap: %ld children; new clients wait in the backlog, "
                "a slot frees within %ld s (--session-timeout)\n",
                nchildren, session_timeout);
    }
}

/* Accepts every connection waiting (the listener is non-blocking), forking
 * a child for each, while there is room. */
static void accept_all(void)
{
    while (nchildren < max_children && !stopping()) {
        struct sockaddr_in cliaddr;
        socklen_t len = sizeof(cliaddr);
        if (listenfd < 0)
            return;
        int connfd = accept4(listenfd, (struct sockaddr *)&cliaddr, &len, SOCK_CLOEXEC);
        if (connfd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break; /* none left */
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            accept_failed(errno);
            return;
        }
        emfile.active = 0;
        fork_child(connfd, &cliaddr);
    }
}

/* Accepts and forks until the first stop signal. */
static void serve(void)
{
    while (!stopping()) {
        int full = nchildren >= max_children;
        long long retry_in = -1, timeout = -1;
        if (emfile.active) {
            long long left = emfile.retry_at - now_ns();
            if (left > 0)
                retry_in = left;
        }
        int watched = !full && retry_in < 0;
        long long deadline = next_deadline_ns();
        timeout = retry_in;
        if (deadline >= 0 && (timeout < 0 || deadline < timeout))
            timeout = deadline;
        int readable = wait_events(watched, timeout);
        after_signals();
        end_overdue_sessions();
        if (watched && readable == 0)
            at_cap = 0; /* a slot was free and nobody waited */
        if (readable == 1)
            accept_all();
    }
}

/* After the first SIGTERM/SIGINT/SIGHUP: close the listener, give the
 * sessions --grace seconds, then SIGTERM them; reap all and exit 0. */
static void drain(void)
{
    int stat;
    close(listenfd);
    listenfd = -1;
    long long end = now_ns() + grace * 1000 * MS;
    after_signals();
    while (nchildren > 0 && stopping() < 2) {
        long long left = end - now_ns();
        if (left <= 0)
            break;
        wait_events(0, left);
        after_signals();
    }
    for (long i = 0; i < nchildren; i++)
        kill(children[i].pid, SIGTERM);
    while (nchildren > 0) {
        pid_t pid = waitpid(-1, &stat, 0);
        if (pid > 0)
            forget(pid);
        else if (errno != EINTR)
            break; /* ECHILD: none left */
    }
    exit(0);
}

/* A flag's value, in [lo, hi], or exit 2. */
static long value(const char *flag, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "tcpservd_c: %s: '%s' is not in %ld..=%ld\n", flag, s, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static const int recorded[] = {SIGCHLD, SIGQUIT, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2};
    struct sockaddr_in servaddr;
    socklen_t len;
    int fds[2], on = 1, flags;

    /* Rust's runtime does this before main, for tcpservd: a send to a client
     * that has reset the connection fails with EPIPE instead of killing. */
    signal(SIGPIPE, SIG_IGN);

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-q") == 0)
            continue;
        if (v == NULL) {
            fprintf(stderr, "tcpservd_c: unknown or incomplete option '%s'\n", a);
            exit(2);
        }
        if (strcmp(a, "--port") == 0 || strcmp(a, "-p") == 0)
            port = (int)value(a, v, 0, 65535);
        else if (strcmp(a, "--max-children") == 0)
            max_children = value(a, v, 1, 65536);
        else if (strcmp(a, "--idle-timeout") == 0)
            idle_timeout = value(a, v, 1, 86400);
        else if (strcmp(a, "--session-timeout") == 0)
            session_timeout = value(a, v, 1, 86400);
        else if (strcmp(a, "--grace") == 0)
            grace = value(a, v, 0, 3600);
        else {
            fprintf(stderr, "tcpservd_c: unknown option '%s'\n", a);
            exit(2);
        }
        i++;
    }

    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
        err_sys("pipe");
    pipe_r = fds[0];
    pipe_w = fds[1];
    for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++)
        install(recorded[i], record, SA_RESTART);
    /* The children's idle alarm, set up once here, before any fork. */
    atomic_store(&idle_secs, (unsigned)idle_timeout);
    install(SIGALRM, ring, 0);

    /* Listen last: "listening on" means every descriptor is in place. */
    if ((listenfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        err_sys("socket");
    if (setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
        err_sys("setsockopt");
    memset(&servaddr, 0, sizeof(servaddr));
    servaddr.sin_family = AF_INET;
    servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    servaddr.sin_port = htons(port);
    if (bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr)) < 0)
        err_sys("bind");
    if (listen(listenfd, LISTENQ) < 0)
        err_sys("listen");
    len = sizeof(servaddr);
    if (getsockname(listenfd, (struct sockaddr *)&servaddr, &len) < 0)
        err_sys("getsockname");
    fprintf(stderr, "listening on 127.0.0.1:%d\n", ntohs(servaddr.sin_port));
    if ((flags = fcntl(listenfd, F_GETFL)) < 0 || fcntl(listenfd, F_SETFL, flags | O_NONBLOCK) < 0)
        err_sys("fcntl");

    if ((children = malloc((size_t)max_children * sizeof(*children))) == NULL)
        err_sys("malloc");
    me = getpid();
    serve();
    drain();
    return 0;
}
