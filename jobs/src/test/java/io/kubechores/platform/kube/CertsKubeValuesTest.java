package io.kubechores.platform.kube;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secret values are checked for a PEM header while still base64 (Secret data is standard base64 without line
 * breaks, RFC 4648 §4, as the API serializes []byte): the header can start at any byte offset, so all three
 * alignments must be recognised, and nothing else may be.
 */
class CertsKubeValuesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "PEM at offset 0 | '' | true",
            "PEM after 1 byte | x | true",
            "PEM after 2 bytes | xy | true",
            "PEM after a comment line | '# cluster CA, rotated 2026\n' | true",
            "a private key only | KEY | false",
            "plain text | NONE | false",
    })
    void recognisesAPemHeaderAtEveryAlignmentWithoutDecoding(String what, String prefix, boolean expected) {
        String body = switch (prefix) {
            case "KEY" -> "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
            case "NONE" -> "password=hunter2 and the word CERTIFICATE";
            default -> prefix + "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        };
        String b64 = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        assertThat(CertsKube.mayHoldPem(b64)).as(what).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "2", "3", "4", "5"})
    void anyOffsetInsideALongValue(int offset) {
        String body = "z".repeat(1000 + offset) + "-----BEGIN CERTIFICATE-----";
        assertThat(CertsKube.mayHoldPem(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.US_ASCII))))
                .isTrue();
    }
}
