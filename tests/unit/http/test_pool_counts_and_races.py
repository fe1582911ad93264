"""SessionPool bookkeeping a caller can see: the default size, the eviction count, and a
client made by a thread that lost the race for its key."""

from __future__ import annotations

from contextlib import ExitStack

import httpx

from txo.http.pool import SessionPool


def new_client() -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200)))


def test_the_pool_holds_50_clients_by_default() -> None:
    with SessionPool() as pool:
        for n in range(51):
            with pool.lease((f"https://h{n}", "anonymous"), new_client):
                pass
        assert len(pool) == 50 and pool.stats.evictions == 1


def test_every_eviction_is_counted() -> None:
    with SessionPool(max_size=1) as pool:
        for n in range(4):
            with pool.lease((f"https://h{n}", "anonymous"), new_client):
                pass
        assert pool.stats.evictions == 3 and pool.stats.open == 1


def test_the_loser_of_a_creation_race_gets_the_winners_client_and_its_own_is_closed() -> None:
    pool = SessionPool(max_size=1)
    key = ("https://h", "anonymous")
    made: list[httpx.Client] = []

    def slow_factory() -> httpx.Client:
        # another thread creates and returns the client for the same key meanwhile
        with pool.lease(key, new_client) as other:
            made.append(other)
        mine = new_client()
        made.append(mine)
        return mine

    with pool.lease(key, slow_factory) as leased:
        winner, mine = made
        assert leased is winner and mine.is_closed
    with pool.lease(("https://other", "anonymous"), new_client):
        pass  # evicts the winner: no lease holds it any more, so it is closed now
    assert winner.is_closed and pool.stats.open == 1
    pool.close()


def test_a_client_won_in_a_race_stays_open_while_the_winner_still_uses_it() -> None:
    pool = SessionPool(max_size=1)
    key = ("https://h", "anonymous")
    other_thread = ExitStack()
    made: list[httpx.Client] = []

    def slow_factory() -> httpx.Client:
        # another thread creates the client for the same key and is still using it
        made.append(other_thread.enter_context(pool.lease(key, new_client)))
        return new_client()

    with pool.lease(key, slow_factory) as leased:
        assert leased is made[0]
    with pool.lease(("https://other", "anonymous"), new_client):
        pass  # evicts the shared client, which the other thread still holds
    assert not made[0].is_closed
    other_thread.close()
    assert made[0].is_closed and pool.stats.open == 1
    pool.close()
