package io.pgmcp.sql;

import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * {@code select_star_policy: expand_safe}: records which {@code *} items to replace by the allowed
 * columns of their relations, and applies the replacement to the parsed tree once the analysis found
 * nothing else wrong. Not thread-safe; one per check.
 */
final class StarRewrite {
    private final boolean enabled;
    private final Map<SelectItem<?>, List<Column>> replacements = new IdentityHashMap<>();
    private final Map<SelectItem<?>, List<SelectItem<?>>> owners = new IdentityHashMap<>();

    StarRewrite(boolean enabled) {
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    /** Remembers the list a select item belongs to, so it can be replaced in place. */
    void owner(SelectItem<?> item, List<SelectItem<?>> list) {
        owners.put(item, list);
    }

    List<SelectItem<?>> ownerOf(SelectItem<?> item) {
        return owners.get(item);
    }

    void expand(SelectItem<?> item, List<Relation> relations, AccessPolicy policy) {
        List<Column> columns = new ArrayList<>();
        for (Relation relation : relations) {
            Table qualifier = relation.name().isEmpty() ? null : new Table(Names.display(relation.name()));
            for (int i = 0; i < relation.columns().size(); i++) {
                String visible = relation.columns().get(i);
                if (relation.table().isPresent()) {
                    TableInfo table = relation.table().get();
                    ColumnInfo column = table.columns().get(i);
                    if (!policy.columnAllowed(table.schema(), table.name(), column.name())) {
                        continue;
                    }
                }
                columns.add(new Column(qualifier, Names.display(visible)));
            }
        }
        replacements.put(item, columns);
    }

    boolean any() {
        return !replacements.isEmpty();
    }

    /** Replaces every recorded item by its columns; answers false when an item cannot be found. */
    boolean apply() {
        for (Map.Entry<SelectItem<?>, List<Column>> entry : replacements.entrySet()) {
            List<SelectItem<?>> list = owners.get(entry.getKey());
            int index = list == null ? -1 : indexOf(list, entry.getKey());
            if (index < 0 || entry.getValue().isEmpty()) {
                return false;
            }
            list.remove(index);
            List<SelectItem<?>> expanded = new ArrayList<>();
            for (Column column : entry.getValue()) {
                expanded.add(new SelectItem<>(column));
            }
            list.addAll(index, expanded);
        }
        return true;
    }

    static int indexOf(List<SelectItem<?>> list, SelectItem<?> item) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == item) {
                return i;
            }
        }
        return -1;
    }
}
