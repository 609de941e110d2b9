package io.pgmcp.testing;

import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.opentest4j.TestAbortedException;

/**
 * Begins starting the shared {@link Keycloak} when a test plan that holds a class with a
 * {@link Keycloak.Fixture} begins, so that its start (30 s to over two minutes while the other tests
 * run, most of it the one-time build after unpacking) overlaps the classes that run before the first
 * one that needs it, instead of adding to the end of the run. Registered through
 * {@code META-INF/services}; does nothing for plans without such a class or where Keycloak cannot run.
 */
public final class KeycloakEarlyStart implements TestExecutionListener {

    private static final System.Logger logger = System.getLogger(KeycloakEarlyStart.class.getName());

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (!usesKeycloak(plan)) {
            return;
        }
        try {
            Keycloak.beginSharedStart();
        } catch (TestAbortedException e) {
            // cannot run here: each test of the fixture is skipped with this reason
        } catch (RuntimeException e) {
            // a fixture that needs it reports the failure again
            logger.log(System.Logger.Level.WARNING, "Cannot begin starting Keycloak early", e);
        }
    }

    static boolean usesKeycloak(TestPlan plan) {
        Deque<TestIdentifier> pending = new ArrayDeque<>(plan.getRoots());
        while (!pending.isEmpty()) {
            TestIdentifier identifier = pending.pop();
            if (identifier.getSource().orElse(null) instanceof ClassSource source && usesKeycloak(source)) {
                return true;
            }
            pending.addAll(plan.getChildren(identifier));
        }
        return false;
    }

    private static boolean usesKeycloak(ClassSource source) {
        try {
            return usesKeycloak(source.getJavaClass());
        } catch (RuntimeException | LinkageError e) {
            return false; // a class that cannot be loaded fails in its own run
        }
    }

    /** Whether the class declares a static {@link Keycloak.Fixture} field (read without initialising it). */
    static boolean usesKeycloak(Class<?> testClass) {
        return Arrays.stream(testClass.getDeclaredFields())
                .anyMatch(
                        field -> Modifier.isStatic(field.getModifiers()) && field.getType() == Keycloak.Fixture.class);
    }
}
