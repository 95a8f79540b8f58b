package io.kubechores.certs;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class CertsCollectorTest {
    @ParameterizedTest(name = "{0} -> {1} port {2}")
    @CsvSource(textBlock = """
            10.0.0.5:2379,                10.0.0.5,             2379
            10.0.0.5,                     10.0.0.5,             2379
            etcd-0.internal,              etcd-0.internal,      2379
            https://etcd-1.internal:2380, etcd-1.internal,      2380
            https://etcd-1.internal/,     etcd-1.internal,      2379
            [fd00::5]:2379,               fd00::5,              2379
            [fd00::5],                    fd00::5,              2379
            fd00::5,                      fd00::5,              2379
            """)
    void etcdEndpointsParse(String in, String host, int port) {
        var t = CertsCollector.target(in, 2379);
        assertThat(t.host()).isEqualTo(host);
        assertThat(t.port()).isEqualTo(port);
    }
}
