package io.kubechores;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Spring Boot application behind the CLI ({@link io.kubechores.cli.Main} is the entry point). */
@SpringBootApplication
public class KubechoresApplication {
}
