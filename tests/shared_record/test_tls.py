"""TLS with the server's name verified (sslmode=verify-full) against a real PostgreSQL with its own certificate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pg_server import PgServer
from sqlalchemy import text

from intake_gui.store.shared_record.config import parse
from intake_gui.store.shared_record.db import SharedRecordDB, SharedRecordUnavailable


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _ca(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _server_cert(ca_key, ca_cert, host: str):  # type: ignore[no-untyped-def]
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgServer, Path, Path]]:
    ca_key, ca = _ca("Intake test store CA")
    key, cert = _server_cert(ca_key, ca, "localhost")
    server = PgServer()
    crt = server.give(server.root / "server.crt", cert.public_bytes(serialization.Encoding.PEM))
    pem = server.give(server.root / "server.key", _pem_key(key))
    server.start(f"-c ssl=on -c ssl_cert_file={crt} -c ssl_key_file={pem}")
    here = tmp_path_factory.mktemp("client")
    good_ca = here / "root.crt"
    good_ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    other_ca = here / "other.crt"
    other_ca.write_bytes(_ca("Somebody else")[1].public_bytes(serialization.Encoding.PEM))
    yield server, good_ca, other_ca
    server.close()


def _url(server: PgServer, ca: Path) -> str:
    return (
        f"postgresql://postgres@localhost:{server.port}/postgres"
        f"?sslmode=verify-full&sslrootcert={ca}"
    )


def test_verify_full_connects_encrypted(tls_server) -> None:  # type: ignore[no-untyped-def]
    server, good_ca, _ = tls_server
    db = SharedRecordDB(parse(_url(server, good_ca)), password=server.password)
    try:
        with db.connect() as conn:
            ssl = conn.execute(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar()
        assert ssl is True
    finally:
        db.dispose()


def test_a_server_that_cannot_prove_its_name_is_refused(tls_server) -> None:  # type: ignore[no-untyped-def]
    server, _, other_ca = tls_server
    db = SharedRecordDB(parse(_url(server, other_ca)), password=server.password)
    try:
        with pytest.raises(SharedRecordUnavailable) as refused, db.connect():
            pass
        assert "TLS check failed" in refused.value.message
    finally:
        db.dispose()
