/**
 * @file port_posix_net.c
 * @brief POSIX TCP sockets with poll() timeouts for the TLS transport
 *        (see moat_port_posix_net.h). POSIX.1-2008: socket(), poll(),
 *        non-blocking connect() completed through SO_ERROR, MSG_NOSIGNAL.
 */
#define _GNU_SOURCE 1

#include "moat_port_posix_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/** Largest poll() timeout handed to the kernel in one call (int ms). */
#define NET_POLL_MAX_MS 2147483647u

static moat_err set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        return MOAT_ERR_TLS_IO;
    }
    return MOAT_OK;
}

static moat_err parse_addr(const char *ip4, uint16_t port, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons(port);
    if (ip4 == NULL || inet_pton(AF_INET, ip4, &sa->sin_addr) != 1) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return MOAT_OK;
}

/* Wait for @p events; MOAT_OK when ready. */
static moat_err wait_fd(int fd, short events, uint32_t timeout_ms)
{
    struct pollfd p;
    int r;

    if (timeout_ms == 0u) {
        return MOAT_ERR_TLS_WOULD_BLOCK;
    }
    for (;;) {
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        r = poll(&p, 1, (int)(timeout_ms > NET_POLL_MAX_MS ? NET_POLL_MAX_MS : timeout_ms));
        if (r > 0) {
            return MOAT_OK; /* readable, writable, or an error to collect */
        }
        if (r == 0) {
            return MOAT_ERR_TLS_TIMEOUT;
        }
        if (errno != EINTR) {
            return MOAT_ERR_TLS_IO;
        }
    }
}

moat_err moat_posix_net_listen(const char *ip4, uint16_t port, int *fd, uint16_t *bound_port)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int s, one = 1;
    moat_err err;

    if (fd == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *fd = -1;
    err = parse_addr(ip4, port, &sa);
    if (err != MOAT_OK) {
        return err;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        return MOAT_ERR_TLS_IO;
    }
    if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(s, (const struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(s, 8) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &sl) != 0 || set_flags(s) != MOAT_OK) {
        close(s);
        return MOAT_ERR_TLS_IO;
    }
    if (bound_port != NULL) {
        *bound_port = ntohs(sa.sin_port);
    }
    *fd = s;
    return MOAT_OK;
}

moat_err moat_posix_net_accept(int lfd, uint32_t timeout_ms, int *fd)
{
    moat_err err;
    int s;

    if (fd == NULL || lfd < 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *fd = -1;
    for (;;) {
        s = accept(lfd, NULL, NULL);
        if (s >= 0) {
            break;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return MOAT_ERR_TLS_IO;
        }
        err = wait_fd(lfd, POLLIN, timeout_ms);
        if (err != MOAT_OK) {
            return err;
        }
    }
    if (set_flags(s) != MOAT_OK) {
        close(s);
        return MOAT_ERR_TLS_IO;
    }
    *fd = s;
    return MOAT_OK;
}

moat_err moat_posix_net_connect(const char *ip4, uint16_t port, uint32_t timeout_ms, int *fd)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(int);
    int s, so = 0;
    moat_err err;

    if (fd == NULL || port == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *fd = -1;
    err = parse_addr(ip4, port, &sa);
    if (err != MOAT_OK) {
        return err;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        return MOAT_ERR_TLS_IO;
    }
    if (set_flags(s) != MOAT_OK) {
        close(s);
        return MOAT_ERR_TLS_IO;
    }
    if (connect(s, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            close(s);
            return MOAT_ERR_TLS_IO;
        }
        err = wait_fd(s, POLLOUT, timeout_ms == 0u ? 1u : timeout_ms);
        if (err == MOAT_OK &&
            (getsockopt(s, SOL_SOCKET, SO_ERROR, &so, &sl) != 0 || so != 0)) {
            err = MOAT_ERR_TLS_IO;
        }
        if (err != MOAT_OK) {
            close(s);
            return err;
        }
    }
    *fd = s;
    return MOAT_OK;
}

moat_err moat_posix_net_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms,
                             size_t *got)
{
    ssize_t r;
    moat_err err;
    int fd;

    if (got == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *got = 0u;
    if (ctx == NULL || buf == NULL || len == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    fd = *(const int *)ctx;
    for (;;) {
        r = recv(fd, buf, len, 0);
        if (r > 0) {
            *got = (size_t)r;
            return MOAT_OK;
        }
        if (r == 0) {
            return MOAT_ERR_TLS_EOF;
        }
        if (errno == ECONNRESET) {
            return MOAT_ERR_TLS_EOF;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return MOAT_ERR_TLS_IO;
        }
        if (errno == EINTR) {
            continue;
        }
        err = wait_fd(fd, POLLIN, timeout_ms);
        if (err != MOAT_OK) {
            return err;
        }
    }
}

moat_err moat_posix_net_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms,
                              size_t *sent)
{
    ssize_t r;
    moat_err err;
    int fd;

    if (sent == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *sent = 0u;
    if (ctx == NULL || buf == NULL || len == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    fd = *(const int *)ctx;
    for (;;) {
        r = send(fd, buf, len, MSG_NOSIGNAL);
        if (r > 0) {
            *sent = (size_t)r;
            return MOAT_OK;
        }
        if (r < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            return MOAT_ERR_TLS_EOF;
        }
        if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            return MOAT_ERR_TLS_IO;
        }
        if (errno == EINTR) {
            continue;
        }
        err = wait_fd(fd, POLLOUT, timeout_ms);
        if (err != MOAT_OK) {
            return err;
        }
    }
}

void moat_posix_net_close(int fd)
{
    if (fd >= 0) {
        (void)close(fd);
    }
}
