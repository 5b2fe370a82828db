#define _GNU_SOURCE
#include "CRelayIO.h"

#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

_Static_assert(sizeof(crelayio_mmsghdr) == sizeof(struct mmsghdr), "crelayio_mmsghdr must match struct mmsghdr");
_Static_assert(offsetof(crelayio_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "msg_len offset");

int crelayio_recvmmsg(int fd, crelayio_mmsghdr *messages, unsigned int count) {
    return recvmmsg(fd, (struct mmsghdr *)messages, count, 0, NULL);
}

int crelayio_sendmmsg(int fd, crelayio_mmsghdr *messages, unsigned int count) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, 0);
}

int crelayio_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int crelayio_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event event = { .events = EPOLLIN, .data.u64 = token };
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

int crelayio_epoll_remove(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

int crelayio_epoll_wait(int epfd, uint64_t *tokens, int capacity, int timeout_ms) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int ready = epoll_wait(epfd, events, capacity, timeout_ms);
    for (int i = 0; i < ready; i++) tokens[i] = events[i].data.u64;
    return ready;
}

int crelayio_eventfd(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}
