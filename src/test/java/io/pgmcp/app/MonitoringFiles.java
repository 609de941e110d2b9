package io.pgmcp.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code conf/grafana-dashboard.json} and {@code conf/prometheus-alerts.yaml} as the tests read them:
 * every PromQL expression in them, each named by where it is.
 */
record MonitoringFiles(JsonNode dashboard, JsonNode alerts) {
    static final Path DASHBOARD = Path.of("conf/grafana-dashboard.json");
    static final Path ALERTS = Path.of("conf/prometheus-alerts.yaml");
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern LABEL_VALUES = Pattern
            .compile("^\\s*label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$");

    /** One PromQL expression and where it is: "panel 'Calls / s' (A)", "alert PgMcpDatabaseDown". */
    record Expression(String origin, String promql) {}

    /** A dashboard variable filled by {@code label_values(selector, label)}. */
    record VariableQuery(String name, String selector, String label) {}

    static MonitoringFiles load() throws IOException {
        return new MonitoringFiles(JSON.readTree(DASHBOARD.toFile()), YAML.readTree(ALERTS.toFile()));
    }

    /** Every panel of the dashboard, those inside collapsed rows included. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The {@code expr} of every target of every panel. */
    List<Expression> dashboardQueries() {
        List<Expression> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Expression(
                        "panel '" + panel.path("title").asText() + "' (" + target.path("refId").asText() + ")",
                        target.path("expr").asText()));
            }
        }
        return queries;
    }

    /** The query variables of the dashboard; each must be a {@code label_values(selector, label)}. */
    List<VariableQuery> variableQueries() {
        List<VariableQuery> variables = new ArrayList<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isTextual() ? query.asText() : query.path("query").asText();
            Matcher m = LABEL_VALUES.matcher(text);
            if (!m.matches()) {
                throw new AssertionError("variable " + variable.path("name").asText()
                        + " is not label_values(selector, label): " + text);
            }
            variables.add(new VariableQuery(variable.path("name").asText(), m.group(1).strip(), m.group(2)));
        }
        return variables;
    }

    /** Every alerting rule of every group. */
    List<JsonNode> rules() {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : alerts.path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    /** The {@code expr} of every alerting rule. */
    List<Expression> alertExpressions() {
        return rules().stream()
                .map(rule -> new Expression("alert " + rule.path("alert").asText(), rule.path("expr").asText()))
                .toList();
    }

    /** The dashboard's queries, its variables' selectors and the alerts' expressions, together. */
    List<Expression> allExpressions() {
        List<Expression> all = new ArrayList<>(dashboardQueries());
        variableQueries().forEach(v -> all.add(new Expression("variable " + v.name(), v.selector())));
        all.addAll(alertExpressions());
        return all;
    }
}
