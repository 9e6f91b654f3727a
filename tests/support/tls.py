"""A throwaway self-signed certificate for TLS renders of the gateway (tests and benches)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def self_signed(directory: Path, common_name: str, alt_name: str | None = None) -> tuple[Path, Path]:
    """Write cert.pem and key.pem (valid one day) into `directory`; returns (cert, key)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        f"/CN={common_name}",
        "-keyout",
        str(key),
        "-out",
        str(cert),
    ]
    if alt_name:
        command += ["-addext", f"subjectAltName={alt_name}"]
    subprocess.run(command, check=True, capture_output=True)
    return cert, key
