package io.kubechores.core.schedule;

/**
 * A schedule string that does not follow the grammar. The message names the whole input, the 1-based column and the
 * offending fragment, e.g.
 * {@code schedule "Mon-Fry 07:30-20:30 Europe/Berlin": column 5, "Fry": unknown weekday (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)}.
 */
public final class ScheduleParseException extends IllegalArgumentException {
    private final String input;
    private final int column;
    private final String fragment;
    private final String problem;

    ScheduleParseException(String input, int index, String fragment, String problem) {
        super("schedule \"" + input + "\": column " + (index + 1) + ", \"" + fragment + "\": " + problem);
        this.input = input;
        this.column = index + 1;
        this.fragment = fragment;
        this.problem = problem;
    }

    /** The whole schedule string as given. */
    public String input() {
        return input;
    }

    /** 1-based column in {@link #input()} where the wrong part starts. */
    public int column() {
        return column;
    }

    /** The wrong part of the string. */
    public String fragment() {
        return fragment;
    }

    /** What is wrong with the fragment, without the input. */
    public String problem() {
        return problem;
    }
}
