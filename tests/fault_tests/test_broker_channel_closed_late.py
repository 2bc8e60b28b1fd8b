"""Redis lost while the worker's consumer channel waits in BRPOP with an unacknowledged task:
Celery's reconnection collects the broker connection and then closes it, and that late close of
the consumer channel must end as a connection error the worker handles, the task kept in Redis
and back in the queue after the visibility timeout.

The worker's own steps are replayed on the app's broker connection (the transport the settings
choose), so the order that the event loop only sometimes produces happens every run; the real
worker going through a Redis restart is tests/fault_tests/test_redis_outage.py."""

import pytest
import redis as redis_client
from kombu import Exchange, Queue
from kombu.common import ignore_errors

from config.celery import app as celery_app
from tests.fault_tests.servers import wait_for


@pytest.mark.slow
def test_a_late_close_after_redis_is_lost_keeps_the_task_and_raises_no_attribute_error(
    private_redis,
):
    queue = Queue("celery", Exchange("celery", "direct"), "celery")
    connection = celery_app.connection_for_read()
    connection.ensure_connection(max_retries=3)
    with connection.Producer() as producer:
        producer.publish({"id": 1}, exchange=queue.exchange, routing_key="celery", declare=[queue])
    received = []
    consumer = connection.Consumer([queue], callbacks=[lambda body, message: received.append(body)])
    consumer.consume()
    connection.drain_events(timeout=10)
    assert received == [{"id": 1}]  # delivered, not acknowledged (acks_late)
    # The remote-control channel: a fanout queue deleted when its channel closes.
    control = connection.channel()
    connection.Consumer(
        [Queue("fault.pidbox", Exchange("fault.pidbox", "fanout"), auto_delete=True)],
        channel=control,
        no_ack=True,
    ).consume()
    control.client  # noqa: B018 (its client is made, as the event loop makes it)
    connection.default_channel._brpop_start()  # the BRPOP the event loop keeps waiting
    private_redis.stop()

    # What Celery's consumer does when the broker is lost (on_connection_error_after_connected):
    # ignore_errors() takes connection and channel errors; anything else stops the worker.
    connection.collect(socket_timeout=5)
    ignore_errors(connection, connection.close)

    private_redis.start()
    broker = redis_client.Redis(port=private_redis.port)
    assert broker.hlen("unacked") == 1  # the task is kept, waiting for its visibility timeout
    after = celery_app.connection_for_read()
    try:
        channel = after.default_channel
        wait_for(
            lambda: channel.qos.restore_visible(interval=1) or broker.llen("celery") == 1,
            30,
            "the task back in the queue",
        )
    finally:
        after.close()
    assert broker.hlen("unacked") == 0
