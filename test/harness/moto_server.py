"""moto_server with DynamoDB requests taken one at a time.

Real DynamoDB evaluates a conditional write (ConditionExpression, TransactWriteItems) atomically.
moto's DynamoDB backend checks the condition and then writes, with no lock, while moto_server
serves each request on its own thread: under load two conditional writes can both pass, which
real DynamoDB never allows. Serialising DynamoDB requests gives back the atomicity the store's
race tests rely on. Every other service (SQS long polls included) stays concurrent.

With SENTINEL_MOTO_EXIT_WITH_STDIN=1 the server also ends when its standard input closes: a server
the harness keeps for a whole test file (harness/moto.ts) ends with the test process that started
it, even one that died before stopping it.

Usage: python moto_server.py -H 127.0.0.1 -p PORT   (the moto_server arguments)
"""

import os
import sys
import threading

import moto.server as server

_dynamodb = threading.Lock()
_run_simple = server.run_simple


def _serialise_dynamodb(app):
    def wrapped(environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            with _dynamodb:
                # The body is produced inside the lock: the write happens while it is built.
                return list(app(environ, start_response))
        return app(environ, start_response)

    return wrapped


def _run_simple_serialised(host, port, app, **options):
    return _run_simple(host, port, _serialise_dynamodb(app), **options)


server.run_simple = _run_simple_serialised


def _exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


if __name__ == "__main__":
    if os.environ.get("SENTINEL_MOTO_EXIT_WITH_STDIN") == "1":
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    server.main()
