package io.pgmcp.config;

/** Where audit events go. {@code STDOUT} is only allowed with the HTTP transport. Configured in lower case. */
public enum AuditStorage {
    FILE, STDOUT, STDERR, DATABASE
}
