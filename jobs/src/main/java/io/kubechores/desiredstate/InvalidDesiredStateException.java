package io.kubechores.desiredstate;

import java.util.List;
import java.util.stream.Collectors;

/** The desired-state repo has errors; every one is listed (CLI exit code 2). */
public class InvalidDesiredStateException extends RuntimeException {
    private final List<Problem> problems;

    public InvalidDesiredStateException(List<Problem> problems) {
        super(problems.size() + " error(s) in the desired-state repo:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
