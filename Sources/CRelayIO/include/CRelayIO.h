#ifndef CRELAYIO_H
#define CRELAYIO_H

// The Linux calls the relay's datagram loop needs that Swift's Glibc module does not
// import: recvmmsg/sendmmsg (declared only under _GNU_SOURCE), epoll and eventfd.
// Thin wrappers; every policy stays in Swift (Sources/Relay/DatagramIO).

#include <stdint.h>
#include <sys/socket.h>

/// One message of a batch, laid out as the kernel's `struct mmsghdr`.
typedef struct {
    struct msghdr msg_hdr;
    unsigned int msg_len;
} crelayio_mmsghdr;

/// recvmmsg(2) without a timeout: on a non-blocking socket it returns what is queued.
int crelayio_recvmmsg(int fd, crelayio_mmsghdr *messages, unsigned int count);
/// sendmmsg(2).
int crelayio_sendmmsg(int fd, crelayio_mmsghdr *messages, unsigned int count);

/// epoll_create1(EPOLL_CLOEXEC).
int crelayio_epoll_create(void);
/// Watches `fd` for input (level-triggered); `token` comes back from wait.
int crelayio_epoll_add(int epfd, int fd, uint64_t token);
int crelayio_epoll_remove(int epfd, int fd);
/// epoll_wait(2), writing the tokens of the ready descriptors.
int crelayio_epoll_wait(int epfd, uint64_t *tokens, int capacity, int timeout_ms);

/// A non-blocking, close-on-exec eventfd: the loop's doorbell.
int crelayio_eventfd(void);

#endif
