package io.kubechores.model.rightsize;

import io.kubechores.model.rightsize.ResourceValues;

/**
 * Requests and limits of one container as written (raw quantity strings; null = not set).
 *
 * @param placeholder the source has a resources placeholder ({@code {}}, null, or every field unset) that an edit
 *                    fills with a minimal block
 */
public record ResourceValues(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit,
                             boolean placeholder) {
    public static final ResourceValues NONE = new ResourceValues(null, null, null, null);
    public static final ResourceValues PLACEHOLDER = new ResourceValues(null, null, null, null, true);

    /** Field names used in edits, markers and tables. */
    public static final String CPU_REQUEST = "requests.cpu";
    public static final String MEMORY_REQUEST = "requests.memory";
    public static final String CPU_LIMIT = "limits.cpu";
    public static final String MEMORY_LIMIT = "limits.memory";

    public ResourceValues(String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {
        this(cpuRequest, memoryRequest, cpuLimit, memoryLimit, false);
    }

    public String get(String field) {
        return switch (field) {
            case CPU_REQUEST -> cpuRequest;
            case MEMORY_REQUEST -> memoryRequest;
            case CPU_LIMIT -> cpuLimit;
            case MEMORY_LIMIT -> memoryLimit;
            default -> throw new IllegalArgumentException(field);
        };
    }

    public ResourceValues with(String field, String value) {
        return switch (field) {
            case CPU_REQUEST -> new ResourceValues(value, memoryRequest, cpuLimit, memoryLimit, placeholder);
            case MEMORY_REQUEST -> new ResourceValues(cpuRequest, value, cpuLimit, memoryLimit, placeholder);
            case CPU_LIMIT -> new ResourceValues(cpuRequest, memoryRequest, value, memoryLimit, placeholder);
            case MEMORY_LIMIT -> new ResourceValues(cpuRequest, memoryRequest, cpuLimit, value, placeholder);
            default -> throw new IllegalArgumentException(field);
        };
    }

    public static final java.util.List<String> FIELDS = java.util.List.of(CPU_REQUEST, MEMORY_REQUEST, CPU_LIMIT, MEMORY_LIMIT);

    public static boolean isCpu(String field) {
        return field.endsWith(".cpu");
    }
}
