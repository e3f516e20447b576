"""TLS for the SMTP tests: a certificate authority the app trusts, and the server's context."""

from __future__ import annotations

import ssl

import pytest
import trustme


@pytest.fixture(scope="session")
def certificate_authority(tmp_path_factory) -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusted_tls(certificate_authority, tmp_path, monkeypatch) -> ssl.SSLContext:
    """The server side's TLS context; the app trusts its CA as it would SSL_CERT_FILE's."""
    bundle = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(context)
    return context
