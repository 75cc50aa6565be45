/*
 * The lab's C reference server for bench_vs_c: UNP Fig 5.12 (tcpserv04) as
 * plain C, so that the Rust servers are measured against the book's own
 * shape on the same machine, in the same run.
 *
 * fork per client; SIGCHLD handler with SA_RESTART running the
 * waitpid(-1, WNOHANG) loop (Fig 5.11); accept retried on EINTR; the child
 * echoes with 4 KiB read/write (str_echo, Fig 5.3) and ends with _exit(0),
 * where the book calls exit(0): the lab's servers end their children with
 * _exit (no exit-time cleanup to pay for), and a fair comparison ends them
 * the same way. Like the lab's servers it binds 127.0.0.1, takes --port N
 * (0 = ephemeral) and prints "listening on ADDR:PORT" first on stderr.
 * Other flags (-q) are accepted and ignored: it logs nothing per
 * connection, as the Rust servers with -q log nothing (bench_vs_c counts
 * every server's log lines to show it).
 *
 * Build: cc -O2 -o tcpserv_c tcpserv_c.c   (bench_vs_c does this itself)
 *
 * With -DRECV_SEND the echo calls recv/send with no flags instead of
 * read/write, as the lab's str_echo does: bench_vs_c's "tcpserv_c_recv",
 * the control that shows what that one change is worth in C.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXLINE 4096

#ifdef RECV_SEND
#define READ(fd, buf, n) recv(fd, buf, n, 0)
#define WRITE(fd, buf, n) send(fd, buf, n, 0)
#else
#define READ(fd, buf, n) read(fd, buf, n)
#define WRITE(fd, buf, n) write(fd, buf, n)
#endif
#define LISTENQ 1024

static void err_sys(const char *what)
{
    fprintf(stderr, "%s error: %s\n", what, strerror(errno));
    exit(1);
}

static void sig_chld(int signo)
{
    int saved = errno, stat;
    (void)signo;
    while (waitpid(-1, &stat, WNOHANG) > 0)
        ;
    errno = saved;
}

static void str_echo(int sockfd)
{
    ssize_t n;
    char buf[MAXLINE];
again:
    while ((n = READ(sockfd, buf, MAXLINE)) > 0) {
        char *p = buf;
        while (n > 0) {
            ssize_t w = WRITE(sockfd, p, n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                err_sys("str_echo: write");
            }
            p += w;
            n -= w;
        }
    }
    if (n < 0 && errno == EINTR)
        goto again;
    else if (n < 0)
        err_sys("str_echo: read");
}

int main(int argc, char **argv)
{
    int listenfd, connfd, port = 9877;
    struct sockaddr_in servaddr, cliaddr;
    socklen_t len;
    struct sigaction act;
    pid_t childpid;

    for (int i = 1; i < argc; i++)
        if ((strcmp(argv[i], "--port") == 0 || strcmp(argv[i], "-p") == 0) && i + 1 < argc)
            port = atoi(argv[++i]);

    if ((listenfd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        err_sys("socket");
    memset(&servaddr, 0, sizeof(servaddr));
    servaddr.sin_family = AF_INET;
    servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    servaddr.sin_port = htons(port);
    if (bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr)) < 0)
        err_sys("bind");
    if (listen(listenfd, LISTENQ) < 0)
        err_sys("listen");
    len = sizeof(servaddr);
    getsockname(listenfd, (struct sockaddr *)&servaddr, &len);
    fprintf(stderr, "listening on 127.0.0.1:%d\n", ntohs(servaddr.sin_port));

    memset(&act, 0, sizeof(act));
    act.sa_handler = sig_chld;
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_RESTART;
    if (sigaction(SIGCHLD, &act, NULL) < 0)
        err_sys("sigaction");

    for (;;) {
        len = sizeof(cliaddr);
        if ((connfd = accept(listenfd, (struct sockaddr *)&cliaddr, &len)) < 0) {
            if (errno == EINTR)
                continue; /* back to for() */
            err_sys("accept");
        }
        if ((childpid = fork()) == 0) { /* child process */
            close(listenfd);            /* close listening socket */
            str_echo(connfd);           /* process the request */
            _exit(0);                   /* the book: exit(0) */
        }
        if (childpid < 0)
            err_sys("fork");
        close(connfd); /* parent closes connected socket */
    }
}
