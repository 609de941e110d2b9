package io.pgmcp.llm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.IndexInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.sql.AccessPolicy;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemaTextTest {
    static final Catalog CATALOG = new Catalog("main", Instant.EPOCH, List.of("public"), List.of(
            table("orders", 200_000, List.of("id", "customer_id", "email", "created_at"),
                    new IndexInfo("orders_pkey", List.of("id"), "btree", true, true),
                    new IndexInfo("orders_email_idx", List.of("email"), "btree", false, false),
                    new IndexInfo("orders_lower_email_idx", List.of("lower(email)"), "btree", false, false),
                    new IndexInfo("orders_customer_created_idx", List.of("customer_id", "created_at"), "btree", false,
                            false),
                    new IndexInfo("orders_created_at_idx", List.of("created_at"), "brin", false, false)),
            table("events", 50_000, List.of("id", "payload")),
            table("countries", 250, List.of("code"))), List.of(), Set.of());

    static TableInfo table(String name, double rows, List<String> columns, IndexInfo... indexes) {
        return new TableInfo("public", name, RelationKind.TABLE, Optional.empty(), rows, columns.stream()
                .map(c -> new ColumnInfo(c, "text", "text", true, Optional.empty(), c.equals("id"), c.equals("id"),
                        Optional.empty(), List.of(), Optional.empty()))
                .toList(), Arrays.asList(indexes));
    }

    static Catalog visible(String... deniedColumns) {
        return new AccessPolicy(new AccessPolicyConfig(List.of("public"), TableAccessConfig.defaults(),
                new ColumnAccessConfig(List.of(deniedColumns), List.of(), OnDenied.REJECT, SelectStarPolicy.REJECT),
                ExplainPolicyConfig.defaults(), FunctionAccessConfig.defaults())).visible(CATALOG);
    }

    @Test
    void largeTablesShowTheirRowsAndTheColumnsToFilterOnThroughAnIndex() {
        String text = SchemaText.render(visible(), OptionalLong.of(10_000));
        assertTrue(text.contains("### public.orders  (large: ~200,000 rows; filter through an index on: id, email, "
                + "customer_id, created_at)\n"), text);
        assertTrue(text.contains("### public.events  (large: ~50,000 rows; no index to filter on: use a LIMIT)\n"),
                text);
        assertTrue(text.contains("### public.countries\nEstimated rows: 250\n"), text);
        assertFalse(text.contains("Estimated rows: 200000"), "the heading carries it: " + text);
    }

    @Test
    void indexesOnADeniedColumnAreNotOffered() {
        String text = SchemaText.render(visible("orders.email"), OptionalLong.of(10_000));
        assertTrue(text.contains("(large: ~200,000 rows; filter through an index on: id, customer_id, created_at)"),
                text);
        assertFalse(text.contains("email"), text);
    }

    @Test
    void withoutALargeTableLimitNothingIsMarked() {
        String text = SchemaText.render(visible(), OptionalLong.empty());
        assertFalse(text.contains("large:"), text);
        assertTrue(text.contains("### public.orders\nEstimated rows: 200000\n"), text);
    }
}
