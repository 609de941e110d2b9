package io.pgmcp.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The command line, parsed: {@code pg-mcp [--config FILE] [--transport stdio|http]
 * [--validate-config [--check-connections]] [--version] [--help]}.
 *
 * @param config           the config file, if given with {@code --config}
 * @param transport        {@code stdio} or {@code http}, if given with {@code --transport}
 * @param validateConfig   {@code --validate-config}: check the configuration and exit
 * @param checkConnections {@code --check-connections}: with validation, also connect to each database
 * @param printGrants      {@code --print-grants [DB]}: print least-privilege SQL; the value is the
 *                         database name, or empty string for "the only database"
 * @param version          {@code --version}
 * @param help             {@code --help} or {@code -h}
 */
public record Options(Optional<Path> config, Optional<String> transport, boolean validateConfig,
        boolean checkConnections, Optional<String> printGrants, boolean version, boolean help) {

    public Options {
        if (config == null || transport == null || printGrants == null) {
            throw new IllegalArgumentException("config and transport must not be null (use Optional.empty())");
        }
    }

    /** The usage text printed by {@code --help} and, on stderr, after a usage error. */
    public static final String USAGE = """
            Usage: pg-mcp [options]

            A PostgreSQL server for the Model Context Protocol: answers questions about your databases
            read-only, checked against an access policy, audited. Speaks MCP on stdin/stdout by default.

            Options:
              --config FILE          configuration file (YAML or JSON); default: $PG_MCP_CONFIG, else the
                                     PG_MCP_DATABASE_* / PG_MCP_OPENAI_* / PG_MCP_SERVER_* environment
              --transport MODE       stdio (default) or http; overrides server.transport
              --validate-config      print every configuration error and warning, then exit
                                     (0 when valid, 1 otherwise)
              --check-connections    with --validate-config: also connect to every database and warn
                                     when its role can do more than read, or read what the policy
                                     denies, and when a deny entry names nothing
              --print-grants [DB]    print the SQL for a least-privilege role matching DB's access
                                     policy (from the configuration alone; safe to run twice), then exit
              --version              print the version, the git commit and the JDK it was built
                                     with, then exit
              -h, --help             print this help and exit

            Exit codes: 0 success, 1 invalid configuration or failed start, 2 bad command line.
            Configuration reference: conf/config.example.yaml (every key, commented).
            """;

    /**
     * Parses the arguments. Accepts {@code --name value} and {@code --name=value}.
     *
     * @throws UsageException for an unknown option, a missing or invalid value, or a repeated option
     */
    public static Options parse(String... args) throws UsageException {
        Path config = null;
        String transport = null;
        boolean validate = false;
        boolean check = false;
        String grants = null;
        boolean version = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "--config" -> {
                    if (config != null) {
                        throw new UsageException("--config given twice");
                    }
                    String value = inline != null ? inline : value(args, ++i, name);
                    if (value.isBlank()) {
                        throw new UsageException("--config needs a file name");
                    }
                    config = Path.of(value);
                }
                case "--transport" -> {
                    if (transport != null) {
                        throw new UsageException("--transport given twice");
                    }
                    String value = (inline != null ? inline : value(args, ++i, name)).toLowerCase(Locale.ROOT);
                    if (!value.equals("stdio") && !value.equals("http")) {
                        throw new UsageException("--transport must be stdio or http, not '" + value + "'");
                    }
                    transport = value;
                }
                case "--validate-config" -> validate = flag(inline, name);
                case "--print-grants" -> {
                    if (grants != null) {
                        throw new UsageException("--print-grants given twice");
                    }
                    if (inline != null) {
                        grants = inline;
                    } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                        grants = args[++i];
                    } else {
                        grants = "";
                    }
                }
                case "--check-connections" -> check = flag(inline, name);
                case "--version" -> version = flag(inline, name);
                case "--help", "-h" -> help = flag(inline, name);
                default -> throw new UsageException(arg.startsWith("-")
                        ? "unknown option: " + name
                        : "unexpected argument: " + arg);
            }
        }
        if (check && !validate) {
            throw new UsageException("--check-connections only works with --validate-config");
        }
        if (grants != null && validate) {
            throw new UsageException("--print-grants and --validate-config are separate commands");
        }
        return new Options(Optional.ofNullable(config), Optional.ofNullable(transport), validate, check,
                Optional.ofNullable(grants), version, help);
    }

    private static String value(String[] args, int index, String name) throws UsageException {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(name + " needs a value");
        }
        return args[index];
    }

    private static boolean flag(String inline, String name) throws UsageException {
        if (inline != null) {
            throw new UsageException(name + " takes no value");
        }
        return true;
    }
}
