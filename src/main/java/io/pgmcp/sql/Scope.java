package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One query level for name resolution: its FROM relations, the CTEs it defines, its output column
 * names (for ORDER BY), and the enclosing level (for correlated subqueries and LATERAL).
 */
final class Scope {
    final Scope parent;
    final List<Relation> relations = new ArrayList<>();
    final Map<String, Relation> ctes = new HashMap<>();
    List<String> outputNames = List.of();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The CTE of that name visible here (this level or an enclosing one). */
    Optional<Relation> cte(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Relation cte = s.ctes.get(name);
            if (cte != null) {
                return Optional.of(cte);
            }
        }
        return Optional.empty();
    }

    Optional<Relation> relation(String name) {
        for (Relation relation : relations) {
            if (relation.name().equals(name)) {
                return Optional.of(relation);
            }
        }
        return Optional.empty();
    }
}
