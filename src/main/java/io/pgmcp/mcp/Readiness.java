package io.pgmcp.mcp;

import java.util.List;

/** What {@code GET /readyz} reports: the names of the databases that cannot be reached now. */
@FunctionalInterface
public interface Readiness {

    /** Always ready. */
    Readiness ALWAYS = List::of;

    /** @return the unreachable databases' names (never hosts or errors); empty when all are reachable */
    List<String> unavailable();
}
