"""How far ``pledgewatch ingest`` got through the files it was given: what a stop (Ctrl+C) says of it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class IngestTally:
    files: int  # given to read
    published: int = 0
    unchanged: int = 0
    refused: int = 0
    gone: int = 0  # gone before it was read

    def stopped_text(self) -> str:
        read = self.published + self.unchanged + self.refused + self.gone
        gone = f", {self.gone} gone" if self.gone else ""
        return (f"stopped: {read} of {self.files} file{'s' if self.files != 1 else ''} read ({self.published} "
                f"published, {self.unchanged} unchanged, {self.refused} refused{gone}); run the same command again "
                "to go on: a file already published is not published again while it is unchanged")
