package io.pgmcp.config;

/** What the guard does when a query reads a denied column: reject it, or drop the column from the select list. Configured in lower case. */
public enum OnDenied {
    REJECT, FILTER
}
