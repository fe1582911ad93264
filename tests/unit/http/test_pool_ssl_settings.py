"""The pool's SSL contexts honour a CA bundle file or folder and a client certificate.

A throw-away self-signed certificate is written to ``tmp_path`` (``cryptography`` is a dev
dependency); nothing is sent over the network.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from txo.http.pool import SessionPool

COMMON_NAME = "txo test CA"


@pytest.fixture
def pem_files(tmp_path: Path) -> tuple[Path, Path]:
    """(certificate file, key file) of a self-signed CA certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, COMMON_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "ca.pem", tmp_path / "ca.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def subjects(pool: SessionPool, verify: str) -> list[object]:
    return [cert["subject"] for cert in pool.ssl_context(verify).get_ca_certs()]


def test_a_ca_bundle_file_is_the_only_trust_anchor(pem_files: tuple[Path, Path]) -> None:
    with SessionPool() as pool:
        assert subjects(pool, str(pem_files[0])) == [((("commonName", COMMON_NAME),),)]


def test_a_ca_folder_is_accepted(pem_files: tuple[Path, Path]) -> None:
    with SessionPool() as pool:
        context = pool.ssl_context(str(pem_files[0].parent))
        assert context.get_ca_certs() == []  # a folder is searched per handshake, not loaded


@pytest.mark.parametrize("combined", [False, True])
def test_a_client_certificate_is_loaded(pem_files: tuple[Path, Path], combined: bool) -> None:
    cert_file, key_file = pem_files
    with SessionPool() as pool:
        if combined:
            both = cert_file.with_name("both.pem")
            both.write_bytes(cert_file.read_bytes() + key_file.read_bytes())
            assert pool.ssl_context(True, str(both)) is pool.ssl_context(True, str(both))
        else:
            pair = (str(cert_file), str(key_file))
            assert pool.ssl_context(True, pair) is not pool.ssl_context(True)


def test_an_unreadable_client_certificate_fails_at_once(tmp_path: Path) -> None:
    with SessionPool() as pool, pytest.raises(OSError):
        pool.ssl_context(True, str(tmp_path / "missing.pem"))
