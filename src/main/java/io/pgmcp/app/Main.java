package io.pgmcp.app;

import io.pgmcp.audit.AuditException;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.cli.ConfigSource;
import io.pgmcp.cli.GrantsCommand;
import io.pgmcp.cli.Options;
import io.pgmcp.cli.UsageException;
import io.pgmcp.cli.ValidateCommand;
import io.pgmcp.config.ConfigException;
import io.pgmcp.config.LoadedConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.SuppressForbidden;
import io.pgmcp.config.Transport;
import io.pgmcp.catalog.ConnectionProbe;
import io.pgmcp.sql.RoleAgreement;
import io.pgmcp.observability.Logging;
import io.pgmcp.observability.MetricsEndpointException;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point: parses the command line, loads the configuration and runs the server until stdin
 * closes (stdio) or a termination signal arrives (either transport; see {@link Termination}). Exit codes: 0 success, 1 bad configuration or failed start, 2 bad command line.
 */
public final class Main {
    private static final System.Logger logger = System.getLogger(Main.class.getName());

    private Main() {}

    @SuppressForbidden("the process's standard streams are opened here, once, and passed down")
    public static void main(String[] args) {
        // The process's own descriptors, as UTF-8 whatever the locale: stdout carries MCP (UTF-8 JSON)
        // and must not be re-encoded; text for people goes the same way so names never turn into '?'.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Termination termination = Termination.forProcess(stdout, stderr);
        int code = run(args, new FileInputStream(FileDescriptor.in), stdout, stderr, System.getenv(), termination);
        stdout.flush();
        stderr.flush();
        termination.exiting(code);
        System.exit(code);
    }

    /** Runs pg-mcp as the command line says; answers the process exit code. No signal handling. */
    public static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
            Map<String, String> env) {
        return run(args, stdin, stdout, stderr, env, Termination.none());
    }

    private static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr,
            Map<String, String> env, Termination termination) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            stderr.println("pg-mcp: " + e.getMessage());
            stderr.println();
            stderr.print(Options.USAGE);
            return 2;
        }
        if (options.help()) {
            stdout.print(Options.USAGE);
            return 0;
        }
        BuildInfo build = BuildInfo.load();
        if (options.version()) {
            stdout.println(build.versionLine());
            return 0;
        }
        ConfigSource source = new ConfigSource(options, env);
        if (options.printGrants().isPresent()) {
            return new GrantsCommand(source, options.printGrants().get()).run(stdout, stderr);
        }
        if (options.validateConfig()) {
            return new ValidateCommand(source, options.checkConnections()
                    ? config -> ConnectionProbe.check(config, RoleAgreement::warnings, java.time.Clock.systemUTC())
                    : null).run(stdout);
        }

        Logging.install(System.Logger.Level.INFO, true, stderr);
        LoadedConfig loaded;
        try {
            loaded = source.load();
        } catch (ConfigException e) {
            stderr.println("pg-mcp: invalid configuration (" + source.describe() + "):");
            e.errors().forEach(error -> stderr.println("  " + error));
            return 1;
        }
        var logging = loaded.config().observability().logging();
        Logging.install(logging.level(), logging.format() == io.pgmcp.config.LogFormat.JSON, stderr);
        loaded.warnings().forEach(w -> logger.log(System.Logger.Level.WARNING, "config: {0}", w));

        PgMcpConfig config = loaded.config();
        if (options.transport().isPresent()) {
            Transport chosen = Transport.valueOf(options.transport().get().toUpperCase(Locale.ROOT));
            try {
                config = config.withServer(config.server().withTransport(chosen));
            } catch (IllegalArgumentException e) {
                stderr.println("pg-mcp: invalid configuration with --transport " + options.transport().get() + ": "
                        + e.getMessage());
                return 1;
            }
        }
        AuditLog audit;
        try {
            audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new, stdout,
                    stderr,
                    Ticker.system());
        } catch (AuditException | RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "cannot open the audit log ({0}): {1}", config.audit().storage(),
                    e.getMessage());
            return 1;
        }
        try (PgMcpServer server = new PgMcpServer(config, build.version(), audit)) {
            termination.serving(server);
            if (config.server().transport() == Transport.HTTP) {
                server.serveHttp();
            } else {
                server.serveStdio(stdin, stdout);
            }
            return 0;
        } catch (IOException e) {
            logger.log(System.Logger.Level.ERROR, "cannot start the HTTP transport on {0}:{1}: {2}",
                    config.server().http().host(), Integer.toString(config.server().http().port()), e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (MetricsEndpointException e) {
            logger.log(System.Logger.Level.ERROR, e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "pg-mcp stopped on an unexpected error", e);
            return 1;
        }
    }
}
