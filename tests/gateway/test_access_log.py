"""Every line of the gateway's JSON access log parses as JSON, even for a request that ended
before it had a status (nginx's "000", seen when a phone drops an HTTP/2 stream mid-headers)."""

import json
import socket
import ssl
import time

import pytest

from support.stack import Stack, free_port
from support.tls import self_signed

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  # + empty SETTINGS


def _frame(kind: int, flags: int, stream: int, payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


@pytest.fixture
def tls_gateway(tmp_path):
    log = tmp_path / "access.log"
    cert, key = self_signed(tmp_path, "127.0.0.1", "IP:127.0.0.1")
    gateway = Stack(only=("gateway",))
    port = free_port()
    gateway.env.update(
        {
            "GATEWAY_ACCESS_LOG": f"{log} json",
            "GATEWAY_TLS_CERT": str(cert),
            "GATEWAY_TLS_KEY": str(key),
            "GATEWAY_LISTEN": f"127.0.0.1:{port} ssl http2",
            "GATEWAY_HTTP_LISTEN": f"127.0.0.1:{gateway.env['GATEWAY_PORT']}",
        }
    )
    gateway.start()
    yield port, log
    gateway.stop()


def test_a_stream_closed_mid_headers_is_logged_as_json_with_status_0(tls_gateway):
    port, log = tls_gateway
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    with context.wrap_socket(socket.create_connection(("127.0.0.1", port))) as phone:
        # HEADERS for GET https / with END_STREAM but no END_HEADERS: the rest never comes.
        phone.sendall(PREFACE + _frame(1, 0x1, 1, bytes([0x82, 0x87, 0x84])))
        time.sleep(0.2)
    deadline = time.monotonic() + 5
    while "HTTP/2.0" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)

    entries = [json.loads(line) for line in log.read_text().splitlines()]

    unfinished = [e for e in entries if e["http"] == "HTTP/2.0"]
    assert [e["status"] for e in unfinished] == [0]
