/**
 * @file moat_port_posix_net.h
 * @brief POSIX TCP sockets for the TLS transport callbacks (include/moat/tls.h
 *        ::moat_tls_io), IPv4, with poll()-based timeouts.
 *
 * moat_posix_net_read() and moat_posix_net_write() have exactly the shapes of
 * ::moat_tls_read_fn and ::moat_tls_write_fn; their context is a pointer to
 * the socket's `int` descriptor:
 * @code
 *   int fd; moat_posix_net_connect("127.0.0.1", port, 5000, &fd);
 *   moat_tls_io io = { moat_posix_net_read, moat_posix_net_write, &fd, 5000 };
 * @endcode
 * Sockets are non-blocking (O_NONBLOCK) and close-on-exec; SIGPIPE is never
 * raised (MSG_NOSIGNAL). A timeout of 0 makes read and write non-blocking:
 * they return ::MOAT_ERR_TLS_WOULD_BLOCK instead of waiting.
 *
 * Memory: no heap. Thread safety: reentrant; one thread per descriptor.
 */
#ifndef MOAT_PORT_POSIX_NET_H
#define MOAT_PORT_POSIX_NET_H

#include <stddef.h>
#include <stdint.h>

#include "moat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Listen on @p ip4 : @p port (port 0: an ephemeral port).
 * @param ip4 dotted IPv4 address to bind (e.g. "127.0.0.1")
 * @param port the port, 0 for any free one
 * @param[out] fd the listening socket (-1 on failure)
 * @param[out] bound_port the port actually bound (may be NULL)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL, or @p ip4 not an
 *         IPv4 address); ::MOAT_ERR_TLS_IO (socket, bind or listen failed).
 */
moat_err moat_posix_net_listen(const char *ip4, uint16_t port, int *fd, uint16_t *bound_port);

/**
 * @brief Accept one connection on @p lfd, waiting at most @p timeout_ms.
 * @param lfd a socket from moat_posix_net_listen()
 * @param timeout_ms the wait bound
 * @param[out] fd the connection (-1 on failure)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT; ::MOAT_ERR_TLS_TIMEOUT;
 *         ::MOAT_ERR_TLS_IO.
 */
moat_err moat_posix_net_accept(int lfd, uint32_t timeout_ms, int *fd);

/**
 * @brief Connect to @p ip4 : @p port, waiting at most @p timeout_ms.
 * @param ip4 dotted IPv4 address
 * @param port TCP port (not 0)
 * @param timeout_ms the wait bound
 * @param[out] fd the connection (-1 on failure)
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT; ::MOAT_ERR_TLS_TIMEOUT;
 *         ::MOAT_ERR_TLS_IO (refused, unreachable, ...).
 */
moat_err moat_posix_net_connect(const char *ip4, uint16_t port, uint32_t timeout_ms, int *fd);

/**
 * @brief ::moat_tls_read_fn over a socket; @p ctx points to its `int`.
 * @param ctx pointer to the descriptor
 * @param buf receives the bytes
 * @param len capacity (at least 1)
 * @param timeout_ms the wait bound (0: do not wait)
 * @param[out] got bytes read (0 on failure)
 * @return ::MOAT_OK; ::MOAT_ERR_TLS_TIMEOUT; ::MOAT_ERR_TLS_WOULD_BLOCK
 *         (@p timeout_ms 0 and nothing available); ::MOAT_ERR_TLS_EOF (the
 *         peer closed); ::MOAT_ERR_TLS_IO; ::MOAT_ERR_INVALID_ARGUMENT.
 */
moat_err moat_posix_net_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms,
                             size_t *got);

/**
 * @brief ::moat_tls_write_fn over a socket; @p ctx points to its `int`.
 * @param ctx pointer to the descriptor
 * @param buf the bytes
 * @param len their number (at least 1)
 * @param timeout_ms the wait bound (0: do not wait)
 * @param[out] sent bytes written (0 on failure)
 * @return ::MOAT_OK; ::MOAT_ERR_TLS_TIMEOUT; ::MOAT_ERR_TLS_WOULD_BLOCK;
 *         ::MOAT_ERR_TLS_EOF (the peer closed: EPIPE); ::MOAT_ERR_TLS_IO;
 *         ::MOAT_ERR_INVALID_ARGUMENT.
 */
moat_err moat_posix_net_write(void *ctx, const uint8_t *buf, size_t len, uint32_t timeout_ms,
                              size_t *sent);

/**
 * @brief Close a descriptor (ignores -1).
 * @param fd the descriptor
 */
void moat_posix_net_close(int fd);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_PORT_POSIX_NET_H */
