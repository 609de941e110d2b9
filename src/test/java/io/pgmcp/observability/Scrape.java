package io.pgmcp.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a metrics endpoint over java.net.http: the Prometheus text exposition, as series name + sorted labels to value. */
public record Scrape(String text, List<Map.Entry<String, Map<String, String>>> series, List<Double> values) {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Serves {@code metrics} on a free loopback port just long enough to scrape it once. */
    public static Scrape of(Metrics metrics) throws IOException, InterruptedException {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry())) {
            return of(server, "/metrics");
        }
    }

    public static Scrape of(MetricsServer server, String path) throws IOException, InterruptedException {
        int port = server.port().orElseThrow();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return new Scrape(response.body());
        }
    }

    public Scrape(String text) {
        this(text, new ArrayList<>(), new ArrayList<>());
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            series.add(Map.entry(m.group(1), labels));
            values.add(Double.parseDouble(m.group(3).replace("+Inf", "Infinity")));
        }
    }

    public boolean has(String name) {
        return series.stream().anyMatch(s -> s.getKey().equals(name));
    }

    /** The value of the series with exactly these labels; an assertion error naming it when absent. */
    public double value(String name, String... labelPairs) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).getKey().equals(name) && series.get(i).getValue().equals(wanted)) {
                return values.get(i);
            }
        }
        throw new AssertionError(name + wanted + " is not in the scrape:\n" + text);
    }

    /** The values of {@code label} over the series named {@code name}, in order, without repeats. */
    public List<String> labelValues(String name, String label) {
        return series.stream().filter(s -> s.getKey().equals(name)).map(s -> s.getValue().get(label)).distinct()
                .toList();
    }
}
