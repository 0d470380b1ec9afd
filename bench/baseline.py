"""The bare FastAPI endpoint every served route is measured against (`bench/run`): the same
server, the same machine and the same moment, doing nothing but answering a small JSON."""

from fastapi import FastAPI

app = FastAPI(openapi_url=None)


@app.get("/")
async def answer() -> dict[str, str]:
    return {"status": "ok"}
