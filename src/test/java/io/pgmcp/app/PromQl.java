package io.pgmcp.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PromQL expression of {@code conf/} refers to, found by scanning its text: pg-mcp's metric
 * names, the label matchers of each selector, the labels of its {@code by}/{@code without} clauses,
 * the metrics handed straight to {@code rate} or {@code increase}. Not a parser — string literals are
 * blanked before names are looked for, and a selector's braces must not hold a brace — which is enough
 * for the expressions of the dashboard and the alert rules.
 */
final class PromQl {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern METRIC = Pattern.compile("(?<![a-zA-Z0-9_:$])pg_mcp_[a-zA-Z0-9_:]*");
    private static final Pattern SELECTOR = Pattern
            .compile("(?<![a-zA-Z0-9_:$])(pg_mcp_[a-zA-Z0-9_:]*)\\s*\\{([^{}]*)}");
    private static final Pattern MATCHER = Pattern
            .compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern RATE_ARGUMENT = Pattern
            .compile("\\b(?:rate|increase|irate)\\s*\\(\\s*(pg_mcp_[a-zA-Z0-9_:]*)");

    /** One label matcher of a selector: {@code metric{label op "value"}}. */
    record LabelMatcher(String metric, String label, String op, String value) {
        /** The values a (regex) matcher names: {@code "A|B"} → A, B. */
        List<String> alternatives() {
            return op.endsWith("~") ? Arrays.asList(value.split("\\|")) : List.of(value);
        }
    }

    private PromQl() {}

    /** The pg_mcp_ metric names of {@code promql}, in order, outside string literals. */
    static Set<String> metricNames(String promql) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(blankStrings(promql));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** Every label matcher of every pg_mcp_ selector of {@code promql}. */
    static List<LabelMatcher> matchers(String promql) {
        List<LabelMatcher> found = new ArrayList<>();
        Matcher selector = SELECTOR.matcher(promql);
        while (selector.find()) {
            Matcher matcher = MATCHER.matcher(selector.group(2));
            while (matcher.find()) {
                found.add(new LabelMatcher(selector.group(1), matcher.group(1), matcher.group(2), matcher.group(3)));
            }
        }
        return found;
    }

    /** The labels named in {@code by (...)} and {@code without (...)} clauses. */
    static Set<String> groupingLabels(String promql) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = GROUPING.matcher(blankStrings(promql));
        while (m.find()) {
            for (String label : m.group(1).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        return labels;
    }

    /** The metrics given straight to {@code rate}, {@code irate} or {@code increase}: they must be counters. */
    static Set<String> rateArguments(String promql) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = RATE_ARGUMENT.matcher(blankStrings(promql));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * {@code promql} with Grafana's variables replaced as Grafana would for "All" and a 5-minute
     * range, so Prometheus can evaluate a dashboard query.
     */
    static String withGrafanaVariables(String promql, Duration range) {
        return promql.replace("$__rate_interval", "1m").replace("$__range", range.toSeconds() + "s")
                .replace("$instance", ".*").replace("$database", ".*");
    }

    private static String blankStrings(String promql) {
        return STRING.matcher(promql).replaceAll("\"\"");
    }
}
