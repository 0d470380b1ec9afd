"""SQLite writers of one process queue on a FIFO lock (app.db): each gets its turn in the order
it asked, so a background writer is never starved by a stream of requests."""

import threading
import time

from app.db import FifoLock


def test_waiters_get_the_lock_in_the_order_they_asked() -> None:
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    served: list[int] = []

    def wait_then_hold(number: int) -> None:
        assert lock.acquire(timeout=5)
        served.append(number)
        lock.release()

    threads = [threading.Thread(target=wait_then_hold, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # each is queued before the next asks
    lock.release()
    for thread in threads:
        thread.join()
    assert served == list(range(6))


def test_a_waiter_that_gave_up_leaves_the_queue() -> None:
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    assert not lock.acquire(timeout=0.05)
    lock.release()
    assert lock.acquire(timeout=0.05)  # free again: nobody left in the queue holds it


def test_another_thread_may_release_it() -> None:
    # The request's commit runs on another pool thread than its first statement did.
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    releaser = threading.Thread(target=lock.release)
    releaser.start()
    releaser.join()
    assert lock.acquire(timeout=0.05)
