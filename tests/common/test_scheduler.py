"""Exactly one scheduler leads; the heartbeat job runs end to end."""

from redis import Redis

from common.heartbeat import heartbeat
from common.scheduler import LeaderLock, build_scheduler


def test_only_one_leader_at_a_time(wiper):
    import os

    connection = Redis.from_url(os.environ["REDIS_QUEUE_URL"])
    first, second = LeaderLock(connection, ttl=5), LeaderLock(connection, ttl=5)
    assert first.hold() is True
    assert second.hold() is False
    assert first.hold() is True  # renewal by the holder
    first.release()
    assert second.hold() is True


def test_schedule_enqueues_the_heartbeat(wiper):
    import os

    from rq import Queue

    connection = Redis.from_url(os.environ["REDIS_QUEUE_URL"])
    scheduler = build_scheduler(connection)
    enqueued = scheduler.enqueue_jobs()
    assert heartbeat in [job.func for job in enqueued]
    default_jobs = [job.func for job in Queue("default", connection=connection).get_jobs()]
    assert default_jobs.count(heartbeat) == 1
