package io.kubechores.yaml;

/**
 * A YAML file that cannot be read or an edit that is not safe: the message is one line, starting with
 * {@code file:line[:col]:}, and never holds the file's content.
 */
public class YamlEditException extends IllegalArgumentException {
    public YamlEditException(String message) {
        super(message);
    }
}
