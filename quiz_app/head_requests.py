"""HEAD answers wherever GET does: the same status and headers, no body.

Link checkers, LMS link validators and uptime monitors send HEAD; FastAPI routes declared with
GET answer it 405 unless told otherwise. HTTP defines HEAD as GET without the body, so the
request is served as a GET and its body is dropped on the way out. GET pages here are free of
side effects, so this is safe.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Serve HEAD requests as GET, sending the status and headers but not the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # drop the chunk; the last one ends the response
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
