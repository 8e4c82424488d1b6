"""The build server: one long-running process that keeps the last build in memory.

``digest server`` listens on a socket named after the cache folder; while it
runs, ``digest generate`` and ``digest check`` with that cache folder hand
their command line to it and print its answer, instead of starting Python,
importing jieba, numpy and Jinja2 and reading the cache folder back every time.
The build in the server is the same code as in a new process
(``cli.main``), with what the last build left in the cache folder kept in
memory (``pagework.Keeper``): the output is the same byte for byte, and the
cache folder is written after the answer, for the next build in a new process.
mypy's daemon (``dmypy run``) and Gradle's daemon work the same way.

This module is imported by every ``digest`` command before it knows whether a
server runs, so it imports nothing beyond the standard library.

A server serves one cache folder and one version of the generator. A
command whose cache folder is another, or that finds the generator's files
(code, templates, dictionaries) changed since the server started, builds in its
own process; a server that finds itself outdated stops. The socket lives in a
folder only its user can enter, so no one else can talk to the server.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

PACKAGE = Path(__file__).parent
HEADER = struct.Struct("!I")  # each message: its length, then that many bytes of UTF-8 JSON


class ServerError(Exception):
    """The server cannot start; str() is a one-line reason."""


def available() -> bool:
    return hasattr(socket, "AF_UNIX") and hasattr(os, "getuid")


def socket_path(cache: Path) -> Path:
    """Where the server for ``cache`` listens: a private folder of the user's, the file named by the
    cache folder's full path (a socket's path must be short: 107 bytes on Linux)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"digest-{os.getuid()}"
    name = hashlib.sha256(str(Path(cache).resolve()).encode("utf-8")).hexdigest()[:24]
    return folder / f"{name}.sock"


def private_folder(folder: Path, *, make: bool = False) -> bool:
    """Whether ``folder`` is this user's alone (else no socket in it is used); ``make``: make it if missing."""
    if make:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700, parents=True)
    try:
        stat = folder.stat()
    except OSError:
        return False
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o077


def version() -> str:
    """What the server's code was loaded from: the interpreter and the size and time of every file of
    the package (code, templates, dictionaries). Reading times, not contents, keeps it cheap for
    every command."""
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        stat = path.stat()
        digest.update(f"{path.relative_to(PACKAGE)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def send(connection: socket.socket, message: dict) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    connection.sendall(HEADER.pack(len(data)) + data)


def receive(connection: socket.socket) -> dict | None:
    """The next message, or None when the other side closed the connection first."""
    header = receive_exactly(connection, HEADER.size)
    if header is None:
        return None
    data = receive_exactly(connection, HEADER.unpack(header)[0])
    return None if data is None else json.loads(data.decode("utf-8"))


def receive_exactly(connection: socket.socket, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------- the client side


def ask(cache: Path, argv: list[str]) -> dict | None:
    """Run a ``digest`` command line in the server for ``cache``, if one listens.

    Returns its answer ({"code", "stdout", "stderr"}, or {"refused": reason}), or None when no
    server listens (then the command runs in its own process).
    """
    if not available():
        return None
    path = socket_path(cache)
    if not path.exists() or not private_folder(path.parent):
        return None  # no server, or a socket someone else could have put there
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        try:
            connection.connect(str(path))
        except OSError:
            return None  # a socket left by a server that died: nobody listens
        try:
            send(connection, {"argv": argv, "cwd": os.getcwd(), "version": version()})
            return receive(connection)
        except OSError:
            return None


# ---------------------------------------------------------------- the server side


def listening(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def serve(cache: Path, *, idle_timeout: float | None = None, say=print) -> int:
    """Answer builds for the cache folder ``cache`` until interrupted (Ctrl-C, SIGTERM), idle for
    ``idle_timeout`` seconds, or outdated. Returns the exit code."""
    import threading

    from . import pagework, render  # the heavy imports: only the server pays them, once

    if not available():
        raise ServerError("this system has no Unix sockets; build without the server")
    cache = Path(cache).resolve()
    path = socket_path(cache)
    if not private_folder(path.parent, make=True):
        raise ServerError(f"{path.parent} is not a folder only you can use; not serving")
    if listening(path):
        raise ServerError(f"a build server for {cache} is already running")
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # left by a server that died
    started = version()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(8)
    listener.settimeout(idle_timeout)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop_on_signal) if in_main_thread else None
    pagework.KEEPER = pagework.Keeper(spares=cache / "spares")
    pagework.warm_up()
    render.compile_templates()
    say(f"digest: build server for {cache} ready; `digest generate --cache {cache} …` builds here. Ctrl-C stops it.")
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                say(f"digest: no build for {idle_timeout:g} s; build server stopped")
                return 0
            with connection:
                request = receive(connection)
                if request is None:  # another server checking whether this one listens
                    continue
                if request.get("version") != started:
                    send(connection, {"refused": "the generator changed since the build server started; "
                                                 "it stopped (start it again)"})
                    say("digest: the generator changed since this server started; build server stopped")
                    return 0
                began = time.perf_counter()
                answer = run(request, cache)
                with contextlib.suppress(OSError):  # a client that gave up waiting: the build stands
                    send(connection, answer)
                outcome = f"exit {answer['code']}" if "code" in answer else f"refused: {answer['refused']}"
                say(f"digest {' '.join(request['argv'])}: {outcome}, {time.perf_counter() - began:.2f} s")
            pagework.KEEPER.flush()  # after answering: the next build in a new process reads it
    except KeyboardInterrupt:
        say("digest: build server stopped")
        return 0
    finally:
        pagework.KEEPER.close()
        pagework.KEEPER = None
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def run(request: dict, cache: Path) -> dict:
    """One command line, run as ``digest`` would run it in the client's folder; its output captured."""
    from . import cli

    stdout, stderr = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        os.chdir(request["cwd"])
        args = cli.make_parser().parse_args(request["argv"])
        if cli.cache_of(args) != cache:
            return {"refused": f"the build server serves {cache}"}
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.run_here(args)
            except Exception:  # a bug: reported as a build in a new process would report it
                import traceback

                traceback.print_exc()
                code = 1
    except (OSError, SystemExit) as err:
        return {"refused": f"the build server could not run the command ({err})"}
    finally:
        os.chdir(here)
    return {"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
