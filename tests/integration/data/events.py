# SPDX-License-Identifier: MIT
# Guest program for commands.txt (python3-events): asyncio over a socket
# pair, an os.pipe, epoll on a datagram pair and an eventfd, printing
# what it sees; compared with the native run.
import asyncio
import os
import select
import signal
import socket


async def main():
    await asyncio.sleep(0.02)
    r, w = socket.socketpair()
    reader, writer = await asyncio.open_connection(sock=r)
    w.sendall(b"hello\n")
    print("asyncio got", await reader.readline())
    results = await asyncio.gather(asyncio.sleep(0.01, "a"),
                                   asyncio.sleep(0.02, "b"))
    print("gathered", results)
    writer.close()
    w.close()


asyncio.run(main())

r, w = os.pipe()
os.write(w, b"x" * 10)
print("pipe", os.read(r, 100))
os.close(w)
print("pipe eof", os.read(r, 100))

ep = select.epoll()
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
ep.register(a.fileno(), select.EPOLLIN)
print("epoll empty", ep.poll(0))
b.send(b"msg1")
b.send(b"msg2")
print("epoll", [e for _, e in ep.poll(0)], a.recv(2), a.recv(100))

efd = os.eventfd(3, os.EFD_SEMAPHORE)
print("eventfd", os.eventfd_read(efd), os.eventfd_read(efd))

# A signal handler that writes to a wakeup fd, as asyncio's does.
rs, ws = socket.socketpair()
ws.setblocking(False)
signal.set_wakeup_fd(ws.fileno())
signal.signal(signal.SIGUSR1, lambda s, f: None)
os.kill(os.getpid(), signal.SIGUSR1)
print("wakeup byte", rs.recv(1))
