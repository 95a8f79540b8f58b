package io.kubechores.runner.schedule;

import io.kubechores.desiredstate.Problem;

import java.util.List;
import java.util.stream.Collectors;

/** schedules/ has problems; each names file:line:column and field. */
public final class InvalidSchedulesException extends RuntimeException {
    private final List<Problem> problems;

    public InvalidSchedulesException(List<Problem> problems) {
        super(problems.size() + " problem(s) in schedules:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
