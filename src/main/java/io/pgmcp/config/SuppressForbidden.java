package io.pgmcp.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts a type, method, constructor or field from the build's forbidden-API check, for the few places
 * that legitimately do what the check forbids (the stdio transport and the command line write to
 * the process's standard output). Use it on the narrowest element and say why in {@link #value()}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {

    /** Why the forbidden API is right here. */
    String value();
}
