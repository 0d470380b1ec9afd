"""A shared key lookup: the requests waiting for it outlive a leader or a follower that hangs up."""

import asyncio
import uuid

from app.security import KeyCache, KnownKey, Principal, Role

KNOWN = KnownKey(Principal(uuid.uuid4(), uuid.uuid4(), Role.staff, None), None, 0.0)


class Lookups:
    """Lookups that each wait to be let through."""

    def __init__(self) -> None:
        self.started = 0
        self.through = asyncio.Event()

    async def look_up(self) -> KnownKey:
        self.started += 1
        await self.through.wait()
        return KNOWN


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_when_the_leader_hangs_up_those_waiting_look_for_themselves() -> None:
    async def scenario() -> None:
        cache, lookups = KeyCache(seconds=5), Lookups()
        leader = asyncio.create_task(cache.look_up_once("h", lookups.look_up))
        await _settle()
        waiting = [asyncio.create_task(cache.look_up_once("h", lookups.look_up)) for _ in range(3)]
        await _settle()
        assert lookups.started == 1
        leader.cancel()
        await _settle()
        assert lookups.started == 4  # each waiting request now looks for itself
        lookups.through.set()
        assert await asyncio.gather(*waiting) == [KNOWN] * 3

    asyncio.run(scenario())


def test_a_waiting_request_that_hangs_up_leaves_the_lookup_to_the_others() -> None:
    async def scenario() -> None:
        cache, lookups = KeyCache(seconds=5), Lookups()
        leader = asyncio.create_task(cache.look_up_once("h", lookups.look_up))
        await _settle()
        gone, staying = (
            asyncio.create_task(cache.look_up_once("h", lookups.look_up)) for _ in range(2)
        )
        await _settle()
        gone.cancel()
        lookups.through.set()
        assert list(await asyncio.gather(leader, staying)) == [KNOWN, KNOWN]
        assert lookups.started == 1
        # Over: the next miss looks again.
        assert await cache.look_up_once("h", lookups.look_up) == KNOWN
        assert lookups.started == 2

    asyncio.run(scenario())
