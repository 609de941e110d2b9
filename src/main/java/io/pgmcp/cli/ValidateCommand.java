package io.pgmcp.cli;

import io.pgmcp.config.ConfigException;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.LoadedConfig;
import io.pgmcp.config.MetricsConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.catalog.ConnectionProbe;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code --validate-config}: loads the configuration, prints every error and warning (never a
 * secret: the config package redacts them) and answers the exit code, 0 when valid, 1 otherwise.
 * Checks that need the network (the metrics port, and with {@code --check-connections} each
 * database) add warnings or errors of their own.
 */
public final class ValidateCommand {
    private final ConfigSource source;
    private final Function<PgMcpConfig, ConnectionProbe.Report> connectionCheck;

    /**
     * @param connectionCheck run for {@code --check-connections}: errors for databases that cannot be
     *                        reached, warnings for roles that can do more than read; null when
     *                        connections are not checked
     */
    public ValidateCommand(ConfigSource source, Function<PgMcpConfig, ConnectionProbe.Report> connectionCheck) {
        this.source = source;
        this.connectionCheck = connectionCheck;
    }

    public int run(PrintStream out) {
        out.println("Validating configuration from " + source.describe());
        LoadedConfig loaded;
        try {
            loaded = source.load();
        } catch (ConfigException e) {
            for (String error : e.errors()) {
                out.println("ERROR: " + error);
            }
            out.println("Configuration is invalid: " + e.errors().size() + " error(s).");
            return 1;
        }
        PgMcpConfig config = loaded.config();
        List<String> warnings = new ArrayList<>(loaded.warnings());
        List<String> errors = new ArrayList<>();
        metricsPortWarning(config.observability().metrics(), config.server().transport()).ifPresent(warnings::add);
        if (connectionCheck != null) {
            ConnectionProbe.Report report = connectionCheck.apply(config);
            errors.addAll(report.errors());
            warnings.addAll(report.warnings());
        }
        errors.forEach(e -> out.println("ERROR: " + e));
        warnings.forEach(w -> out.println("WARNING: " + w));
        if (!errors.isEmpty()) {
            out.println(
                    "Configuration is invalid: " + errors.size() + " error(s), " + warnings.size() + " warning(s).");
            return 1;
        }
        List<String> names = config.databases().stream().map(DatabaseConfig::name).toList();
        out.println("Configuration is valid: " + names.size() + " database(s) " + names + ", "
                + warnings.size() + " warning(s).");
        return 0;
    }

    private static java.util.Optional<String> metricsPortWarning(MetricsConfig metrics,
            io.pgmcp.config.Transport transport) {
        if (!metrics.enabledFor(transport)) {
            return java.util.Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(metrics.host(), metrics.port()));
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.of("observability.metrics.port: " + metrics.host() + ":" + metrics.port()
                    + " is not available (" + e.getMessage() + "); metrics will not be served");
        }
    }
}
