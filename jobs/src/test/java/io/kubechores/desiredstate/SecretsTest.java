package io.kubechores.desiredstate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secret shapes masked even when never registered. Formats: Slack incoming webhooks (hooks.slack.com/services/T/B/X),
 * RFC 3986 §3.2.1 userinfo, GitHub token prefixes (ghp_, github_pat_), GitLab glpat-, Slack xoxb-, AWS access key ids
 * (AKIA/ASIA + 16 upper-case alphanumerics, IAM "Unique identifiers").
 */
class SecretsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Illegal character in path at index 53: https://hooks.slack.com/services/T000/B000/XXXXabcdXXXX\\n | Illegal character in path at index 53: https://hooks.slack.com/services/***",
            "GET https://admin:s3cr3tpw@jenkins.acme.example/job/x | GET https://***@jenkins.acme.example/job/x",
            "redirect to https://gitlab.example/api?private_token=glpat0123456789abcdef&x=1 | redirect to https://gitlab.example/api?private_token=***&x=1",
            "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc.def | Authorization: Bearer ***",
            "token ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 rejected | token *** rejected",
            "pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop | pat ***",
            "key AKIAIOSFODNN7EXAMPLE used | key *** used",
            "slack xoxb-1234567890-abcdefghij | slack ***",
            "https://s3.amazonaws.com/b/k?X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA | https://s3.amazonaws.com/b/k?X-Amz-Signature=***&X-Amz-Credential=***",
            "replicas 3 → 0 on staging-eu-1/shop/Deployment/cart | replicas 3 → 0 on staging-eu-1/shop/Deployment/cart",
    })
    void secretShapesAreMasked(String in, String expected) {
        assertThat(Secrets.scrub(in.replace("\\n", "\n")).strip()).isEqualTo(expected.strip());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "my-webhook-secret-value\\n | failed: my-webhook-secret-value | failed: ***",
            "p@ss w0rd! | url=https://x/?a=p%40ss+w0rd%21 | url=https://x/?a=***",
    })
    void registeredValuesAreMaskedTrimmedAndUrlEncoded(String secret, String text, String expected) {
        assertThat(Secrets.register(secret.replace("\\n", "\n"))).isEqualTo(secret.replace("\\n", "\n").strip());
        assertThat(Secrets.scrub(text)).isEqualTo(expected);
    }

    /**
     * scrub runs each shape's regex only when the text holds a literal every match of it contains (issue 15: the
     * regexes on every log line were a quarter of a run's CPU). Proof that the shortcut never skips a match: texts built
     * from the shapes' own pieces, in any case and order, scrub the same with and without it.
     */
    @Test
    void thePreconditionsNeverSkipAMatch() {
        String[] pieces = {"Bearer ", "bAsIc ", "TOKEN\t", "token ", "abcdefghij123", "eyJhbGciOi.x.y", "https://",
                "HTTP://", "git+ssh://", "u:p", "admin:", "@", "@host/", "hooks.slack.com/services/", "HOOKS.Slack.COM/triggers/",
                "T000/B000/XXXX", "?", "&", ";", "token=", "X-AMZ-SIGNATURE=", "private_token=", "apikey=", "=", "#",
                "ghp_", "gho_", "github_pat_", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "glpat-", "xoxb-", "xoxp-",
                "AKIA", "ASIA", "IOSFODNN7EXAMPLE", " ", "\n", "\"", "<", "replicas 3 → 0", "ß", "İ", "K"};
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = 1 + random.nextInt(8); n > 0; n--) b.append(pieces[random.nextInt(pieces.length)]);
            String text = b.toString();
            assertThat(Secrets.scrub(text, true)).as(text).isEqualTo(Secrets.scrub(text, false));
        }
    }
}
