"""The bare endpoint the benchmark compares the app with: a 5-line FastAPI sync handler that
returns 2 KB of HTML (bench/scale.py serves it under the app's own uvicorn settings)."""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = "<!doctype html><html><head><title>Bare</title></head><body>" + "<p>x</p>" * 246
PAGE += "</body></html>"

app = FastAPI()


@app.get("/", response_class=HTMLResponse)
def page() -> str:
    return PAGE
