package io.pgmcp.config;

/** What the guard does with {@code SELECT *} over a table with denied columns. Configured in lower case. */
public enum SelectStarPolicy {
    REJECT, EXPAND_SAFE
}
