"""The wire format of every stream entry: one field, the CloudEvent as JSON.

FastStream's default Redis format is a binary envelope only FastStream reads.
This format writes ``XADD <stream> * __data__ <CloudEvent JSON>`` so a service
in any language can read and write the streams.
"""

from __future__ import annotations

from typing import Any

from faststream.redis.parser.message import MessageFormat


class CloudEventJSONFormat(MessageFormat):
    __slots__ = ()

    @classmethod
    async def encode(cls, *, message: Any, reply_to: str | None, headers: dict[str, Any] | None,
                     correlation_id: str, serializer: Any = None, codec: Any = None) -> bytes:
        built = await cls.build(message=message, reply_to=reply_to, headers=headers,
                                correlation_id=correlation_id, serializer=serializer, codec=codec)
        return built.data

    @classmethod
    def parse(cls, data: bytes) -> tuple[bytes, dict[str, Any]]:
        # Handed on undecoded: the consumer validates it and dead-letters what is not a CloudEvent.
        return data, {"content-type": "application/octet-stream"}
