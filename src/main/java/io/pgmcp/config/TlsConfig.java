package io.pgmcp.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** TLS for the HTTP transport: a PKCS#12 or JKS keystore holding the server certificate and key. */
public record TlsConfig(Path keystore, Optional<Secret> password) {
    public TlsConfig {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(password, "password");
    }
}
