"""``kgraph serve``: the read-only SPARQL 1.1 Protocol endpoint."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import render
from . import command, state


@command(
    "serve",
    example="""kgraph serve
    kgraph serve --port 8080 --cors --timeout 30""",
)
def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless --allow-remote).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port (0: any free port).", min=0, max=65535)
    ] = 7878,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", metavar="SECONDS", help="Seconds a query may run before it is stopped."
        ),
    ] = 10.0,
    max_results: Annotated[
        int,
        typer.Option(
            "--max-results",
            help="Most rows (or triples) returned per query; more are cut off.",
            min=0,
        ),
    ] = 10_000,
    cors: Annotated[
        bool, typer.Option("--cors", help="Allow web pages from any origin to query.")
    ] = False,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow listening on a non-loopback address (anyone who reaches it can query).",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", help="Query worker processes.", min=1, max=64)
    ] = 2,
    worker_memory: Annotated[
        int,
        typer.Option(
            "--worker-memory",
            help="MiB of memory a query may take in its worker (0: no limit); beyond it, 503.",
            min=0,
        ),
    ] = 1024,
    max_connections: Annotated[
        int,
        typer.Option("--max-connections", help="Connections served at once; more get 503.", min=1),
    ] = 256,
    cache_mb: Annotated[
        int,
        typer.Option(
            "--cache-mb",
            help="MiB of finished answers kept for repeated requests, per store generation (0: none).",
            min=0,
        ),
    ] = 64,
) -> None:
    """Serve the graph: a read-only SPARQL endpoint at /sparql, the explorer at /, ask JSON at /ask."""
    import signal

    from ..server import ServerConfig, SparqlServer, is_loopback

    config = ServerConfig(
        host=host,
        port=port,
        timeout=timeout,
        max_results=max_results,
        cors=cors,
        allow_remote=allow_remote,
        workers=workers,
        worker_memory=worker_memory,
        max_connections=max_connections,
        cache_mb=cache_mb,
    )
    server = SparqlServer(config, state.store, state.update_url)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if not is_loopback(host):
        render.warn(
            f"listening on {host}: anyone who can reach this address can query the graph "
            "(read-only); put it behind a proxy with authentication if that is not what you want"
        )
    render.note(
        f"kgraph: SPARQL endpoint at {server.url} (explorer at {server.base}/, "
        f"timeout {timeout:g} s, at most {max_results} results; Ctrl-C stops)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
