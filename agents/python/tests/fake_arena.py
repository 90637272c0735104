"""The arena's side of one session stream, for tests that play it with a real grpc server: the
agent's requests are read on a thread of their own (an answer may have to wait for a timer or
for the next request) and what the test puts is yielded back in order."""
import queue
import threading


def relay_session(request_iterator, on_request, on_start=None):
    """Yields the responses `on_request(req, send)` sends for each request, until it returns True
    (the stream ends there) or the agent ends its side. `on_start(send)` may send before any
    request arrives, or hand `send` to a timer."""
    out = queue.Queue()

    def read():
        for req in request_iterator:
            if on_request(req, out.put):
                break
        out.put(None)

    if on_start is not None:
        on_start(out.put)
    threading.Thread(target=read, daemon=True).start()
    while True:
        msg = out.get()
        if msg is None:
            return
        yield msg
