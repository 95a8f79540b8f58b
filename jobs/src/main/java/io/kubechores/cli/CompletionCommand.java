package io.kubechores.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * kubechores completion bash|zsh: the shell completion script picocli's AutoComplete generates from the command
 * model (every subcommand, option and enum value, e.g. --output text|json). The one script serves bash and zsh: it
 * loads zsh's bashcompinit itself (picocli manual, "Autocomplete for Java Command Line Applications").
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the shell completion script (bash or zsh).",
        footer = {"", "Examples:",
                "  source <(kubechores completion bash)                  # this shell",
                "  kubechores completion bash > /etc/bash_completion.d/kubechores",
                "  echo 'source <(kubechores completion zsh)' >> ~/.zshrc"})
public class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "${COMPLETION-CANDIDATES}")
    Shell shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.out.print(AutoComplete.bash("kubechores", spec.root().commandLine()));
        return 0;
    }
}
