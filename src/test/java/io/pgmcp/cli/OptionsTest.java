package io.pgmcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void noArgumentsMeansServeWithDefaults() throws UsageException {
        Options options = Options.parse();
        assertEquals(Optional.empty(), options.config());
        assertEquals(Optional.empty(), options.transport());
        assertFalse(options.validateConfig() || options.help() || options.version());
    }

    @Test
    void acceptsSeparateAndInlineValues() throws UsageException {
        Options options = Options.parse("--config", "a.yaml", "--transport=HTTP", "--validate-config",
                "--check-connections");
        assertEquals(Optional.of(Path.of("a.yaml")), options.config());
        assertEquals(Optional.of("http"), options.transport());
        assertTrue(options.validateConfig() && options.checkConnections());
        assertEquals(Optional.of(Path.of("b.yaml")), Options.parse("--config=b.yaml").config());
    }

    @Test
    void printGrantsTakesAnOptionalDatabase() throws UsageException {
        assertEquals(Optional.of(""), Options.parse("--print-grants").printGrants());
        assertEquals(Optional.of("main"), Options.parse("--print-grants", "main").printGrants());
        assertEquals(Optional.of("main"), Options.parse("--print-grants", "main", "--config", "c.yaml").printGrants());
        assertEquals(Optional.of(""), Options.parse("--print-grants", "--config", "c.yaml").printGrants());
        assertEquals(Optional.empty(), Options.parse().printGrants());
        assertThrows(UsageException.class, () -> Options.parse("--print-grants", "--validate-config"));
    }

    @Test
    void helpAndVersionFlags() throws UsageException {
        assertTrue(Options.parse("-h").help());
        assertTrue(Options.parse("--help").help());
        assertTrue(Options.parse("--version").version());
    }

    @Test
    void rejectsUnknownOptionsMissingValuesAndRepeats() {
        assertEquals("unknown option: --frobnicate",
                assertThrows(UsageException.class, () -> Options.parse("--frobnicate")).getMessage());
        assertEquals("unexpected argument: stray",
                assertThrows(UsageException.class, () -> Options.parse("stray")).getMessage());
        assertEquals("--config needs a value",
                assertThrows(UsageException.class, () -> Options.parse("--config")).getMessage());
        assertEquals("--config needs a value",
                assertThrows(UsageException.class, () -> Options.parse("--config", "--version")).getMessage());
        assertEquals("--config given twice",
                assertThrows(UsageException.class, () -> Options.parse("--config", "a", "--config", "b")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> Options.parse("--transport", "carrier-pigeon")).getMessage()
                .contains("stdio or http"));
        assertEquals("--version takes no value",
                assertThrows(UsageException.class, () -> Options.parse("--version=2")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> Options.parse("--check-connections")).getMessage()
                .contains("--validate-config"));
    }

    @Test
    void usageMentionsEveryOption() {
        for (String option : new String[]{"--config", "--transport", "--validate-config", "--check-connections",
                "--print-grants",
                "--version", "--help"}) {
            assertTrue(Options.USAGE.contains(option), option);
        }
    }
}
