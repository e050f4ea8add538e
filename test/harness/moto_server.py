"""moto_server with DynamoDB requests taken one at a time.

Real DynamoDB evaluates a conditional write (ConditionExpression, TransactWriteItems) atomically.
moto's DynamoDB backend checks the condition and then writes, with no lock, while moto_server
serves each request on its own thread: under load two conditional writes can both pass, which
real DynamoDB never allows. Serialising DynamoDB requests gives back the atomicity the store's
race tests rely on. Every other service (SQS long polls included) stays concurrent.

Usage: python moto_server.py -H 127.0.0.1 -p PORT   (the moto_server arguments)
"""

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

if __name__ == "__main__":
    server.main()
