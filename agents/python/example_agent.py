#!/usr/bin/python3
"""A FlexArena agent in Python, speaking the gRPC protocol directly.

Each wake-up it places one small GTC buy order 20 EUR/MWh below the forecast of the furthest open
quarter-hour (a patient bargain hunter) and prints what happened to its previous orders.

Generate the Python protocol code first (Debian: apt-get install python3-grpcio protobuf-compiler-grpc):
  protoc -I proto --python_out=GEN --grpc_python_out=GEN \
    --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin proto/flexarena/v1/*.proto
Run:
  /usr/bin/python3 agents/python/example_agent.py --arena 127.0.0.1:50051 --token TOKEN --gen GEN
"""
import argparse
import queue
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arena", required=True, help="host:port of the arena")
    ap.add_argument("--token", required=True)
    ap.add_argument("--gen", required=True, help="folder with the generated flexarena/v1 Python code")
    ap.add_argument("--discount-eur", type=float, default=20.0)
    args = ap.parse_args()

    sys.path.insert(0, args.gen)
    import grpc
    from flexarena.v1 import arena_service_pb2, arena_service_pb2_grpc, market_pb2, session_pb2

    outbox: "queue.Queue[object]" = queue.Queue()

    def requests():
        while True:
            msg = outbox.get()
            if msg is None:
                return
            yield msg

    channel = grpc.insecure_channel(args.arena)
    client = arena_service_pb2_grpc.ArenaServiceStub(channel)
    responses = client.Session(requests(), metadata=[("authorization", f"Bearer {args.token}")])
    outbox.put(arena_service_pb2.SessionRequest(hello=session_pb2.Hello(sdk_name="python-example", sdk_version="0.1", strategy="bargain-hunter")))

    accepted = rejected = wakes = 0
    discount_ticks = round(args.discount_eur * 100)
    try:
        for resp in responses:
            kind = resp.WhichOneof("kind")
            if kind == "welcome":
                print(f"welcome: agent {resp.welcome.agent_id} in run {resp.welcome.run_id}", flush=True)
            elif kind == "wake_up":
                wake = resp.wake_up
                wakes += 1
                open_books = {b.product_id for b in wake.books}
                targets = [f for f in wake.price_forecasts if f.product_id in open_books]
                actions = []
                if targets:
                    f = targets[-1]
                    actions.append(session_pb2.Action(
                        client_ref=f"py-{wake.wake_id}",
                        submit=session_pb2.SubmitOrder(
                            product_id=f.product_id,
                            side=market_pb2.SIDE_BUY,
                            price_ticks=f.price_ticks - discount_ticks,
                            quantity_lots=1,
                            time_in_force=market_pb2.TIME_IN_FORCE_GTC,
                        ),
                    ))
                outbox.put(arena_service_pb2.SessionRequest(action_batch=session_pb2.ActionBatch(wake_id=wake.wake_id, actions=actions)))
            elif kind == "action_ack":
                for r in resp.action_ack.results:
                    if r.status == session_pb2.ACTION_STATUS_ACCEPTED:
                        accepted += 1
                    else:
                        rejected += 1
                        print(f"rejected {r.client_ref}: {r.field} {r.limit} {r.message}", flush=True)
            elif kind == "run_ended":
                print(f"run ended: {resp.run_ended.reason}; profit {resp.run_ended.result.profit_eur:.2f} EUR", flush=True)
                break
    except grpc.RpcError as err:
        print(f"session ended: {err.code()} {err.details()}", file=sys.stderr, flush=True)
        return 1
    finally:
        outbox.put(None)
    print(f"python agent: {wakes} wake-ups, {accepted} accepted, {rejected} rejected", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
