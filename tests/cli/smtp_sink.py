#!/usr/bin/env python3
"""A small SMTP server for the notice tests (test_notices.py), on loopback only.

smtp_sink.py PORT DIR [DELAY]: accepts mail on 127.0.0.1:PORT (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT; no STARTTLS, no AUTH) and writes each message to DIR as a file named by the time
it arrived, the envelope's recipients on its first line ("RCPT: a@b, c@d"), then the message with
its dots unstuffed, then answers (after DELAY seconds, default 0: a slow relay). Prints "ready" once
listening; runs until killed.
"""
import asyncio
import itertools
import os
import sys
import time

PORT = int(sys.argv[1])
DIR = sys.argv[2]
SEQ = itertools.count()  # two messages in the same microsecond get two files
DELAY = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0


async def session(reader, writer):
    def reply(line):
        writer.write((line + "\r\n").encode())

    rcpt = []
    reply("220 localhost smtp_sink")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = line.decode("utf-8", "replace").rstrip("\r\n")
        verb = cmd.split(" ", 1)[0].upper()
        if verb == "EHLO":
            reply("250-localhost")
            reply("250-8BITMIME")
            reply("250 SMTPUTF8")
        elif verb == "HELO":
            reply("250 localhost")
        elif verb == "MAIL":
            rcpt = []
            reply("250 OK")
        elif verb == "RCPT":
            rcpt.append(cmd.split(":", 1)[1].strip().strip("<>").split(">")[0])
            reply("250 OK")
        elif verb == "DATA":
            reply("354 End data with <CR><LF>.<CR><LF>")
            await writer.drain()
            lines = []
            while True:
                data = await reader.readline()
                if not data or data in (b".\r\n", b".\n"):
                    break
                if data.startswith(b".."):
                    data = data[1:]
                lines.append(data)
            name = os.path.join(DIR, "%.6f-%06d.eml" % (time.time(), next(SEQ)))
            with open(name + ".tmp", "wb") as f:
                f.write(("RCPT: %s\r\n" % ", ".join(rcpt)).encode())
                f.write(b"".join(lines))
            os.rename(name + ".tmp", name)
            if DELAY:
                await asyncio.sleep(DELAY)
            reply("250 OK: queued")
        elif verb in ("RSET", "NOOP"):
            reply("250 OK")
        elif verb == "QUIT":
            reply("221 Bye")
            await writer.drain()
            break
        else:
            reply("502 Command not implemented")
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", PORT, reuse_address=True)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
