#!/usr/bin/python3
"""
An independent MLLP receiver built only on Debian's python3-hl7 (hl7.mllp): it parses every
message with python-hl7, writes OBX-5's base64 document (decoded) to OUT_DIR/<MSH-10>.pdf and
a summary line to OUT_DIR/<MSH-10>.json, and answers with python-hl7's own ACK (AA).
Usage: hl7_mllp_peer.py OUT_DIR   (prints "PORT <n>" once listening on 127.0.0.1)
"""
import asyncio
import base64
import faulthandler
import json
import os
import sys

import hl7
from hl7.mllp import start_hl7_server

OUT = sys.argv[1]
# If this peer is ever stuck, say where (stderr; the test prints it when it fails).
faulthandler.dump_traceback_later(15, exit=False)
print("STARTING", flush=True)


async def on_client(reader, writer):
    try:
        while not writer.is_closing():
            msg = await reader.readmessage()
            control_id = str(msg.segment("MSH")[10])
            obx5 = msg.segment("OBX")[5]
            # ED: ^application^pdf^Base64^<data> -> component 5 (1-based)
            data = str(obx5[0][4]) if len(obx5[0]) >= 5 else ""
            with open(os.path.join(OUT, control_id + ".pdf"), "wb") as f:
                f.write(base64.b64decode(data))
            summary = {
                "type": str(msg.segment("MSH")[9]),
                "version": str(msg.segment("MSH")[12]),
                "mrn": str(msg.segment("PID")[3][0][0]),
                "patient": str(msg.segment("PID")[5]),
                "documentNumber": str(msg.segment("TXA")[12]),
                "parentDocumentNumber": str(msg.segment("TXA")[13]),
                "completion": str(msg.segment("TXA")[17]),
            }
            with open(os.path.join(OUT, control_id + ".json"), "w") as f:
                json.dump(summary, f)
            writer.writemessage(msg.create_ack("AA"))
            await writer.drain()
    except asyncio.IncompleteReadError:
        pass
    finally:
        writer.close()


async def main():
    server = await start_hl7_server(on_client, host="127.0.0.1", port=0, encoding="utf-8", limit=32 * 1024 * 1024)
    port = server.sockets[0].getsockname()[1]
    print("PORT", port, flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
