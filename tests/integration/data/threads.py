# Threads in CPython under lbox, compared with the native run: a thread
# pool, a queue, an event set by a timer thread, a lock shared by eight
# threads, and a signal handled on the main thread while others work.
import concurrent.futures
import queue
import signal
import threading
import time


def work(i):
    return sum(range(i * 1000))


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as ex:
    print("pool", sum(ex.map(work, range(50))))

q = queue.Queue()
producers = [threading.Thread(target=lambda: [q.put(1) for _ in range(500)])
             for _ in range(4)]
for p in producers:
    p.start()
for p in producers:
    p.join()
print("queue", q.qsize())

ev = threading.Event()
threading.Timer(0.05, ev.set).start()
print("event", ev.wait(5))

lock = threading.Lock()
n = [0]


def inc():
    for _ in range(10000):
        with lock:
            n[0] += 1


ts = [threading.Thread(target=inc) for _ in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("lock", n[0])

got = []
signal.signal(signal.SIGALRM, lambda s, f: got.append(s))
busy = threading.Thread(target=lambda: sum(range(3000000)))
busy.start()
signal.setitimer(signal.ITIMER_REAL, 0.05)
deadline = time.monotonic() + 5
while not got and time.monotonic() < deadline:
    time.sleep(0.01)
busy.join()
print("signal on the main thread", got == [signal.SIGALRM])
print("threads left", threading.active_count())
