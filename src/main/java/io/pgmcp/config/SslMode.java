package io.pgmcp.config;

import java.util.Locale;

/** libpq/pgjdbc {@code sslmode}; configured (and passed to the driver) as {@link #value()}, e.g. {@code verify-full}. */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The spelling used in the config file, URLs and the JDBC URL. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return value();
    }
}
