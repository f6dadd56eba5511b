"""A real S3 API server on this machine for the tests: moto's server mode (`moto_server`)."""

import contextlib
import sys
from pathlib import Path

import boto3

from devstack.stack import Process, free_port, spawn, wait_until_ready

ACCESS_KEY, SECRET_KEY, REGION = "testing-key", "testing-secret", "us-east-1"


def client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


@contextlib.contextmanager
def moto_server():
    """Run `moto_server` on 127.0.0.1; yield its address; stop it by its PID."""
    port = free_port()
    binary = Path(sys.executable).with_name("moto_server")
    process: Process = spawn(
        "moto",
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        {
            "PATH": "/usr/bin:/bin",
            "MOTO_ALLOW_NONEXISTENT_REGION": "false",
        },
    )
    process.url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, "/moto-api/", timeout=60)
        yield process.url
    finally:
        process.stop()
