"""Request bodies either side of an API's rules, for the tests that post them and compare the answer with what
``/openapi.json`` documents (see ``DocumentedBody`` in ``tests/conftest.py``)."""

from __future__ import annotations

from hypothesis import strategies as st

ABSENT = object()  # a field left out of the body


def changed_bodies(good: dict[str, object], fields: dict[str, list[object]], *, most: int) -> st.SearchStrategy:
    """``good`` with one to ``most`` of ``fields`` set to one of their values (good ones and each way the API
    refuses one; ``ABSENT`` leaves the field out), so that bodies either side of every rule come up."""
    def body(changes: dict[str, object]) -> dict[str, object]:
        return {name: value for name, value in {**good, **changes}.items() if value is not ABSENT}

    return st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=most, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: st.sampled_from(fields[name]) for name in names})).map(body)


async def assert_taken_as_documented(url: str, schema, headers: dict[str, str], body: dict[str, object], *,
                                     taken: tuple[int, ...]) -> None:
    """POST ``body`` to ``url``: answered one of ``taken`` when ``schema`` (a ``DocumentedBody``) admits it, else
    ``422``."""
    import aiohttp

    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(url, json=body) as resp:
            status, answer = resp.status, await resp.json()
    problems = schema.problems(body)
    assert status in (*taken, 422), answer
    assert (status != 422) == (problems == []), (body, answer, problems)
