"""A chat service's answer of success, for tests that stub requests under Apprise."""


class OkAnswer:
    status_code = 200
    content = b'{"ok": true}'
    text = '{"ok": true}'
    headers: dict = {}

    def json(self):
        return {"ok": True}


class SlackHookAnswer(OkAnswer):
    """What a Slack incoming webhook answers to a post it takes."""
    content = b"ok"
    text = "ok"
