"""The Redis broker transport of the web and the worker: kombu's, with one failure made an ordinary
connection error.

Invariant: a channel whose kombu connection was closed under it fails its broker calls with
redis' ConnectionError, which kombu and Celery handle on every path (log it, drop the channel,
reconnect), never with an AttributeError that no one handles and that stops the worker.

How the AttributeError comes about: when Redis goes away while the worker's consumer channel
waits in BRPOP and holds an unacknowledged task (`task_acks_late`), Celery's reconnection first
calls `Connection.collect()`. Closing the consumer channel there fails at once (the pending BRPOP
reply cannot be read), closing the remote-control channel fails next (its queue cannot be
deleted), and `collect()` then drops the transport's link to its connection. The `close()` that
follows closes the consumer channel again; it goes on to put its unacknowledged message back,
builds a new connection pool from that link, now None, and fails with `'NoneType' object has no
attribute 'hostname'` outside every handler. As a connection error instead, the close ends like
any close while Redis is down: the message stays in Redis' unacknowledged set and comes back to
the queue after the visibility timeout, and the worker reconnects when Redis is back.
"""

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("The broker connection of this channel is closed.")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
