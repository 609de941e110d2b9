package io.pgmcp.catalog;

import java.util.List;

/** A user-defined enum type and its labels in sort order. */
public record EnumType(String schema, String name, List<String> labels) {
    public EnumType {
        labels = List.copyOf(labels);
    }
}
