package io.pgmcp.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the configuration from a YAML or JSON file, or (without a file) from {@code PG_MCP_*}
 * environment variables, and validates it strictly: every problem is collected, each naming its key
 * path, and reported together in one {@link ConfigException}. No message contains a secret.
 * Instances are immutable and thread-safe.
 */
public final class ConfigLoader {
    /** Config files larger than this are refused. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final Pattern YAML_MARK = Pattern.compile("\\s*in '[^']*', line (\\d+), column (\\d+):?");

    private final Map<String, String> env;

    /** @param env the environment: for {@code ${VAR}} expansion, env-only mode and the default audit path */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /**
     * Loads a YAML or JSON file (JSON is read as YAML), expanding {@code ${VAR}} references in its string
     * values.
     *
     * @throws ConfigException listing every problem found
     */
    public LoadedConfig load(Path file) throws ConfigException {
        JsonNode tree = parse(read(file));
        BindContext ctx = new BindContext(Map.of());
        new VariableExpander(env, ctx).expand(tree);
        return bind(tree, ctx);
    }

    /**
     * Env-only, single-database mode: one database from {@code PG_MCP_DATABASE_URL} or
     * {@code PG_MCP_DATABASE_{NAME,HOST,PORT,DBNAME,USER,PASSWORD,SSL_MODE}}, the LLM from
     * {@code PG_MCP_OPENAI_*} (or {@code OPENAI_API_KEY}), server keys from {@code PG_MCP_SERVER_<KEY>},
     * rate limits from {@code PG_MCP_RATE_LIMIT_<KEY>}, the metrics endpoint from
     * {@code PG_MCP_METRICS_<KEY>}; everything else at its default.
     *
     * @throws ConfigException listing every problem, or saying there is no configuration at all
     */
    public LoadedConfig fromEnvironment() throws ConfigException {
        EnvironmentConfig source = new EnvironmentConfig(env);
        if (!source.configuresDatabase()) {
            List<String> errors = new ArrayList<>();
            errors.add(EnvironmentConfig.NO_CONFIGURATION);
            errors.addAll(source.errors());
            throw new ConfigException(errors);
        }
        BindContext ctx = new BindContext(source.sources());
        source.errors().forEach(error -> ctx.error("", error));
        return bind(source.tree(ctx), ctx);
    }

    private LoadedConfig bind(JsonNode tree, BindContext ctx) throws ConfigException {
        PgMcpConfig config = new ConfigBinder(ctx, env).bind(ConfigNode.root(tree, ctx));
        ctx.reportUnknownKeys();
        if (ctx.hasErrors() || config == null) {
            throw new ConfigException(ctx.hasErrors() ? ctx.errors() : List.of("configuration is invalid"));
        }
        return new LoadedConfig(config, ConfigWarnings.of(config));
    }

    private static byte[] read(Path file) throws ConfigException {
        if (Files.isDirectory(file)) {
            throw new ConfigException("config file " + file + " is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new ConfigException("config file " + file + " is larger than 1 MiB");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file);
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + file + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    private static JsonNode parse(byte[] bytes) throws ConfigException {
        rejectAliases(bytes);
        try (JsonParser parser = YAML.createParser(bytes)) {
            JsonNode tree = YAML.readTree(parser);
            if (tree == null || tree.isMissingNode() || tree.isNull()
                    || tree.isTextual() && tree.textValue().isBlank()) {
                throw new ConfigException("config file is empty");
            }
            if (parser.nextToken() != null) {
                throw new ConfigException("config file holds more than one YAML document; put everything in one");
            }
            if (!tree.isObject()) {
                throw new ConfigException("config file must hold a mapping at the top level (databases:, server:, ...),"
                        + " not a " + ConfigNode.kind(tree));
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ConfigException(syntaxError(e));
        } catch (IOException e) {
            throw new ConfigException("cannot parse config file: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Jackson's tree reader does not resolve YAML aliases: {@code *name} would silently become the
     * string "name". Refuse them instead of misreading the file.
     */
    private static void rejectAliases(byte[] bytes) throws ConfigException {
        try (JsonParser parser = YAML.createParser(bytes)) {
            while (parser.nextToken() != null) {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    String path = pathOf(parser.getParsingContext());
                    throw new ConfigException((path.isEmpty() ? "" : path + ": ")
                            + "YAML aliases (*name) are not supported; write the value out"
                            + " (line " + parser.currentLocation().getLineNr() + ")");
                }
            }
        } catch (JsonProcessingException e) {
            throw new ConfigException(syntaxError(e));
        } catch (IOException e) {
            throw new ConfigException("cannot parse config file: " + e.getClass().getSimpleName());
        }
    }

    /**
     * A parse error without the snippet of the file that Jackson and SnakeYAML put in their messages,
     * since that snippet may be a line holding a password.
     */
    private static String syntaxError(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String where = e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        if (original.startsWith("Duplicate field")) {
            String path = e.getProcessor() instanceof JsonParser p ? pathOf(p.getParsingContext()) : "";
            return (path.isEmpty() ? "" : path + ": ") + "duplicate key" + where;
        }
        if (!YAML_MARK.matcher(original).find()) {
            return "config file is not valid YAML or JSON: malformed value" + where;
        }
        List<String> parts = new ArrayList<>();
        for (String line : original.split("\n")) {
            Matcher mark = YAML_MARK.matcher(line);
            if (mark.matches() && !parts.isEmpty()) {
                int last = parts.size() - 1;
                parts.set(last, parts.get(last) + " (line " + mark.group(1) + ", column " + mark.group(2) + ")");
            } else if (!line.isBlank() && !line.startsWith(" ") && !mark.matches()) {
                parts.add(line.strip());
            }
        }
        return "config file is not valid YAML or JSON: "
                + (parts.isEmpty() ? "syntax error" + where : String.join("; ", parts));
    }

    private static String pathOf(JsonStreamContext context) {
        List<String> segments = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.addFirst("[" + c.getCurrentIndex() + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                segments.addFirst((c.getParent() == null || c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
            }
        }
        return String.join("", segments);
    }
}
