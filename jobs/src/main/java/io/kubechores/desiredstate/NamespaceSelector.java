package io.kubechores.desiredstate;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Namespaces in scope: include (empty = all) minus exclude. Entries are exact names or globs with '*'.
 */
public record NamespaceSelector(List<String> include, List<String> exclude) {
    public static final NamespaceSelector ALL = new NamespaceSelector(List.of(), List.of());

    public NamespaceSelector {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public boolean matches(String namespace) {
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> glob(p, namespace));
        return in && exclude.stream().noneMatch(p -> glob(p, namespace));
    }

    static boolean glob(String pattern, String value) {
        if (!pattern.contains("*")) return pattern.equals(value);
        String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q");
        return Pattern.matches(regex, value);
    }
}
